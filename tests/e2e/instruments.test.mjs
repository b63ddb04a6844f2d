// The landscape instruments in the page: the basins overlay, at a 1280×720
// projector, with a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, canvasPixels, waitForCanvasChange, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

test('basins: on Himmelblau the overlay colours every start by the minimum it reaches, all four of them', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'himmelblau');
  // Gradient descent at α = 0.01 for 400 steps arrives from every start in the window.
  await page.fill('#run0-opt-lr-value', '0.01');
  await page.press('#run0-opt-lr-value', 'Tab');
  await page.fill('#steps', '400');
  await page.press('#steps', 'Tab');
  await waitForPaint(page);
  const before = await canvasPixels(page, '#landscape');
  await page.check('#overlay-basins');
  await page.waitForFunction(() => document.querySelector('#landscape').dataset.basins === 'done');
  assert.equal(await page.getAttribute('#landscape', 'data-basins-minima'), '0,1,2,3');
  assert.match(await page.evaluate(() => location.hash + location.search), /basins/);
  const after = await canvasPixels(page, '#landscape');
  assert.notEqual(after.checksum, before.checksum, 'the map is drawn over the landscape');
  await page.screenshot({ path: `${OUTPUT_DIR}basins-himmelblau-1280.png` });
  // Off again: the overlay goes.
  await page.uncheck('#overlay-basins');
  await waitForCanvasChange(page, '#landscape', after.checksum);
  assert.deepEqual(errors, []);
  await page.close();
});

test('line-search trials: on Rosenbrock, Armijo backtracking shows its rejected and accepted trial points', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'rosenbrock');
  await page.selectOption('#run0-optimizer', 'gd');
  await page.selectOption('#run0-opt-line_search', 'armijo');
  await page.fill('#run0-opt-lr-value', '1');
  await page.press('#run0-opt-lr-value', 'Tab');
  await waitForPaint(page);
  for (let i = 0; i < 3; i += 1) await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) === 3);
  const before = await canvasPixels(page, '#landscape');
  await page.check('#overlay-trials');
  await waitForCanvasChange(page, '#landscape', before.checksum);
  assert.match(await page.evaluate(() => location.hash + location.search), /trials/);
  await page.screenshot({ path: `${OUTPUT_DIR}trials-rosenbrock-1280.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('model: BFGS draws its Hessian model beside the true Hessian on Rosenbrock', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'rosenbrock');
  await page.selectOption('#run0-optimizer', 'bfgs');
  await waitForPaint(page);
  for (let i = 0; i < 6; i += 1) await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) === 6);
  const before = await canvasPixels(page, '#landscape');
  await page.check('#overlay-model');
  await waitForCanvasChange(page, '#landscape', before.checksum);
  await page.screenshot({ path: `${OUTPUT_DIR}model-bfgs-rosenbrock-1280.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
