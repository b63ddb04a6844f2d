// The page as a state machine, seen from outside: the address reproduces the
// whole view, typed numbers apply when committed and are refused with the
// range, defaults follow a new problem or optimizer, and an address asking for
// a million steps leaves the page responsive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, canvasPixels, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();


async function commit(page, selector, text) {
  await page.fill(selector, text);
  await page.press(selector, 'Enter');
}

test('a copied address reproduces the whole view in a fresh page', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('3');
  await page.selectOption('#compare', 'side-by-side');
  await page.check('#overlay-field');
  await page.selectOption('#chart-kind', 'grad-norm');
  await page.uncheck('#run1-visible');
  for (let i = 0; i < 40; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === '40');
  const address = page.url();
  const picture = await canvasPixels(page, '#landscape');
  const chart = await canvasPixels(page, '#curves');
  const { page: second, errors: secondErrors } = await openPage(bundle.browser, address);
  await waitForPaint(second);
  await second.waitForFunction(() => document.querySelector('#step-counter').textContent === '40');
  assert.equal(await second.inputValue('#compare'), 'side-by-side');
  assert.ok(await second.isChecked('#overlay-field'));
  assert.equal(await second.inputValue('#chart-kind'), 'grad-norm');
  assert.ok(!(await second.isChecked('#run1-visible')));
  assert.equal(await second.inputValue('#preset'), await page.inputValue('#preset'));
  assert.equal(await second.textContent('#caption'), await page.textContent('#caption'));
  assert.equal(await second.textContent('#step-info'), await page.textContent('#step-info'));
  // The same pixels: nothing of the view was lost on the way.
  const againPicture = await canvasPixels(second, '#landscape');
  const againChart = await canvasPixels(second, '#curves');
  assert.equal(againPicture.checksum, picture.checksum, 'the landscape picture differs');
  assert.equal(againChart.checksum, chart.checksum, 'the chart differs');
  await second.screenshot({ path: `${OUTPUT_DIR}state-address-view.png` });
  assert.deepEqual([...errors, ...secondErrors], []);
  await page.close();
  await second.close();
});

test('typed numbers apply when committed, and absurd ones are refused with the range', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await commit(page, '#problem-kappa-value', '1e6');
  assert.match(await page.textContent('#status'), /“1e6” is outside the accepted range, 1 to 1000/);
  assert.equal(await page.inputValue('#problem-kappa-value'), '10');
  await commit(page, '#run0-opt-lr-value', '100');
  assert.match(await page.textContent('#status'), /“100” is outside the accepted range, 1e-6 to 10; kept 0.15/);
  assert.doesNotMatch(await page.textContent('#step-info'), /Diverged/);
  await commit(page, '#problem-angle-value', '-720');
  assert.match(await page.textContent('#status'), /“-720” is outside the accepted range, -180 to 180/);
  for (const text of ['1e9', 'abc', '0']) {
    await commit(page, '#steps', text);
    assert.match(await page.textContent('#status'), new RegExp(`“${text}”`));
    assert.equal(await page.inputValue('#steps'), '150');
  }
  await commit(page, '#run0-opt-lr-value', '1e308');
  const message = await page.textContent('#status');
  assert.ok(message.length < 200 && message.includes('“1e308”'), message);
  await commit(page, '#steps', '300');
  await page.waitForFunction(() => document.querySelector('#step-total').textContent === '300');
  await commit(page, '#seed', '7');
  assert.match(decodeURIComponent(page.url()), /"seed":7/);
  assert.equal(await page.textContent('#status'), '');
  // The classifier's width box: each bad entry says what was wrong.
  await page.click('#mode-classifier');
  for (const [text, says] of [['-1', 'outside'], ['abc', 'not a number'], ['1e9', 'outside']]) {
    await commit(page, '#net0-width', text);
    const status = await page.textContent('#status');
    assert.match(status, new RegExp(`“${text}” is ${says}`));
    assert.match(status, /2 to 16384/);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('defaults follow a new problem, optimizer or classifier method', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.selectOption('#problem', 'rosenbrock');
  const lr = Number(await page.inputValue('#run0-opt-lr-value'));
  assert.ok(lr < 1e-3, `GD's α on Rosenbrock is ${lr}`);
  await page.keyboard.press('End');
  assert.doesNotMatch(await page.textContent('#step-info'), /Diverged/);
  await page.keyboard.press('2');
  await page.selectOption('#run0-optimizer', 'adam');
  assert.doesNotMatch(await page.textContent('#step-info'), /α = 0\.09/, 'the scene label went with its optimizer');
  await page.click('#mode-classifier');
  await page.waitForFunction(() => document.querySelectorAll('.net-canvas').length === 2);
  assert.equal(await page.inputValue('#net1-iterations'), '35');
  await page.selectOption('#net1-optimizer', 'shampoo');
  assert.equal(await page.inputValue('#net1-iterations'), '300');
  assert.equal(await page.inputValue('#net1-batch'), '100');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a million steps in the address: computed in slices, and the page stays responsive', async () => {
  // Noisy SGD never stops early: all million steps are taken.
  const spec = {
    problem: { name: 'rosenbrock' }, steps: 1000000, noise: { kind: 'gaussian', sigma: 0.5 },
    runs: [{ optimizer: 'sgd', lr: 0.0005 }],
  };
  const { page, errors } = await openPage(bundle.browser, `${bundle.server.url}#${encodeURIComponent(JSON.stringify(spec))}`);
  await waitForPaint(page);
  await page.waitForFunction(() => document.querySelector('#step-total').textContent === '1000000');
  assert.equal(await page.textContent('#status'), '');
  // From here on, every main-thread task over 50 ms is recorded: playing,
  // jumping to the end, and recomputing the million after moving the start.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  await page.selectOption('#speed', '16');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) >= 200);
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === '1000000');
  const box = await page.locator('#landscape').boundingBox();
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.4);
  await page.waitForFunction(() => document.querySelector('#step-total').textContent === '1000000'
    && !document.querySelector('#step-info').textContent.startsWith('Computing'));
  const tasks = await page.evaluate(() => window.longTasks);
  const slice = await page.getAttribute('#landscape', 'data-compute-ms');
  console.log(`1,000,000 steps after loading: ${tasks.length} tasks over 50 ms, longest ${tasks.length ? Math.max(...tasks).toFixed(0) : 0} ms; last slice of computing ${slice} ms`);
  // More than the page computes is lowered, with a message.
  const two = { ...spec, runs: [spec.runs[0], spec.runs[0]] };
  const { page: second, errors: secondErrors } = await openPage(bundle.browser, `${bundle.server.url}#${encodeURIComponent(JSON.stringify(two))}`);
  await waitForPaint(second);
  assert.match(await second.textContent('#status'), /lowered to 500000/);
  assert.deepEqual([...errors, ...secondErrors], []);
  await page.close();
  await second.close();
});
