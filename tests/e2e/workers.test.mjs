// One Web Worker per classifier panel, up to the machine's cores: panels
// side by side train in parallel and a slow panel cannot starve another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage } from './browser.mjs';

const bundle = serveBundle();

/** A page on a browser that reports `cores` logical cores. */
async function openWithCores(cores) {
  const opened = await openPage(bundle.browser, 'about:blank');
  await opened.page.addInitScript((n) => {
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n });
  }, cores);
  await opened.page.goto(bundle.server.url);
  await waitForPaint(opened.page);
  await opened.page.click('#mode-classifier');
  return opened;
}

const iterationOf = (page, i) => page.$eval(`#net${i}-readout`, (e) => Number(e.dataset.iteration));

test('each classifier panel trains in its own worker', async () => {
  const { page, errors } = await openWithCores(4);
  // A slow panel (width 4096) beside a fast one (width 32), each in a worker.
  await page.selectOption('#net1-optimizer', 'sgd');
  await page.fill('#net1-width', '4096');
  await page.dispatchEvent('#net1-width', 'change');
  await page.waitForFunction(() => document.querySelector('#net1-width').value === '4096');
  await page.waitForFunction(() => /CPU in 2 Web Workers/.test(document.querySelector('#net-backend').textContent));
  await page.click('#net-play');
  // Both train, each at its own pace (printed, not asserted: speed is for benchmarks).
  await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) >= 500);
  console.log(`when the width-32 panel finished, the width-4096 panel was at iteration ${await iterationOf(page, 1)}`);
  await page.waitForFunction(() => Number(document.querySelector('#net1-readout').dataset.iteration) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with one core, panels share one worker', async () => {
  const { page, errors } = await openWithCores(1);
  await page.click('#net-play');
  await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) > 0
    && Number(document.querySelector('#net1-readout').dataset.iteration) > 0);
  assert.match(await page.textContent('#net-backend'), /CPU in a Web Worker/);
  assert.deepEqual(errors, []);
  await page.close();
});
