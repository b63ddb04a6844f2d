// Steps per second in the page, CPU and GPU, widths 32 to 16384: a benchmark,
// not a test (`make bench-page`). Without a GPU, Chromium's WebGPU adapter is
// SwiftShader, a CPU emulation: the GPU figures show the page working, not a GPU's speed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDirectory } from './static-server.mjs';
import { launchBrowser, openPage } from './browser.mjs';

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

const panel = (width, device, iterations) => ({
  width, optimizer: 'adam', params: { lr: 0.01 }, batch_size: 800, iterations, device,
});

const address = (panels) => `${server.url}#classifier=${encodeURIComponent(JSON.stringify({ panels }))}`;

async function readout(page, i) {
  return page.$eval(`#net${i}-readout`, (e) => ({
    iteration: Number(e.dataset.iteration),
    wallMs: Number(e.dataset.wallMs),
  }));
}

async function waitForIteration(page, i, iteration, timeout = 120000) {
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(id)?.dataset.iteration) >= n,
    [`#net${i}-readout`, iteration],
    { timeout },
  );
}

test('steps per second in the page, CPU and GPU, widths 32 to 16384', async () => {
  // Without a GPU, Chromium's WebGPU adapter is SwiftShader, a CPU emulation:
  // the GPU figures here show the page working, not a GPU's speed.
  const rates = [];
  for (const [width, iterations] of [[32, 2000], [512, 200], [8192, 100], [16384, 100]]) {
    for (const device of ['cpu', 'gpu']) {
      const browser = device === 'gpu' ? webgpu : plain;
      const { page, errors } = await openPage(browser, address([panel(width, device, iterations)]));
      const expected = device === 'gpu' ? 'GPU' : 'CPU';
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

test("the lecture's rows in the page: Gauss–Newton at width 32, SGD at width 8192", async () => {
  const lines = [];
  // Gauss–Newton, width 32: the whole 35-iteration run, from play to its last log.
  const gaussNewton = {
    width: 32, optimizer: 'gauss-newton-tr', batch_size: 800, iterations: 35, model: { init: 'xavier' },
  };
  {
    const { page, errors } = await openPage(plain, address([gaussNewton]));
    await waitForIteration(page, 0, 0);
    await page.click('#net-play');
    await waitForIteration(page, 0, 35, 600000);
    const { wallMs } = await readout(page, 0);
    const accuracy = await page.$eval('#net0-readout', (e) => Number(e.dataset.testAccuracy));
    lines.push(`Gauss–Newton, width 32, 35 iterations: ${(wallMs / 1000).toFixed(2)} s, test ${(100 * accuracy).toFixed(2)} %`);
    assert.deepEqual(errors, []);
    await page.close();
  }
  // SGD, width 8192, batch 100, in f64 and f32: the rate over a minute, and
  // the lecture's 12,000 iterations at that rate.
  for (const precision of ['f64', 'f32']) {
    const sgd = {
      width: 8192, optimizer: 'sgd', params: { lr: 0.3 }, batch_size: 100, iterations: 12000,
      model: { init: 'pytorch', precision }, device: 'cpu',
    };
    const { page, errors } = await openPage(plain, address([sgd]));
    await waitForIteration(page, 0, 0);
    await page.click('#net-play');
    await waitForIteration(page, 0, 1, 120000);
    const first = await readout(page, 0);
    await page.waitForFunction(
      (ms) => Number(document.querySelector('#net0-readout').dataset.wallMs) > ms,
      first.wallMs + 60000,
      { timeout: 600000 },
    );
    const last = await readout(page, 0);
    const rate = (last.iteration - first.iteration) / ((last.wallMs - first.wallMs) / 1000);
    lines.push(`SGD, width 8192, batch 100 (CPU, ${precision}): ${rate.toFixed(1)} steps/s; 12,000 iterations would take ${(12000 / rate / 60).toFixed(1)} min`);
    assert.deepEqual(errors, []);
    await page.close();
  }
  console.log(`the lecture's rows in the page:\n${lines.join('\n')}`);
});

test('the view inside the network: a 41 × 41 slice at width 32 in the page', async () => {
  const { page, errors } = await openPage(plain, server.url);
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  const lines = [];
  for (const directions of ['filter-normalised', 'gauss-newton', 'hessian']) {
    if (!(await page.isVisible('#inside'))) await page.click('#net-inside');
    await page.selectOption('#inside-directions', directions);
    await page.click('#inside-compute');
    await page.waitForFunction(() => document.querySelector('#inside').dataset.state === 'done', null, { timeout: 600000 });
    const ms = Number(await page.getAttribute('#inside', 'data-slice-ms'));
    lines.push(`${directions}: ${ms.toFixed(0)} ms for the 41 × 41 slice, the paths and the profile`);
  }
  assert.deepEqual(errors, []);
  await page.close();
  console.log(`the view inside the network (width 32, 800 points):\n${lines.join('\n')}`);
});
