// The 3D view: the landscape as a surface with every path on it, turned by
// dragging or spinning. The frame rate while spinning with eight runs is
// measured and reported (test-output/e2e/surface-fps.json), never asserted:
// speed is for benchmarks, and a loaded machine must not fail the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { serveBundle, waitForPaint, openPage, canvasPixels, waitForCanvasChange, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

test('3D: Rosenbrock as a surface with eight paths, turned by a drag that the address keeps, spinning at a measured frame rate', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'rosenbrock');
  for (let runs = 2; runs <= 8; runs += 1) {
    await page.click('#add-run');
    await page.waitForFunction((n) => document.querySelectorAll('fieldset.run').length === n, runs);
  }
  await page.fill('#scrubber', '150');
  await page.dispatchEvent('#scrubber', 'input');
  const contours = await canvasPixels(page, '#landscape');
  await page.selectOption('#picture-kind', 'surface');
  await page.waitForFunction(() => Number(document.querySelector('#landscape').dataset.surfaceFrames) > 0);
  await waitForCanvasChange(page, '#landscape', contours.checksum);
  const surface = await canvasPixels(page, '#landscape');
  await page.screenshot({ path: `${OUTPUT_DIR}surface-rosenbrock-1280.png` });

  // A drag turns the camera; letting go puts the camera in the address.
  const box = await page.$eval('#landscape', (c) => { const r = c.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
  await page.mouse.move(box.x, box.y);
  await page.mouse.down();
  await page.mouse.move(box.x - 100, box.y + 40, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /"surface":\{"azimuth":5(\.0)?,"elevation":66(\.0)?\}/.test(decodeURIComponent(location.hash)));
  await waitForCanvasChange(page, '#landscape', surface.checksum);

  // Spinning: frames counted by the page over at least 120 frames.
  await page.check('#spin');
  const first = await page.evaluate(() => ({ frames: Number(document.querySelector('#landscape').dataset.surfaceFrames), at: performance.now() }));
  await page.waitForFunction((f) => Number(document.querySelector('#landscape').dataset.surfaceFrames) >= f + 120, first.frames);
  const last = await page.evaluate(() => ({ frames: Number(document.querySelector('#landscape').dataset.surfaceFrames), at: performance.now(), ms: document.querySelector('#landscape').dataset.surfaceMs }));
  const fps = (1000 * (last.frames - first.frames)) / (last.at - first.at);
  const report = { runs: 8, problem: 'rosenbrock', viewport: '1280x720', frames: last.frames - first.frames, seconds: (last.at - first.at) / 1000, fps, last_frame_ms: Number(last.ms) };
  writeFileSync(`${OUTPUT_DIR}surface-fps.json`, JSON.stringify(report, null, 2));
  console.log(`3D surface, 8 runs, spinning: ${fps.toFixed(1)} frames per second (last frame drawn in ${last.ms} ms)`);
  await page.uncheck('#spin');
  await page.waitForFunction(() => !/"spin"/.test(decodeURIComponent(location.hash)));

  // Back to contours: the picture is the contour one again.
  await page.selectOption('#picture-kind', 'contours');
  await page.waitForFunction(() => !/"surface"/.test(decodeURIComponent(location.hash)));
  assert.deepEqual(errors, []);
  await page.close();
});

test('3D at 1920×1080 presenting: the surface and its caption fit the picture', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1920, height: 1080 });
  await waitForPaint(page);
  await page.selectOption('#problem', 'himmelblau');
  await page.selectOption('#picture-kind', 'surface');
  await page.waitForFunction(() => Number(document.querySelector('#landscape').dataset.surfaceFrames) > 0);
  const frames = Number(await page.getAttribute('#landscape', 'data-surface-frames'));
  await page.click('#present');
  await page.waitForFunction(() => document.body.classList.contains('presenting'));
  await page.waitForFunction((f) => Number(document.querySelector('#landscape').dataset.surfaceFrames) > f, frames);
  await page.screenshot({ path: `${OUTPUT_DIR}surface-himmelblau-1920-presenting.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
