// The embed flag: an address for an iframe in slides or a notebook shows the
// picture and playback (and, with "controls", the runs' controls), nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

const address = (embed) =>
  `${bundle.server.url}#${encodeURIComponent(JSON.stringify({
    v: 2,
    spec: { problem: { name: 'rosenbrock' }, steps: 120, runs: [{ optimizer: 'bfgs' }, { optimizer: 'adam', lr: 0.05 }] },
    embed,
  }))}`;

test('embed: the picture and playback only; with "controls", the runs\' controls too', async () => {
  const { page, errors } = await openPage(bundle.browser, address('picture'), { width: 800, height: 600 });
  await waitForPaint(page);
  for (const hidden of ['header', '#problem', '#curves', '#runs', '#export-png']) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} is hidden`);
  }
  for (const shown of ['#landscape', '#play', '#scrubber']) {
    assert.equal(await page.isVisible(shown), true, `${shown} is shown`);
  }
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === '120');
  await page.screenshot({ path: `${OUTPUT_DIR}embed-picture-800.png` });
  assert.deepEqual(errors, []);
  await page.close();

  const { page: withControls, errors: more } = await openPage(bundle.browser, address('controls'), { width: 1280, height: 720 });
  await waitForPaint(withControls);
  assert.equal(await withControls.isVisible('#runs'), true);
  assert.equal(await withControls.isVisible('#problem'), false);
  assert.equal(await withControls.isVisible('header'), false);
  await withControls.screenshot({ path: `${OUTPUT_DIR}embed-controls-1280.png` });
  assert.deepEqual(more, []);
  await withControls.close();
});
