// The landscape page, end to end: loads cleanly, paints, animates and follows its controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDirectory } from './static-server.mjs';
import { launchBrowser, openPage, canvasPixels, OUTPUT_DIR } from './browser.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
let server;
let browser;

before(async () => {
  server = await serveDirectory(DIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function waitForPaint(page) {
  await page.waitForFunction(() => {
    const canvas = document.querySelector('#landscape');
    if (!canvas || canvas.width < 100) return false;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const first = data.slice(0, 3).join();
    for (let i = 0; i < data.length; i += 4 * 97) {
      if (data.slice(i, i + 3).join() !== first) return true;
    }
    return false;
  });
}

const stepCounter = async (page) => Number(await page.textContent('#step-counter'));

test('the page loads without console errors and paints the landscape', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitForPaint(page);
  const pixels = await canvasPixels(page, '#landscape');
  assert.ok(pixels.colours > 200, `canvas looks flat: ${pixels.colours} colours`);
  assert.equal(await page.inputValue('#problem'), 'quadratic');
  assert.match(await page.textContent('#formula'), /κ/);
  assert.equal(await stepCounter(page), 0);
  await page.screenshot({ path: `${OUTPUT_DIR}landscape-initial.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('playing advances the path and the picture', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitForPaint(page);
  const before = await canvasPixels(page, '#landscape');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) >= 5);
  const first = await stepCounter(page);
  await page.waitForFunction(
    (seen) => Number(document.querySelector('#step-counter').textContent) > seen,
    first,
  );
  assert.ok((await stepCounter(page)) > first);
  const during = await canvasPixels(page, '#landscape');
  assert.notEqual(during.checksum, before.checksum, 'the canvas did not change while playing');
  await page.click('#play');
  const paused = await stepCounter(page);
  await page.waitForTimeout(400);
  assert.equal(await stepCounter(page), paused, 'pausing must stop the animation');
  await page.screenshot({ path: `${OUTPUT_DIR}landscape-playing.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('step, reset, the learning-rate slider and the problem picker update the picture at once', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitForPaint(page);
  await page.click('#step');
  await page.click('#step');
  assert.equal(await stepCounter(page), 2);
  await page.click('#reset');
  assert.equal(await stepCounter(page), 0);

  const atDefault = await canvasPixels(page, '#landscape');
  assert.equal(await page.inputValue('#opt-lr-value'), '0.15');
  await page.fill('#opt-lr', '560');
  assert.notEqual(await page.inputValue('#opt-lr-value'), '0.15');
  await page.waitForFunction(
    (sum) => {
      const c = document.querySelector('#landscape');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let s = 0;
      for (let i = 0; i < d.length; i += 4) s = (s * 31 + ((d[i] << 16) | (d[i + 1] << 8) | d[i + 2])) % 2147483647;
      return s !== sum;
    },
    atDefault.checksum,
  );

  // A rate far beyond 2/κ makes the quadratic diverge; the page says so.
  await page.fill('#opt-lr', '1000');
  assert.match(await page.textContent('#step-info'), /Diverged at step \d+/);

  await page.selectOption('#problem', 'rosenbrock');
  assert.match(await page.textContent('#formula'), /\(a − x\)²/);
  assert.ok(await page.isVisible('#problem-b'), 'problem parameters get controls');
  await page.fill('#opt-lr', '500');
  await waitForPaint(page);
  await page.screenshot({ path: `${OUTPUT_DIR}rosenbrock.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('every optimizer gets controls generated from the registry', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitForPaint(page);
  const options = await page.$$eval('#optimizer option', (os) => os.map((o) => ({ value: o.value, disabled: o.disabled })));
  assert.ok(options.length >= 20, `only ${options.length} optimizers offered`);
  // On the quadratic, the finite-sum methods are not offered.
  assert.ok(options.find((o) => o.value === 'svrg').disabled);
  assert.ok(!options.find((o) => o.value === 'gauss-newton').disabled);

  await page.selectOption('#optimizer', 'adam');
  assert.match(await page.textContent('#equations'), /β₁/);
  for (const id of ['#opt-lr', '#opt-beta1', '#opt-beta2', '#opt-eps', '#opt-weight_decay', '#opt-amsgrad']) {
    assert.ok(await page.$(id), `${id} missing`);
  }
  await page.check('#opt-amsgrad');
  await page.selectOption('#schedule', 'cosine');
  assert.ok(await page.$('#schedule-t_max'));

  await page.selectOption('#optimizer', 'trust-region');
  assert.ok(await page.isHidden('#schedule-row'), 'no schedule for a method without a learning rate');
  await page.selectOption('#opt-subproblem', 'dogleg');
  await page.selectOption('#problem', 'himmelblau');
  await page.selectOption('#optimizer', 'trust-region');
  await page.selectOption('#opt-subproblem', 'dogleg');
  await page.click('#step');
  await page.click('#step');
  assert.match(await page.textContent('#step-info'), /Δ = /);
  await page.screenshot({ path: `${OUTPUT_DIR}trust-region.png` });
  assert.ok(await page.isHidden('#batch-size'), 'batch size only on finite-sum problems');

  // A value out of range is refused with a message naming the field, and the page keeps working.
  await page.selectOption('#optimizer', 'gd');
  await page.fill('#opt-lr-value', '-3');
  assert.match(await page.textContent('#status'), /runs\[0\]\.lr: must lie in/);
  await page.fill('#opt-lr-value', '0.1');
  assert.equal(await page.textContent('#status'), '');

  await page.selectOption('#problem', 'regression');
  assert.ok(await page.isVisible('#batch-size'));
  await page.selectOption('#optimizer', 'svrg');
  await page.selectOption('#noise', 'gaussian');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) >= 3);
  await page.screenshot({ path: `${OUTPUT_DIR}svrg-regression.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
