// Inside the network: the views that show why the classifier's methods behave
// as they do (confusion matrices, the loss slice, the curvature spectrum, the
// regimes scene), at a 1280×720 projector, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, openPage, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();
const PROJECTOR = { width: 1280, height: 720 };

test('classifier: each panel shows its confusion matrices, whose diagonal is the accuracy it reports', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, PROJECTOR);
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  await page.click('#net-play');
  // The Gauss–Newton panel's 35 iterations end; its last log entry has the counts.
  await page.waitForFunction(() => Number(document.querySelector('#net1-readout').dataset.iteration) >= 35);
  await page.waitForFunction(() => document.querySelectorAll('#net1-confusion table.confusion').length === 2);
  await page.click('#net1-confusion-box summary');
  const tables = await page.$$eval('#net1-confusion table.confusion', (all) => all.map((table) => {
    const rows = [...table.querySelectorAll('tr')].slice(1)
      .map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => Number(td.textContent)));
    return { split: table.dataset.split, caption: table.caption.textContent, rows };
  }));
  assert.deepEqual(tables.map((t) => t.split), ['train', 'test']);
  const reported = await page.$eval('#net1-readout', (e) => Number(e.dataset.testAccuracy));
  for (const { split, caption, rows } of tables) {
    const total = rows.flat().reduce((a, b) => a + b, 0);
    const diagonal = rows.reduce((sum, row, k) => sum + row[k], 0);
    assert.equal(total, split === 'train' ? 800 : 200, `${split}: ${caption}`);
    assert.match(caption, new RegExp(`${(100 * diagonal / total).toFixed(1)} % of ${total}`));
    if (split === 'test') {
      assert.ok(Math.abs(diagonal / total - reported) < 1e-12, `${diagonal}/${total} against ${reported}`);
    }
  }
  await page.locator('#net1-confusion').scrollIntoViewIfNeeded();
  const box = await page.locator('#net1-confusion').boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= PROJECTOR.height + 1, `confusion tables at ${JSON.stringify(box)}`);
  await page.screenshot({ path: `${OUTPUT_DIR}inside-confusion-1280.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

for (const size of [PROJECTOR, { width: 1920, height: 1080 }]) {
  test(`classifier: the view inside the network puts both panels on one loss slice, with the spectrum (${size.width}×${size.height})`, async () => {
    const { page, errors } = await openPage(bundle.browser, bundle.server.url, size);
    await page.click('#mode-classifier');
    await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
    const started = Date.now();
    await page.click('#net-inside');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#inside').dataset.state));
    console.log(`inside view at ${size.width}×${size.height}: ${Date.now() - started} ms from the click to the 41 × 41 slice (re-training both panels included)`);
    assert.equal(await page.getAttribute('#inside', 'data-state'), 'done', await page.textContent('#inside-status'));
    assert.match(await page.textContent('#inside-status'), /41 × 41/);
    assert.equal(await page.isVisible('#net-panels'), false);
    for (const id of ['#inside-slice', '#inside-spectrum']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.height >= 110 && box.y + box.height <= size.height + 1, `${id} at ${JSON.stringify(box)}`);
      // Drawn: many distinct colours, not a blank canvas.
      const colours = await page.$eval(id, (c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        return seen.size;
      });
      assert.ok(colours > 20, `${id} has ${colours} colours`);
    }
    await page.screenshot({ path: `${OUTPUT_DIR}inside-slice-${size.width}.png` });
    // The view's data and picture download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#inside-json')]);
    assert.equal(download.suggestedFilename(), 'descent-inside.json');
    const { readFileSync } = await import('node:fs');
    const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(data.view.slice.losses.length, 41 * 41);
    assert.equal(data.view.paths.length, 2);
    assert.ok(data.spectrum.length > 10 && data.spectrum[0].hessian.length === 3);
    const [picture] = await Promise.all([page.waitForEvent('download'), page.click('#inside-png')]);
    assert.equal(picture.suggestedFilename(), 'descent-slice.png');
    // Centred on the Gauss–Newton panel with its own curvature's directions.
    await page.selectOption('#inside-reference', '2');
    await page.selectOption('#inside-directions', 'gauss-newton');
    await page.click('#inside-compute');
    await page.waitForFunction(() => document.querySelector('#inside').dataset.state === 'done');
    await page.click('#net-inside');
    assert.equal(await page.isVisible('#net-panels'), true);
    if (size.width === PROJECTOR.width) {
      // A preconditioned method's spectrum: K-FAC's P H and P G beside the
      // exact H and G, with 2/η for P H (P G would be the identity if K-FAC's
      // model were G itself; the chart shows how far it is).
      await page.selectOption('#net1-optimizer', 'kfac');
      await page.click('#net-inside');
      await page.selectOption('#inside-reference', '2');
      await page.click('#inside-compute');
      await page.waitForFunction(() => document.querySelector('#inside').dataset.state === 'done');
      const [kfac] = await Promise.all([page.waitForEvent('download'), page.click('#inside-json')]);
      const view = JSON.parse(readFileSync(await kfac.path(), 'utf8'));
      const last = view.spectrum[view.spectrum.length - 1];
      assert.equal(last.preconditioned_hessian.length, 3);
      assert.ok(last.preconditioned_gauss_newton.every((v) => v > 0 && Number.isFinite(v)),
        `K-FAC's P G: ${last.preconditioned_gauss_newton}`);
      assert.ok(view.edge > 0, 'K-FAC has 2/η');
      await page.screenshot({ path: `${OUTPUT_DIR}inside-kfac-spectrum-1280.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('classifier: the regimes scene puts width 32 beside standard, NTK and mean-field at 8192 in one click', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, PROJECTOR);
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  const value = await page.$eval('#net-scene', (s) => [...s.options].find((o) => /four networks/.test(o.textContent))?.value);
  assert.ok(value, 'the scene is in the menu');
  await page.selectOption('#net-scene', value);
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 4);
  const titles = await page.$$eval('.net-title', (all) => all.map((t) => t.textContent));
  assert.match(titles[0], /width 32 · pytorch init/);
  assert.match(titles[1], /width 8192 · pytorch init/);
  assert.match(titles[2], /width 8192 · NTK parametrisation/);
  assert.match(titles[3], /width 8192 · mean-field parametrisation/);
  await page.click('#net-play');
  await page.waitForFunction(() => [0, 1, 2, 3].every((i) => Number(document.querySelector(`#net${i}-readout`).dataset.iteration) >= 50));
  // Presenting at a 1280×720 projector and at 1920×1080, the four pictures
  // are 2 × 2 on screen, each large enough to read, with the caption and its
  // claims in a column beside them.
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.body.classList.contains('presenting'));
  for (const size of [PROJECTOR, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    await page.waitForFunction(({ width }) => document.querySelector('#net0-canvas').getBoundingClientRect().width < width / 2, size);
    await page.screenshot({ path: `${OUTPUT_DIR}inside-regimes-${size.width}.png` });
    const boxes = [];
    for (let i = 0; i < 4; i += 1) {
      const box = await page.locator(`#net${i}-canvas`).boundingBox();
      boxes.push(box);
      assert.ok(box && box.height >= (size.width >= 1920 ? 250 : 130) && box.y >= 0 && box.y + box.height <= size.height + 1
        && box.x + box.width <= size.width + 1, `panel ${i + 1}'s picture at ${JSON.stringify(box)} (${size.width}×${size.height})`);
    }
    assert.ok(Math.abs(boxes[0].y - boxes[1].y) < 2 && boxes[2].y > boxes[0].y + boxes[0].height, '2 × 2');
    const caption = await page.locator('#caption').boundingBox();
    assert.ok(caption.x >= boxes[1].x + boxes[1].width && caption.y + caption.height <= size.height + 1,
      `the caption beside the panels at ${JSON.stringify(caption)}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
