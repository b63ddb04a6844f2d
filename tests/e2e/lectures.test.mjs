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
  const lectures = await page.$$eval('#lecture option', (options) => options.map((o) => o.value).filter((v) => v !== ''));
  assert.ok(lectures.length >= 4, `${lectures.length} lectures`);
  await page.click('#present');
  for (const lecture of lectures) {
    await page.selectOption('#lecture', lecture);
    await page.waitForFunction(() => /scene 1 of \d+/.test(document.querySelector('#caption').textContent));
    const count = Number((await page.textContent('#caption')).match(/scene 1 of (\d+)/)[1]);
    for (let k = 1; k <= count; k += 1) {
      await page.waitForFunction((k) => new RegExp(`scene ${k} of`).test(document.querySelector('#caption').textContent), k);
      await page.waitForFunction((k) => new RegExp(`"lecture":\\{"at":${k - 1},`).test(decodeURIComponent(location.hash)), k);
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
