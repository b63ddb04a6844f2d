// The classifier on WebGPU: headless Chromium with --enable-unsafe-webgpu gives
// its SwiftShader adapter even without a GPU. GPU steps match the CPU's, the
// badge names the adapter, a lost device falls back to the CPU without losing
// the run, and without WebGPU the CPU path says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDirectory } from './static-server.mjs';
import { launchBrowser, openPage, OUTPUT_DIR, WAIT_MS } from './browser.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
let server;
let webgpu;
let plain;

before(async () => {
  server = await serveDirectory(DIST);
  webgpu = await launchBrowser(['--enable-unsafe-webgpu']);
  plain = await launchBrowser();
});

after(async () => {
  await webgpu?.close();
  await plain?.close();
  await server?.close();
});

const panel = (width, device, iterations, extra = {}) => ({
  width, optimizer: 'adam', params: { lr: 0.01 }, batch_size: 800, iterations, device, ...extra,
});

const address = (panels) => `${server.url}#classifier=${encodeURIComponent(JSON.stringify({ panels }))}`;

async function readout(page, i) {
  return page.$eval(`#net${i}-readout`, (e) => ({
    iteration: Number(e.dataset.iteration),
    loss: Number(e.dataset.trainLoss),
    wallMs: Number(e.dataset.wallMs),
    testAccuracy: Number(e.dataset.testAccuracy),
  }));
}

async function waitForIteration(page, i, iteration, timeout = WAIT_MS) {
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(id)?.dataset.iteration) >= n,
    [`#net${i}-readout`, iteration],
    { timeout },
  );
}

test('ten GPU steps match the CPU, and the badge names the adapter', async () => {
  const { page, errors } = await openPage(webgpu, address([panel(257, 'gpu', 10), panel(257, 'cpu', 10)]));
  await page.waitForFunction(() => /WebGPU: /.test(document.querySelector('#net-backend').textContent));
  const badge = await page.textContent('#net-backend');
  console.log(`badge: ${badge}`);
  await page.waitForFunction(() => document.querySelector('#net0-device-badge').textContent === 'GPU');
  assert.equal(await page.textContent('#net1-device-badge'), 'CPU');
  await waitForIteration(page, 0, 0);
  await page.click('#net-play');
  await waitForIteration(page, 0, 10);
  await waitForIteration(page, 1, 10);
  const [gpu, cpu] = [await readout(page, 0), await readout(page, 1)];
  const error = Math.abs(gpu.loss - cpu.loss) / cpu.loss;
  console.log(`after 10 Adam steps at width 257: GPU loss ${gpu.loss}, CPU loss ${cpu.loss}, relative difference ${error.toExponential(1)}`);
  assert.ok(error < 1e-4, `GPU ${gpu.loss} vs CPU ${cpu.loss}`);
  assert.ok(gpu.loss < 1.6, 'training reduced the loss');
  await page.screenshot({ path: `${OUTPUT_DIR}classifier-webgpu.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lost GPU device: training continues on the CPU from the last parameters and optimizer state read back', async () => {
  const { page, errors } = await openPage(webgpu, address([panel(32, 'gpu', 200)]));
  await page.waitForFunction(() => document.querySelector('#net0-device-badge').textContent === 'GPU');
  await waitForIteration(page, 0, 0);
  await page.click('#net-play');
  await waitForIteration(page, 0, 10);
  // Paused or finished, the panel still lives on the GPU: the loss below
  // moves it whenever the device's lost callback arrives.
  if (await page.$eval('#net-play', (b) => b.textContent.includes('Pause'))) await page.click('#net-play');
  await page.evaluate(() => window.descentLoseGpu());
  await page.waitForFunction(() => document.querySelector('#net0-device-badge').textContent === 'CPU');
  const note = await page.textContent('#net0-status');
  assert.match(note, /The GPU was lost .*continues on the CPU from iteration \d+, .*with its optimizer state/);
  const from = Number(note.match(/from iteration (\d+)/)[1]);
  assert.ok(from >= 10, `resumed from ${from}`);
  // The device's lost callback may arrive after a failed GPU call moved the panel.
  await page.waitForFunction(() => /no WebGPU \(lost/.test(document.querySelector('#net-backend').textContent));
  if (!(await page.$eval('#net-play', (b) => b.textContent.includes('Pause')))) await page.click('#net-play');
  await waitForIteration(page, 0, 200);
  const end = await readout(page, 0);
  assert.ok(end.loss < 1.5, `training went on: ${JSON.stringify(end)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('without WebGPU the badge says so and the CPU trains', async () => {
  const { page, errors } = await openPage(plain, address([panel(32, 'auto', 20)]));
  await page.waitForFunction(() => /no WebGPU/.test(document.querySelector('#net-backend').textContent));
  console.log(`badge without the flag: ${await page.textContent('#net-backend')}`);
  assert.equal(await page.textContent('#net0-device-badge'), 'CPU');
  await waitForIteration(page, 0, 0);
  await page.click('#net-play');
  await waitForIteration(page, 0, 20);
  assert.deepEqual(errors, []);
  await page.close();
});

test('auto keeps a small network on the CPU with a software WebGPU adapter, and says why', async () => {
  const { page, errors } = await openPage(webgpu, address([panel(32, 'auto', 20)]));
  await page.waitForFunction(() => /WebGPU: /.test(document.querySelector('#net-backend').textContent));
  await page.waitForFunction(() => /auto chose the CPU/.test(document.querySelector('#net0-status').textContent));
  assert.equal(await page.textContent('#net0-device-badge'), 'CPU');
  await page.click('#net-play');
  await waitForIteration(page, 0, 20);
  assert.deepEqual(errors, []);
  await page.close();
});
