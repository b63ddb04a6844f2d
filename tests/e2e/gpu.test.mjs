// The classifier on WebGPU: headless Chromium with --enable-unsafe-webgpu gives
// its SwiftShader adapter even without a GPU. GPU steps match the CPU's, the
// badge names the adapter, a lost device falls back to the CPU without losing
// the run, and without WebGPU the CPU path says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDirectory } from './static-server.mjs';
import { launchBrowser, openPage, OUTPUT_DIR } from './browser.mjs';

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

async function waitForIteration(page, i, iteration, timeout = 120000) {
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(id)?.dataset.iteration) >= n,
    [`#net${i}-readout`, iteration],
    { timeout },
  );
}

test('ten GPU steps match the CPU, and the badge names the adapter', async () => {
  const { page, errors } = await openPage(webgpu, address([panel(257, 'auto', 10), panel(257, 'cpu', 10)]));
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

test('a lost GPU device: training continues on the CPU from the last parameters read back', async () => {
  const { page, errors } = await openPage(webgpu, address([panel(32, 'auto', 200)]));
  await page.waitForFunction(() => document.querySelector('#net0-device-badge').textContent === 'GPU');
  await waitForIteration(page, 0, 0);
  await page.click('#net-play');
  await waitForIteration(page, 0, 10);
  await page.evaluate(() => window.descentLoseGpu());
  await page.waitForFunction(() => document.querySelector('#net0-device-badge').textContent === 'CPU');
  const note = await page.textContent('#net0-status');
  assert.match(note, /The GPU was lost .*continues on the CPU from iteration \d+/);
  const from = Number(note.match(/from iteration (\d+)/)[1]);
  assert.ok(from >= 10, `resumed from ${from}`);
  assert.match(await page.textContent('#net-backend'), /no WebGPU \(lost/);
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

test('steps per second in the page, CPU and GPU, widths 32 to 16384', async () => {
  // Without a GPU, Chromium's WebGPU adapter is SwiftShader, a CPU emulation:
  // the GPU figures here show the page working, not a GPU's speed.
  const rates = [];
  for (const [width, iterations] of [[32, 2000], [512, 200], [8192, 100], [16384, 100]]) {
    for (const device of ['cpu', 'auto']) {
      const browser = device === 'auto' ? webgpu : plain;
      const { page, errors } = await openPage(browser, address([panel(width, device, iterations)]));
      const expected = device === 'auto' ? 'GPU' : 'CPU';
      await page.waitForFunction((e) => document.querySelector('#net0-device-badge').textContent === e, expected);
      await waitForIteration(page, 0, 0, 120000);
      await page.click('#net-play');
      // The rate between two logs, so the time before training started does not count.
      const window = width > 1000 ? 20000 : 4000;
      let line = `${expected} width ${width}: `;
      try {
        await waitForIteration(page, 0, 1, 60000);
        const first = await readout(page, 0);
        await page.waitForFunction(
          ([n, ms, total]) => {
            const { iteration, wallMs } = document.querySelector('#net0-readout').dataset;
            return Number(iteration) >= total || (Number(iteration) > n && Number(wallMs) > ms);
          },
          [first.iteration, first.wallMs + window, iterations],
          { timeout: 3 * window + 60000 },
        );
        const last = await readout(page, 0);
        const steps = last.iteration - first.iteration;
        const seconds = (last.wallMs - first.wallMs) / 1000;
        line += `${(steps / seconds).toFixed(2)} steps/s (${steps} steps in ${seconds.toFixed(1)} s)`;
      } catch {
        line += 'under one step a minute';
      }
      rates.push(line);
      assert.deepEqual(errors, []);
      await page.close();
    }
  }
  console.log(`full-batch Adam in the page, 800 points:\n${rates.join('\n')}`);
});
