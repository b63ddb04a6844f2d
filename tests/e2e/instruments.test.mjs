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

test('sweep: GD\'s rate on the quadratic is best within a grid step of 2/(L+μ), the theory and any cell are one click away, and tune races fairly', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#sweep', '0:lr');
  await page.waitForFunction(() => document.querySelector('#curves').dataset.sweep === 'done');
  // κ = 10: μ = 1, L = 10, so 2/(L+μ) = 2/11; the grid's steps are a factor 10^(5/40).
  const best = Number(await page.getAttribute('#curves', 'data-sweep-best'));
  assert.ok(Math.abs(Math.log10(best / (2 / 11))) <= 5 / 40 + 1e-9, `best rate ${best}`);
  assert.match(await page.textContent('#sweep-info'), /diverged/);
  assert.match(await page.evaluate(() => decodeURIComponent(location.hash)), /"sweep":\{"params":\["lr"\],"run":0\}/);
  await page.screenshot({ path: `${OUTPUT_DIR}sweep-gd-quadratic-1280.png` });
  // The theory's rate, one click away.
  await page.click('#sweep-theory button:first-child');
  await page.waitForFunction(() => document.querySelector('#run0-opt-lr-value').value === '0.1818');
  // Any cell, one click away: the left edge of the plot is the smallest rate.
  const box = await page.$eval('#curves', (c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
  await page.mouse.move(box.x + box.w * 0.5, box.y + box.h * 0.5);
  await page.waitForFunction(() => /click to use it/.test(document.querySelector('#hover').textContent));
  const hovered = (await page.textContent('#hover')).match(/lr = ([0-9.e-]+)/)[1];
  await page.mouse.click(box.x + box.w * 0.5, box.y + box.h * 0.5);
  await page.waitForFunction((v) => document.querySelector('#run0-opt-lr-value').value === v, hovered);
  // The fair race: a second run, then both tuned over the same grid and budget.
  await page.click('#add-run');
  await page.waitForFunction(() => document.querySelectorAll('fieldset.run').length === 2);
  await page.click('#tune');
  await page.waitForFunction(() => document.querySelector('#tune').dataset.tuned === '2');
  await page.waitForFunction(() => /tuned α/.test(document.querySelector('#run0-label').value));
  assert.equal(await page.inputValue('#run0-label'), 'Gradient descent, tuned α = 0.1778');
  assert.match(await page.inputValue('#run1-label'), /^Adam, tuned α = /);
  await page.screenshot({ path: `${OUTPUT_DIR}sweep-tuned-1280.png` });
  // Heavy ball over rate × momentum: a heatmap with the theory's optimum as a setting.
  await page.selectOption('#run0-optimizer', 'sgd');
  await page.selectOption('#sweep', '0:lr,momentum');
  await page.waitForFunction(() => document.querySelector('#curves').dataset.sweep === 'done');
  assert.match(await page.textContent('#sweep-theory'), /heavy ball's best α = 0\.2309, its best μ = 0\.2699/);
  await page.click('#sweep-theory button');
  await page.waitForFunction(() => document.querySelector('#run0-opt-momentum-value').value === '0.2699');
  await page.fill('#scrubber', '150');
  await page.dispatchEvent('#scrubber', 'input');
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === '150');
  await page.screenshot({ path: `${OUTPUT_DIR}sweep-heavy-ball-1280.png` });
  // Off again: the chart returns.
  await page.selectOption('#sweep', '');
  await page.waitForFunction(() => !document.querySelector('#chart-kind').hidden);
  assert.deepEqual(errors, []);
  await page.close();
});
