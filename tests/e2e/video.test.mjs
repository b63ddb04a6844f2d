// The animation as a video: the page records its picture with MediaRecorder
// while the runs play from step 0 to their end, and offers a WebM file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveBundle, waitForPaint, openPage, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

test('video: the WebM export plays the runs through and yields a non-empty WebM of non-zero duration', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.fill('#steps', '40');
  await page.press('#steps', 'Tab');
  await page.selectOption('#speed', '4');
  const download = page.waitForEvent('download');
  await page.click('#export-webm');
  const file = await download;
  assert.equal(file.suggestedFilename(), 'descent-animation.webm');
  const path = `${OUTPUT_DIR}animation.webm`;
  await file.saveAs(path);
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
  // A WebM file is EBML: it starts with the EBML magic number.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  assert.equal(Number(await page.getAttribute('#landscape', 'data-webm-bytes')), bytes.length);
  assert.ok(Number(await page.getAttribute('#landscape', 'data-webm-ms')) > 0);
  assert.equal(await page.textContent('#step-counter'), '40', 'it played to the end');
  assert.deepEqual(errors, []);
  await page.close();
});
