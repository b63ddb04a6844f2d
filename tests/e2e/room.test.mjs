// The page in the lecture room: at a 1280×720 projector and at 1920×1080, with
// and without presentation mode, every scene's picture, playback controls and
// caption are on screen, nothing is clipped, and the classifier answers every
// width and method. Screenshots of every scene at both sizes are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, OUTPUT_DIR, lowContrastTexts, canvasPixels, waitForCanvasChange } from './browser.mjs';

const bundle = serveBundle();
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** Fails unless the element is displayed and lies wholly inside the viewport. */
async function assertOnScreen(page, selector, what) {
  const box = await page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box, `${what}: ${selector} is not displayed`);
  const inside =
    box.x >= -1 && box.y >= -1 &&
    box.x + box.width <= viewport.width + 1 &&
    box.y + box.height <= viewport.height + 1;
  assert.ok(inside, `${what}: ${selector} at ${JSON.stringify(box)} leaves the ${viewport.width}×${viewport.height} viewport`);
  assert.ok(box.width > 50 && box.height > 10, `${what}: ${selector} is only ${box.width}×${box.height}`);
}

/** Fails if the document scrolls: everything that matters is on one screen. */
async function assertNoPageScroll(page, what) {
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    innerHeight: window.innerHeight,
  }));
  assert.ok(scrollHeight <= innerHeight + 1, `${what}: the page scrolls (${scrollHeight} > ${innerHeight})`);
}

for (const size of SIZES) {
  const name = `${size.width}x${size.height}`;

  test(`presentation mode at ${name}: every landscape scene shows its picture, controls and caption`, async () => {
    const { page, errors } = await openPage(bundle.browser, bundle.server.url, size);
    await waitForPaint(page);
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.body.classList.contains('presenting'));
    const values = await page.$$eval('#preset option', (os) => os.map((o) => o.value).filter(Boolean));
    const scenes = values.length;
    assert.equal(scenes, 17);
    for (let i = 1; i <= scenes; i += 1) {
      // The keys 1–9 load the first nine; the menu loads the rest.
      if (i <= 9) await page.keyboard.press(String(i));
      else {
        await page.selectOption('#preset', values[i - 1]);
        await page.evaluate(() => document.activeElement?.blur());
      }
      await page.waitForFunction(() => !document.querySelector('#caption').hidden);
      // Play to the end so the screenshot shows the scene's point.
      await page.keyboard.press('End');
      await page.waitForFunction(
        () => document.querySelector('#step-counter').textContent === document.querySelector('#step-total').textContent,
      );
      const what = `scene ${i} at ${name}, presenting`;
      await assertNoPageScroll(page, what);
      await assertOnScreen(page, '#landscape', what);
      await assertOnScreen(page, '#play', what);
      await assertOnScreen(page, '#caption', what);
      await assertOnScreen(page, '#curves', what);
      const broken = await page.$$eval('#caption .claim.broken', (c) => c.map((e) => e.textContent));
      assert.deepEqual(broken, [], `${what}: the scene's claims must hold on screen`);
      const holds = await page.$$eval('#caption .claim.holds', (c) => c.length);
      assert.ok(holds >= 1, `${what}: the caption shows the checked claim`);
      await page.screenshot({ path: `${OUTPUT_DIR}room-${name}-scene-${i}.png` });
      // Both themes stay legible: every text against its background, WCAG's ratios.
      for (const theme of ['dark', 'light']) {
        await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
        assert.deepEqual(await lowContrastTexts(page), [], `${what}, ${theme} theme: texts below WCAG contrast`);
      }
      if (i === 14) {
        // The dark theme's picture, as the theme button draws it.
        const { checksum } = await canvasPixels(page, '#curves');
        await page.click('#theme');
        await waitForCanvasChange(page, '#curves', checksum);
        await page.screenshot({ path: `${OUTPUT_DIR}room-${name}-scene-${i}-dark.png` });
        await page.click('#theme');
        await page.evaluate(() => document.activeElement?.blur());
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`outside presentation mode at ${name}: picture, chart, readout and errors on one screen`, async () => {
    const { page, errors } = await openPage(bundle.browser, bundle.server.url, size);
    await waitForPaint(page);
    const what = `${name}, not presenting`;
    await assertNoPageScroll(page, what);
    for (const selector of ['#landscape', '#curves', '#step-info', '#play', '#export-png']) {
      await assertOnScreen(page, selector, what);
    }
    // An error appears under the header, where the eye is.
    await page.fill('#run0-opt-lr-value', '-3');
    await page.dispatchEvent('#run0-opt-lr-value', 'change');
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('“-3”'));
    await assertOnScreen(page, '#status', what);
    await page.screenshot({ path: `${OUTPUT_DIR}room-${name}-error.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`no optimizer's equations are clipped at ${name}`, async () => {
    const { page, errors } = await openPage(bundle.browser, bundle.server.url, size);
    await waitForPaint(page);
    const optimizers = await page.$$eval('#run0-optimizer option', (os) => os.map((o) => o.value));
    await page.selectOption('#problem', 'rosenbrock');
    const overflowing = [];
    for (const optimizer of optimizers) {
      const enabled = await page.$eval(`#run0-optimizer option[value="${optimizer}"]`, (o) => !o.disabled);
      if (!enabled) continue;
      await page.selectOption('#run0-optimizer', optimizer);
      const box = await page.$eval('#run0-equations', (e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      if (box.scroll > box.client + 1) overflowing.push(`${optimizer} (${box.scroll} > ${box.client})`);
    }
    await page.selectOption('#problem', 'regression');
    for (const optimizer of ['svrg', 'sag']) {
      await page.selectOption('#run0-optimizer', optimizer);
      const box = await page.$eval('#run0-equations', (e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      if (box.scroll > box.client + 1) overflowing.push(`${optimizer} (${box.scroll} > ${box.client})`);
    }
    assert.deepEqual(overflowing, [], 'equations overflow their box');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`classifier in presentation mode at ${name}: two panels' decision regions on screen`, async () => {
    const { page, errors } = await openPage(bundle.browser, bundle.server.url, size);
    await page.click('#mode-classifier');
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
    const what = `classifier at ${name}, presenting`;
    await assertOnScreen(page, '#net-play', what);
    await assertOnScreen(page, '#caption', what);
    for (const selector of ['#net0-canvas', '#net1-canvas']) await assertOnScreen(page, selector, what);
    await page.click('#net-play');
    await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) >= 50);
    await page.screenshot({ path: `${OUTPUT_DIR}room-${name}-classifier.png` });
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      assert.deepEqual(await lowContrastTexts(page), [], `${what}, ${theme} theme: texts below WCAG contrast`);
    }
    // The theme button redraws the panels' pictures on the dark background too.
    await page.click('#theme');
    await page.waitForFunction(() => {
      const pixel = document.querySelector('#net0-canvas').getContext('2d').getImageData(1, 1, 1, 1).data;
      return pixel[0] === 31 && pixel[1] === 31 && pixel[2] === 41;
    });
    await page.screenshot({ path: `${OUTPUT_DIR}room-${name}-classifier-dark.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('scene 8: the averaged path is in the readout, and the chart keeps to the runs that did not diverge', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, SIZES[0]);
  await waitForPaint(page);
  await page.keyboard.press('8');
  await page.keyboard.press('End');
  const info = await page.textContent('#step-info');
  const average = Number(info.match(/average f = ([-0-9.e]+)/)[1]);
  const iterate = Number(info.match(/SGD \+ Polyak averaging: f = ([-0-9.e]+)/)[1]);
  assert.ok(average < iterate, `average ${average} should end below the iterate ${iterate}`);

  // A diverging run leaves the other curves spanning the chart.
  await page.keyboard.press('1');
  const [, before] = (await page.getAttribute('#curves', 'data-range')).split(' ').map(Number);
  await page.click('#run0-duplicate');
  await page.fill('#run1-opt-lr-value', '5');
  await page.dispatchEvent('#run1-opt-lr-value', 'change');
  await page.waitForFunction(() => /Diverged at step/.test(document.querySelector('#step-info').textContent));
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('#curves').dataset.range);
  const [, after] = (await page.getAttribute('#curves', 'data-range')).split(' ').map(Number);
  assert.ok(after <= before * 2, `the diverged run stretched the chart to ${after} (was ${before})`);

  // The header's f is the first visible run's.
  await page.uncheck('#run0-visible');
  await page.waitForFunction(() => document.querySelector('#loss').textContent.includes('(copy)'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('classifier: Gauss–Newton at width 8192 is refused at once while another panel keeps training', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, SIZES[0]);
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  // A run too long to finish during the test, however fast the machine, so
  // "keeps training" can be seen whenever the checks below happen.
  await page.fill('#net0-iterations', '1000000');
  await page.dispatchEvent('#net0-iterations', 'change');
  await page.waitForFunction(() => document.querySelector('#net0-iterations').value === '1000000');
  await page.click('#net-play');
  await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) >= 10);
  await page.fill('#net1-width', '8192');
  await page.dispatchEvent('#net1-width', 'change');
  await page.waitForFunction(() => /model\.width: .*limits/.test(document.querySelector('#net1-status').textContent));
  const status = await page.textContent('#net1-status');
  assert.match(status, /matrix_free/);
  // The SGD panel was not restarted by the other panel's change, and keeps training.
  assert.equal(await page.textContent('#net-play'), 'Pause');
  const start = Number(await page.getAttribute('#net0-readout', 'data-iteration'));
  await page.waitForFunction(
    (seen) => Number(document.querySelector('#net0-readout').dataset.iteration) > seen,
    start,
  );
  for (const [method, width] of [['kfac', '16384'], ['shampoo', '8192'], ['natural-gradient', '4096']]) {
    await page.selectOption('#net1-optimizer', method);
    await page.fill('#net1-width', width);
    await page.dispatchEvent('#net1-width', 'change');
    await page.waitForFunction(() => /limits/.test(document.querySelector('#net1-status').textContent));
  }
  await page.screenshot({ path: `${OUTPUT_DIR}room-classifier-refused.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('classifier: every method at widths 8 and 16384 trains or is refused with a message, never a panic', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, SIZES[0]);
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  await page.click('#net1-remove');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 1);
  await page.click('#net-play');
  // The registry's whole menu: what the network cannot take is disabled, with the reason.
  const options = await page.$$eval('#net0-optimizer option', (os) => os.map((o) => ({ value: o.value, disabled: o.disabled, title: o.title })));
  for (const o of options.filter((o) => o.disabled)) {
    assert.match(o.title, /which the peaks classifier does not offer/, o.value);
  }
  const methods = options.filter((o) => !o.disabled).map((o) => o.value);
  assert.ok(['sgd', 'svrg', 'sag', 'lbfgs', 'gauss-newton-tr', 'kfac', 'shampoo', 'natural-gradient'].every((m) => methods.includes(m)), methods.join(', '));
  assert.ok(!methods.includes('newton'), 'newton needs a Hessian');
  const outcomes = [];
  for (const width of ['8', '16384']) {
    for (const method of methods) {
      console.log(`trying ${method} at width ${width}`);
      await page.selectOption('#net0-optimizer', method);
      await page.fill('#net0-width', width);
      await page.dispatchEvent('#net0-width', 'change');
      // Training pauses when every panel has finished: start it again.
      if ((await page.textContent('#net-play')) === 'Train') await page.click('#net-play');
      // Trained past iteration 0, or refused with the limit named.
      const outcome = await page.waitForFunction(() => {
        const status = document.querySelector('#net0-status').textContent;
        const iteration = Number(document.querySelector('#net0-readout').dataset.iteration);
        const readout = document.querySelector('#net0-readout').textContent;
        if (/limits|must|unknown/.test(status)) return `refused: ${status}`;
        if (iteration >= 1 && !/starting/.test(readout)) return `trained to ${iteration}`;
        return false;
      });
      outcomes.push(`${method} at ${width}: ${(await outcome.jsonValue()).slice(0, 90)}`);
      assert.deepEqual(errors, [], `${method} at width ${width}`);
    }
  }
  console.log(outcomes.join('\n'));
  await page.close();
});
