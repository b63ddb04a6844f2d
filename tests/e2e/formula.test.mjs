// Your own function in the page: a typed formula becomes the landscape,
// travels in the address, and a malformed one is refused with its position
// while the page keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, canvasPixels, waitForCanvasChange, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

test('formula: a typed function is drawn and optimized; a malformed one is named and refused', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'formula');
  await waitForPaint(page);
  assert.equal(await page.inputValue('#problem-f'), 'sin(x)*cos(y) + 0.1*(x^2 + y^2)');
  const before = await canvasPixels(page, '#landscape');
  await page.fill('#problem-f', '0.5*x^2 + 10*y^2');
  await page.press('#problem-f', 'Enter');
  await waitForCanvasChange(page, '#landscape', before.checksum);
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('0.5*x^2 + 10*y^2'));
  // The runs' settings are suggested afresh for the new function: gradient
  // descent converges on it instead of diverging with the old one's rate.
  await page.fill('#steps', '60');
  await page.press('#steps', 'Tab');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === '60');
  assert.doesNotMatch(await page.textContent('#step-info'), /Diverged/);
  await page.screenshot({ path: `${OUTPUT_DIR}formula-quadratic-1280.png` });
  const typedAddress = await page.evaluate(() => location.hash);

  // A malformed formula: the status names the character and what was
  // expected; the formula in use, its picture and the address stay.
  await page.fill('#problem-f', '0.5*x^2 + * y');
  await page.press('#problem-f', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('character'));
  const status = await page.textContent('#status');
  assert.match(status, /at character 11: expected a number, x, y/);
  assert.match(status, /kept 0\.5\*x\^2 \+ 10\*y\^2/);
  // The refused text stays in the box to be mended; the formula in use is the old one.
  assert.equal(await page.inputValue('#problem-f'), '0.5*x^2 + * y');
  assert.equal(await page.evaluate(() => location.hash), typedAddress);
  await page.screenshot({ path: `${OUTPUT_DIR}formula-refused-1280.png` });

  // The rest keeps working: a step moves the path.
  await page.click('#reset');
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) === 1);

  // The address carries the formula to a fresh page.
  const address = await page.evaluate(() => location.href);
  const { page: again, errors: againErrors } = await openPage(bundle.browser, address, { width: 1280, height: 720 });
  await waitForPaint(again);
  assert.equal(await again.inputValue('#problem-f'), '0.5*x^2 + 10*y^2');
  assert.deepEqual(againErrors, []);
  await again.close();
  assert.deepEqual(errors, []);
  await page.close();
});
