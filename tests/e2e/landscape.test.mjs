// The landscape page, end to end: loads cleanly, paints, animates and follows its controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, canvasPixels, waitForCanvasChange, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();


const stepCounter = async (page) => Number(await page.textContent('#step-counter'));

test('the page loads without console errors and paints the landscape', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
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
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
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
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.click('#step');
  await page.click('#step');
  assert.equal(await stepCounter(page), 2);
  await page.click('#reset');
  assert.equal(await stepCounter(page), 0);

  // At step 0 only the start is drawn; the chart shows the whole run.
  const atDefault = await canvasPixels(page, '#curves');
  assert.equal(await page.inputValue('#run0-opt-lr-value'), '0.15');
  await page.fill('#run0-opt-lr', '560');
  assert.notEqual(await page.inputValue('#run0-opt-lr-value'), '0.15');
  await waitForCanvasChange(page, '#curves', atDefault.checksum);

  // A rate far beyond 2/κ makes the quadratic diverge; the page says so.
  await page.fill('#run0-opt-lr', '1000');
  assert.match(await page.textContent('#step-info'), /Diverged at step \d+/);

  await page.selectOption('#problem', 'rosenbrock');
  assert.match(await page.textContent('#formula'), /\(a − x\)²/);
  assert.ok(await page.isVisible('#problem-b'), 'problem parameters get controls');
  await page.fill('#run0-opt-lr', '500');
  await waitForPaint(page);
  await page.screenshot({ path: `${OUTPUT_DIR}rosenbrock.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('every optimizer gets controls generated from the registry', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  const options = await page.$$eval('#run0-optimizer option', (os) => os.map((o) => ({ value: o.value, disabled: o.disabled })));
  assert.ok(options.length >= 20, `only ${options.length} optimizers offered`);
  // On the quadratic, the finite-sum methods are not offered.
  assert.ok(options.find((o) => o.value === 'svrg').disabled);
  assert.ok(!options.find((o) => o.value === 'gauss-newton').disabled);

  await page.selectOption('#run0-optimizer', 'adam');
  assert.match(await page.textContent('#run0-equations'), /β/);
  // The equations are typeset as MathML: scripts, hats and roots are elements that take space.
  const math = await page.$eval('#run0-equations', (e) => ({
    lines: e.querySelectorAll('p.eq').length,
    scripts: e.querySelectorAll('msub, msup, msubsup').length,
    hats: e.querySelectorAll('mover').length,
    roots: e.querySelectorAll('msqrt').length,
    height: e.querySelector('math').getBoundingClientRect().height,
  }));
  assert.equal(math.lines, 4);
  assert.ok(math.scripts >= 6 && math.hats >= 2 && math.roots >= 1, JSON.stringify(math));
  assert.ok(math.height > 8, `a typeset line is ${math.height} px tall`);
  for (const id of ['#run0-opt-lr', '#run0-opt-beta1', '#run0-opt-beta2', '#run0-opt-eps', '#run0-opt-weight_decay', '#run0-opt-amsgrad']) {
    assert.ok(await page.$(id), `${id} missing`);
  }
  await page.check('#run0-opt-amsgrad');
  await page.selectOption('#run0-schedule', 'cosine');
  assert.ok(await page.$('#run0-schedule-t_max'));

  await page.selectOption('#run0-optimizer', 'trust-region');
  assert.ok(await page.isHidden('#run0-schedule-row'), 'no schedule for a method without a learning rate');
  await page.selectOption('#run0-opt-subproblem', 'dogleg');
  await page.selectOption('#problem', 'himmelblau');
  await page.selectOption('#run0-optimizer', 'trust-region');
  await page.selectOption('#run0-opt-subproblem', 'dogleg');
  await page.click('#step');
  await page.click('#step');
  assert.match(await page.textContent('#step-info'), /Δ = /);
  await page.screenshot({ path: `${OUTPUT_DIR}trust-region.png` });
  assert.ok(await page.isHidden('#batch-size'), 'batch size only on finite-sum problems');

  // A value out of range is refused with a message naming the field, and the page keeps working.
  await page.selectOption('#run0-optimizer', 'gd');
  // Typed numbers apply when committed (Enter or leaving the box), never per keystroke.
  const used = await page.inputValue('#run0-opt-lr-value');
  await page.fill('#run0-opt-lr-value', '-3');
  assert.equal(await page.textContent('#status'), '', 'nothing applies while typing');
  await page.press('#run0-opt-lr-value', 'Enter');
  assert.match(await page.textContent('#status'), /“-3” is outside the accepted range, 1e-6 to 10; kept/);
  assert.equal(await page.inputValue('#run0-opt-lr-value'), used, 'the box shows the value used');
  await page.fill('#run0-opt-lr-value', '0.1');
  await page.press('#run0-opt-lr-value', 'Enter');
  assert.equal(await page.textContent('#status'), '');

  await page.selectOption('#problem', 'regression');
  assert.ok(await page.isVisible('#batch-size'));
  await page.selectOption('#run0-optimizer', 'svrg');
  await page.selectOption('#noise', 'gaussian');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) >= 3);
  await page.screenshot({ path: `${OUTPUT_DIR}svrg-regression.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('runs can be added, duplicated, recoloured, hidden and removed', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.click('#add-run');
  assert.equal(await page.$$eval('fieldset.run', (r) => r.length), 2);
  assert.equal(await page.inputValue('#run1-optimizer'), 'adam');
  await page.click('#run1-duplicate');
  assert.equal(await page.$$eval('fieldset.run', (r) => r.length), 3);
  await page.fill('#run2-label', 'my Adam');
  await page.press('#run2-label', 'Enter');
  assert.match(await page.textContent('#step-info'), /my Adam: f = /);
  const before = await canvasPixels(page, '#landscape');
  await page.uncheck('#run0-visible');
  await waitForCanvasChange(page, '#landscape', before.checksum);
  await page.click('#run1-remove');
  assert.equal(await page.$$eval('fieldset.run', (r) => r.length), 2);
  await page.screenshot({ path: `${OUTPUT_DIR}runs.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking the landscape moves the start point and every path follows', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  const before = await page.textContent('#start');
  const box = await page.locator('#landscape').boundingBox();
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
  const after = await page.textContent('#start');
  assert.notEqual(after, before);
  const [x, y] = after.replace(/[()]/g, '').split(',').map(Number);
  assert.ok(x > 0 && y > 0, `start ${after} should be in the upper right`);
  // Dragging moves it again.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.65, { steps: 4 });
  await page.mouse.up();
  const dragged = await page.textContent('#start');
  assert.ok(Number(dragged.replace(/[()]/g, '').split(',')[0]) < 0, `dragged start ${dragged}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the address holds the scene: a copied address restores it', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.selectOption('#problem', 'rosenbrock');
  await page.selectOption('#run0-optimizer', 'adam');
  await page.fill('#run0-opt-lr-value', '0.05');
  await page.press('#run0-opt-lr-value', 'Enter');
  await page.click('#add-run');
  const address = page.url();
  assert.match(decodeURIComponent(address), /"name":"rosenbrock"/);
  const { page: second, errors: secondErrors } = await openPage(bundle.browser, address);
  await waitForPaint(second);
  assert.equal(await second.inputValue('#problem'), 'rosenbrock');
  assert.equal(await second.inputValue('#run0-optimizer'), 'adam');
  assert.equal(await second.inputValue('#run0-opt-lr-value'), '0.05');
  assert.equal(await second.$$eval('fieldset.run', (r) => r.length), 2);
  assert.equal(await second.textContent('#status'), '');
  assert.deepEqual([...errors, ...secondErrors], []);
  await page.close();
  await second.close();
});

test('a broken address names what was wrong and keeps the good parts', async () => {
  const broken = encodeURIComponent(JSON.stringify({
    problem: { name: 'rosenbrock' },
    runs: [{ optimizer: 'adam', lr: 0.05 }, { optimizer: 'nope' }],
    steps: 'many',
  }));
  const { page, errors } = await openPage(bundle.browser, `${bundle.server.url}#${broken}`);
  await waitForPaint(page);
  const status = await page.textContent('#status');
  assert.match(status, /unknown optimizer 'nope'/);
  assert.match(status, /steps: must be a whole number/);
  assert.equal(await page.inputValue('#problem'), 'rosenbrock');
  assert.equal(await page.$$eval('fieldset.run', (r) => r.length), 1);
  const { page: garbage, errors: garbageErrors } = await openPage(bundle.browser, `${bundle.server.url}#%7Bnot-json`);
  await waitForPaint(garbage);
  assert.match(await garbage.textContent('#status'), /does not hold a JSON/);
  assert.deepEqual([...errors, ...garbageErrors], []);
  await page.close();
  await garbage.close();
});

test('keyboard: space plays, arrows step, r resets, ? shows help, digits load scenes', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await stepCounter(page), 3);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await stepCounter(page), 2);
  await page.keyboard.press('r');
  assert.equal(await stepCounter(page), 0);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) >= 2);
  await page.keyboard.press(' ');
  assert.equal(await page.textContent('#play'), 'Play');
  await page.keyboard.press('?');
  assert.ok(await page.isVisible('#help'));
  await page.keyboard.press('Escape');
  assert.ok(await page.isHidden('#help'));
  await page.keyboard.press('4');
  assert.equal(await page.inputValue('#problem'), 'rosenbrock');
  assert.equal(await page.$$eval('fieldset.run', (r) => r.length), 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every lecture scene loads without errors', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  const scenes = await page.$$eval('#preset option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(scenes.length, 17);
  for (const [i, scene] of scenes.entries()) {
    await page.selectOption('#preset', scene);
    await page.fill('#scrubber', String(10000));
    await waitForPaint(page);
    assert.equal(await page.textContent('#status'), '', `${scene}: ${await page.textContent('#status')}`);
    await page.screenshot({ path: `${OUTPUT_DIR}scene-${i + 1}-${scene}.png` });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the per-step chart follows the chosen quantity and exports download', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('4');
  await page.waitForFunction(() => document.querySelector('#curves').width > 100);
  const loss = await canvasPixels(page, '#curves');
  assert.ok(loss.colours > 20, 'the chart is painted');
  await page.selectOption('#chart-kind', 'grad-norm');
  await page.waitForTimeout(100);
  const grad = await canvasPixels(page, '#curves');
  assert.notEqual(grad.checksum, loss.checksum);
  for (const [button, name, start] of [
    ['#export-csv', 'descent-histories.csv', 'run,label,optimizer,step,x,y,loss,grad_norm,lr,status,avg_x,avg_y,avg_loss'],
    ['#export-json', 'descent-histories.json', '{"problem":'],
    ['#export-spec', 'descent-spec.json', '{'],
    ['#export-png', 'descent-landscape.png', '\u0089PNG'],
    ['#export-svg', 'descent-landscape.svg', '<svg'],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    assert.equal(download.suggestedFilename(), name);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const content = readFileSync(path, button === '#export-png' ? 'latin1' : 'utf8');
    assert.ok(content.startsWith(start), `${name} starts with ${content.slice(0, 40)}`);
  }
  await page.screenshot({ path: `${OUTPUT_DIR}chart.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the momentum overlay splits a heavy-ball step into gradient and velocity parts', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('2');
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowRight');
  const plain = await canvasPixels(page, '#landscape');
  await page.check('#overlay-momentum');
  await waitForCanvasChange(page, '#landscape', plain.checksum);
  await page.screenshot({ path: `${OUTPUT_DIR}momentum-split.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('overlays: gradient field, Newton target and eigen-directions', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('6');
  await page.click('#step');
  const plain = await canvasPixels(page, '#landscape');
  for (const id of ['#overlay-field', '#overlay-newton', '#overlay-eigen']) {
    await page.check(id);
  }
  await page.waitForTimeout(100);
  const withGuides = await canvasPixels(page, '#landscape');
  assert.notEqual(withGuides.checksum, plain.checksum);
  await page.screenshot({ path: `${OUTPUT_DIR}overlays.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('performance: background recomputation while dragging a slider, long tasks while animating', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  // Changes in quick succession (a dragged slider) get a half-resolution
  // background; once they stop, the full-resolution one follows.
  const times = [];
  for (const position of [300, 350, 400, 450, 500, 550, 600]) {
    await page.fill('#problem-kappa', String(position));
    await page.waitForTimeout(40);
    times.push(Number(await page.getAttribute('#landscape', 'data-background-ms')));
  }
  assert.equal(await page.getAttribute('#landscape', 'data-background-coarseness'), '2');
  await page.waitForFunction(() => document.querySelector('#landscape').dataset.backgroundCoarseness === '1');
  const full = Number(await page.getAttribute('#landscape', 'data-background-ms'));
  const size = await page.$eval('#landscape', (c) => `${c.width}×${c.height}`);
  const dragged = times.slice(1).sort((a, b) => a - b);
  console.log(`background at ${size} px while dragging (half resolution): median ${dragged[3]} ms, max ${dragged[5]} ms; settled at full resolution ${full} ms (target < 50 ms)`);
  // Eight runs animating: frames per second and long tasks.
  await page.keyboard.press('8');
  await page.waitForTimeout(200);
  while (await page.$$eval('fieldset.run', (r) => r.length) < 8) await page.click('#add-run');
  await page.selectOption('#speed', '1');
  await page.evaluate(() => { window.__longTasks = []; });
  await page.keyboard.press('r');
  await page.keyboard.press(' ');
  const fps = await page.evaluate(() => new Promise((done) => {
    let frames = 0;
    const start = performance.now();
    const count = (t) => {
      frames += 1;
      if (t - start < 2000) requestAnimationFrame(count); else done(frames / ((t - start) / 1000));
    };
    requestAnimationFrame(count);
  }));
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(`animating 8 runs for 2 s: ${fps.toFixed(1)} frames/s, ${longTasks.length} tasks over 50 ms${longTasks.length ? `, longest ${Math.max(...longTasks).toFixed(0)} ms` : ''}`);
  assert.ok(await stepCounter(page) > 0, 'the runs animated');
  assert.ok(times.every((t) => Number.isFinite(t) && t > 0));
  assert.deepEqual(errors, []);
  await page.close();
});

test('dark theme and presentation mode for projectors', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  const corner = async () => page.$eval('#landscape', (c) => Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3)));
  const light = await corner();
  await page.click('#theme');
  await page.waitForFunction(() => {
    const c = document.querySelector('#landscape');
    return c.getContext('2d').getImageData(2, 2, 1, 1).data[0] < 100;
  });
  const dark = await corner();
  assert.ok(dark[0] < light[0], `corner ${dark} should be darker than ${light}`);
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.keyboard.press('p');
  assert.match(await page.getAttribute('body', 'class'), /presenting/);
  await page.keyboard.press('2');
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${OUTPUT_DIR}presenting-dark.png` });
  await page.keyboard.press('p');
  assert.doesNotMatch((await page.getAttribute('body', 'class')) ?? '', /presenting/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page reflows on a phone and touch moves the start point', async () => {
  const context = await bundle.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(bundle.server.url);
  await waitForPaint(page);
  const box = await page.locator('#landscape').boundingBox();
  assert.ok(box.width <= 390, `canvas ${box.width} px wide fits the phone`);
  const before = await page.textContent('#start');
  await page.locator('#landscape').tap({ position: { x: box.width * 0.75, y: box.height * 0.25 } });
  assert.notEqual(await page.textContent('#start'), before);
  await page.screenshot({ path: `${OUTPUT_DIR}phone.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('hovering the landscape or the chart shows values', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  const box = await page.locator('#landscape').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  assert.match(await page.textContent('#hover'), /^x = .*, y = .*: f = /);
  await page.locator('#curves').scrollIntoViewIfNeeded();
  const chart = await page.locator('#curves').boundingBox();
  await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
  assert.match(await page.textContent('#hover'), /^step \d+: Gradient descent /);
  // The ends of the chart are step 0 and the last step.
  const total = await page.textContent('#step-total');
  await page.mouse.move(chart.x + chart.width - 2, chart.y + chart.height / 2);
  assert.match(await page.textContent('#hover'), new RegExp(`^step ${total}: `));
  await page.mouse.move(chart.x + 2, chart.y + chart.height / 2);
  assert.match(await page.textContent('#hover'), /^step 0: /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('peaks classifier: panels train side by side without freezing the page', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.click('#mode-classifier');
  assert.ok(await page.isHidden('#landscape-mode'));
  assert.match(await page.textContent('#net-backend'), /Web Worker/);
  assert.match(await page.textContent('#net1-equations'), /Δ/);
  assert.equal(await page.$$eval('.net-panel', (p) => p.length), 2);
  assert.equal(await page.inputValue('#net0-optimizer'), 'sgd');
  assert.equal(await page.inputValue('#net1-optimizer'), 'gauss-newton-tr');
  await page.waitForFunction(() => document.querySelector('#net0-readout').textContent.startsWith('iteration 0'));
  const before = await canvasPixels(page, '#net1-canvas');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
      .observe({ type: 'longtask' });
  });
  await page.click('#net-play');
  await page.waitForFunction(() => /iteration 35 /.test(document.querySelector('#net1-readout').textContent));
  const readout = await page.textContent('#net1-readout');
  const train = Number(readout.match(/train ([\d.]+) %/)[1]);
  assert.ok(train > 90, `Gauss–Newton reaches ${readout}`);
  await page.waitForFunction(() => /iteration 500 /.test(document.querySelector('#net0-readout').textContent));
  const longTasks = await page.evaluate(() => window.__longTasks);
  const after = await canvasPixels(page, '#net1-canvas');
  assert.notEqual(after.checksum, before.checksum, 'the decision regions changed');
  console.log(`classifier training: ${longTasks.length} tasks over 50 ms${longTasks.length ? `, longest ${Math.max(...longTasks).toFixed(0)} ms` : ''}`);
  await page.screenshot({ path: `${OUTPUT_DIR}classifier.png` });
  // Changing a panel restarts it; an impossible value is named.
  await page.selectOption('#net0-optimizer', 'adam');
  assert.ok(await page.$('#net0-opt-beta1'));
  await page.fill('#net0-width', '1');
  await page.dispatchEvent('#net0-width', 'change');
  assert.match(await page.textContent('#status'), /panel 1: m \(width\): “1” is outside the accepted range, 2 to 16384/);
  assert.notEqual(await page.inputValue('#net0-width'), '1', 'the box shows the width used');
  await page.click('#mode-landscapes');
  assert.ok(await page.isVisible('#landscape'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('classifier: the address holds the panels, a broken one is named, digits load its scenes', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.click('#mode-classifier');
  await page.keyboard.press('2');
  await page.waitForFunction(() => document.querySelector('#net1-width').value === '8192');
  await page.selectOption('#net0-optimizer', 'adam');
  await page.fill('#net0-iterations', '123');
  await page.dispatchEvent('#net0-iterations', 'change');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"iterations":123'));
  const address = page.url();
  assert.match(decodeURIComponent(address), /"optimizer":{"name":"adam"/);
  const { page: second, errors: secondErrors } = await openPage(bundle.browser, address);
  await second.waitForFunction(() => document.querySelector('#net0-readout')?.textContent.startsWith('iteration 0'));
  assert.ok(await second.isVisible('#classifier-mode'));
  assert.equal(await second.inputValue('#net0-optimizer'), 'adam');
  assert.equal(await second.inputValue('#net0-iterations'), '123');
  assert.equal(await second.inputValue('#net1-width'), '8192');
  assert.equal(await second.inputValue('#net-scene'), 'custom');
  assert.equal(await second.textContent('#status'), '');
  // One bad panel is named and left out; the good one stays.
  const broken = encodeURIComponent(JSON.stringify({ panels: [
    { width: 32, optimizer: 'sgd', params: { lr: 0.1 }, batch_size: 50, iterations: 10 },
    { width: 32, optimizer: 'nope', batch_size: 50, iterations: 10 },
  ] }));
  const { page: third, errors: thirdErrors } = await openPage(bundle.browser, `${bundle.server.url}#classifier=${broken}`);
  await third.waitForFunction(() => document.querySelector('#net0-readout')?.textContent.startsWith('iteration 0'));
  assert.match(await third.textContent('#status'), /classifier panel 2: .*nope/);
  assert.equal(await third.$$eval('.net-panel', (p) => p.length), 1);
  assert.equal(await third.inputValue('#net0-batch'), '50');
  // Back to the landscapes: the address holds the landscape spec again.
  await third.click('#mode-landscapes');
  await third.waitForFunction(() => decodeURIComponent(location.hash).includes('"spec"'));
  assert.deepEqual([...errors, ...secondErrors, ...thirdErrors], []);
  await page.close();
  await second.close();
  await third.close();
});

test('compare side by side: one panel per run sharing the step and the view', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url);
  await waitForPaint(page);
  await page.keyboard.press('6');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const overlaid = await canvasPixels(page, '#landscape');
  await page.selectOption('#compare', 'side-by-side');
  await waitForCanvasChange(page, '#landscape', overlaid.checksum);
  await page.screenshot({ path: `${OUTPUT_DIR}side-by-side.png` });
  assert.equal(await stepCounter(page), 2);
  assert.deepEqual(errors, []);
  await page.close();
});
