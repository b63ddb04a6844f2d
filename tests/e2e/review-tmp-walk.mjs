import { serveDirectory } from './static-server.mjs';
import { launchBrowser, openPage } from './browser.mjs';
const DIST = new URL('../../dist/', import.meta.url).pathname;
const OUT = '/tmp/review/';
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];
const server = await serveDirectory(DIST);
const browser = await launchBrowser();
const log = (...a) => console.log(...a);
for (const size of SIZES) {
  for (const present of [false, true]) {
    const tag = `${size.width}-${present ? 'pres' : 'norm'}`;
    const { page, errors } = await openPage(browser, server.url, size);
    await page.waitForFunction(() => document.querySelector('#landscape')?.width >= 100);
    if (present) { await page.keyboard.press('p'); await page.waitForFunction(() => document.body.classList.contains('presenting')); }
    for (let i = 1; i <= 9; i++) {
      const t0 = Date.now();
      await page.keyboard.press(String(i));
      await page.waitForTimeout(400);
      const tLoad = Date.now() - t0;
      await page.keyboard.press('Home');
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${OUT}${tag}-s${i}-a0.png` });
      const total = Number(await page.textContent('#step-total'));
      await page.$eval('#scrubber', (s, v) => { s.value = String(v); s.dispatchEvent(new Event('input', { bubbles: true })); }, Math.floor(total / 2));
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}${tag}-s${i}-b-mid.png` });
      const t1 = Date.now();
      await page.keyboard.press('End');
      await page.waitForFunction(() => document.querySelector('#step-counter').textContent === document.querySelector('#step-total').textContent);
      const tEnd = Date.now() - t1;
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${OUT}${tag}-s${i}-c-end.png` });
      const info = await page.evaluate(() => ({
        scroll: [document.documentElement.scrollHeight, innerHeight, document.documentElement.scrollWidth, innerWidth],
        caption: document.querySelector('#caption').innerText,
        broken: [...document.querySelectorAll('#caption .claim.broken')].map(e => e.textContent),
        stepinfo: document.querySelector('#step-info').innerText,
        loss: document.querySelector('#loss').innerText,
        status: document.querySelector('#status').innerText,
        scene: document.querySelector('#preset').selectedOptions[0]?.textContent,
      }));
      log(JSON.stringify({ tag, i, total, tLoad, tEnd, ...info }));
    }
    log(tag, 'errors', JSON.stringify(errors));
    await page.close();
  }
}
await browser.close(); await server.close();
