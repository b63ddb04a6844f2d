// The animation for slides: the page records its picture with MediaRecorder
// while the chosen steps play (WebM), or draws it at evenly spaced steps into
// an animated GIF, at the chosen width, speed and step range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveBundle, waitForPaint, openPage, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

/** The logical size and the number of images of a GIF, read block by block. */
function readGif(bytes) {
  assert.equal(bytes.subarray(0, 6).toString('latin1'), 'GIF89a');
  const width = bytes.readUInt16LE(6);
  const height = bytes.readUInt16LE(8);
  let at = 13;
  if (bytes[10] & 0x80) at += 3 * 2 ** ((bytes[10] & 7) + 1);
  const skipSubBlocks = () => { while (bytes[at] !== 0) at += bytes[at] + 1; at += 1; };
  let images = 0;
  let delays = [];
  for (;;) {
    const block = bytes[at];
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[at + 1] === 0xf9) delays.push(bytes.readUInt16LE(at + 4));
      at += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      images += 1;
      const flags = bytes[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * 2 ** ((flags & 7) + 1);
      at += 1;
      skipSubBlocks();
    } else {
      throw new Error(`unknown GIF block 0x${block.toString(16)} at ${at}`);
    }
  }
  return { width, height, images, delays };
}

test('video: the WebM export plays the chosen steps and yields a non-empty WebM of non-zero duration', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.fill('#steps', '40');
  await page.press('#steps', 'Tab');
  await page.click('#animation summary');
  await page.fill('#anim-from', '10');
  await page.fill('#anim-to', '30');
  await page.selectOption('#anim-speed', '4');
  await page.selectOption('#anim-width', '480');
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
  assert.equal(await page.textContent('#step-counter'), '30', 'it played to the last chosen step and stopped');
  assert.equal(await page.inputValue('#speed'), '1', 'the page keeps its own speed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('video: the GIF export draws the chosen frames at the chosen width; a bad range is named', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.click('#animation summary');
  await page.fill('#anim-to', '9999');
  await page.click('#export-gif');
  await page.waitForFunction(() => /The animation was not made: the last step shown, 9999, is after the runs' last step, \d+/.test(document.querySelector('#status').textContent));
  await page.fill('#anim-from', '0');
  await page.fill('#anim-to', '20');
  await page.fill('#anim-frames', '6');
  await page.selectOption('#anim-width', '480');
  await page.selectOption('#anim-speed', '2');
  const download = page.waitForEvent('download');
  await page.click('#export-gif');
  const file = await download;
  assert.equal(file.suggestedFilename(), 'descent-animation.gif');
  const path = `${OUTPUT_DIR}animation.gif`;
  await file.saveAs(path);
  const gif = readGif(readFileSync(path));
  assert.equal(gif.width, 480);
  assert.ok(gif.height >= 100 && gif.height <= 480, `height ${gif.height}`);
  assert.equal(gif.images, 6);
  // 20 steps at 60 ms each, twice as fast, over 6 frames: 10 centiseconds a frame.
  assert.deepEqual(gif.delays, [10, 10, 10, 10, 10, 10]);
  assert.equal(Number(await page.getAttribute('#landscape', 'data-gif-frames')), 6);
  assert.match(await page.textContent('#anim-progress'), /GIF of 6 frames offered/);
  assert.deepEqual(errors, []);
  await page.close();
});
