// Lectures: a clicker's PageDown walks through every shipped lecture, scene
// by scene (landscape and classifier), each loading without console errors;
// the address carries the lecture and the scene.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveBundle, waitForPaint, openPage, OUTPUT_DIR } from './browser.mjs';

const bundle = serveBundle();

test('lectures: PageDown walks every shipped lecture, PageUp walks back, the address keeps the place', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  const lectures = await page.$$eval('#lecture option', (options) => options.map((o) => o.value).filter((v) => /^\d+$/.test(v)));
  assert.ok(lectures.length >= 4, `${lectures.length} lectures`);
  await page.click('#present');
  for (const lecture of lectures) {
    await page.selectOption('#lecture', lecture);
    await page.waitForFunction(() => /scene 1 of \d+/.test(document.querySelector('#caption').textContent));
    const count = Number((await page.textContent('#caption')).match(/scene 1 of (\d+)/)[1]);
    for (let k = 1; k <= count; k += 1) {
      await page.waitForFunction((k) => new RegExp(`scene ${k} of`).test(document.querySelector('#caption').textContent), k);
      await page.waitForFunction((k) => new RegExp(`"lecture":\\{"at":${k - 1},`).test(decodeURIComponent(location.hash)), k);
      if (await page.isVisible('#classifier-mode')) {
        // A clicker cannot press Train: the scene trains on arrival.
        await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) >= 20);
      }
      await page.screenshot({ path: `${OUTPUT_DIR}lecture-${lecture}-scene-${k}-1280.png` });
      // The clicker's next: a blur first, so no control keeps the key.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('PageDown');
    }
    // At the last scene PageDown stays; PageUp goes back one.
    await page.keyboard.press('PageUp');
    if (count > 1) {
      await page.waitForFunction((n) => new RegExp(`scene ${n - 1} of ${n}`).test(document.querySelector('#caption').textContent), count);
    }
  }
  // While presenting a lecture, the arrow keys walk it too.
  await page.selectOption('#lecture', lectures[0]);
  await page.waitForFunction(() => /scene 1 of/.test(document.querySelector('#caption').textContent));
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /scene 2 of/.test(document.querySelector('#caption').textContent));
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'the keys never scroll the page away');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lectures: a lecturer opens their own lecture from a file; the address keeps it; a broken file is refused by name', async () => {
  const { page, errors } = await openPage(bundle.browser, bundle.server.url, { width: 1280, height: 720 });
  await waitForPaint(page);
  await page.click('#present');
  const own = { title: 'Week 3: curvature', scenes: ['landscapes/newton-one-step', 'classifier/width-regimes', 'landscapes/cg-two-steps'] };
  await page.setInputFiles('#lecture-file', { name: 'week-3.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(own)) });
  await page.waitForFunction(() => /Week 3: curvature · scene 1 of 3/.test(document.querySelector('#caption').textContent));
  assert.equal(await page.inputValue('#lecture'), 'own');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => /scene 2 of 3/.test(document.querySelector('#caption').textContent));
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"title":"Week 3: curvature"'));
  await page.screenshot({ path: `${OUTPUT_DIR}lecture-own-scene-2-1280.png` });
  // The address carries the whole lecture: a fresh page opens it at the same scene.
  const address = page.url();
  const { page: second, errors: secondErrors } = await openPage(bundle.browser, address, { width: 1280, height: 720 });
  await second.waitForFunction(() => /Week 3: curvature · scene 2 of 3/.test(document.querySelector('#caption').textContent));
  assert.equal(await second.inputValue('#lecture'), 'own');
  await second.close();
  // A lecture may write scenes of its own in place: a landscape and a classifier scene.
  const withOwn = {
    title: 'Week 4: my examples',
    scenes: [
      { title: 'GD on Booth', caption: 'A step of 0.05 walks into the valley.', chart: 'distance',
        claims: [{ claim: 'ends-below', run: 'GD', loss: 1e-3 }],
        spec: { problem: { name: 'booth' }, steps: 80, runs: [{ optimizer: 'gd', lr: 0.05, label: 'GD' }] } },
      { title: 'Adam at width 16', caption: 'Two hundred Adam steps.',
        panels: [{ width: 16, optimizer: 'adam', params: { lr: 0.01 }, batch_size: 100, iterations: 200 }] },
    ],
  };
  await page.setInputFiles('#lecture-file', { name: 'week-4.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(withOwn)) });
  await page.waitForFunction(() => /GD on Booth — Week 4: my examples · scene 1 of 2/.test(document.querySelector('#caption').textContent));
  await page.waitForFunction(() => /✓ GD ends with f = /.test(document.querySelector('#caption').textContent));
  assert.equal(await page.inputValue('#chart-kind'), 'distance');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => /Adam at width 16 — Week 4: my examples · scene 2 of 2/.test(document.querySelector('#caption').textContent));
  await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) >= 20);
  await page.screenshot({ path: `${OUTPUT_DIR}lecture-own-scenes-2-1280.png` });
  const { page: fourth, errors: fourthErrors } = await openPage(bundle.browser, page.url(), { width: 1280, height: 720 });
  await fourth.waitForFunction(() => /Adam at width 16 — Week 4: my examples · scene 2 of 2/.test(document.querySelector('#caption').textContent));
  await fourth.close();
  // A broken file is refused, naming the bad scene and the ones there are; the lecture given stays.
  const broken = { title: 'typo', scenes: ['landscapes/newton-one-stepp'] };
  await page.setInputFiles('#lecture-file', { name: 'typo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes("lecture.scenes[0]: no scene 'landscapes/newton-one-stepp'; known scenes: landscapes/gd-ill-conditioned"));
  assert.match(await page.textContent('#caption'), /Week 4: my examples · scene 2 of 2/);
  await page.setInputFiles('#lecture-file', { name: 'not.json', mimeType: 'application/json', buffer: Buffer.from('{"title": ') });
  await page.waitForFunction(() => /The lecture was not opened: lecture: is not valid JSON/.test(document.querySelector('#status').textContent));
  // A broken lecture in an address is named too, and the page opens without it.
  const bad = encodeURIComponent(JSON.stringify({ v: 2, lecture: { title: 't', scenes: ['landscapes/nope'], at: 0 } }));
  const { page: third, errors: thirdErrors } = await openPage(bundle.browser, `${bundle.server.url}#${bad}`, { width: 1280, height: 720 });
  await third.waitForFunction(() => document.querySelector('#status').textContent.includes("lecture.scenes[0]: no scene 'landscapes/nope'"));
  await third.close();
  assert.deepEqual([...errors, ...secondErrors, ...thirdErrors, ...fourthErrors], []);
  await page.close();
});
