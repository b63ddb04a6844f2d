// The single offline file: written from the release bundle, opened from a
// file:// URL with no server, it animates a landscape and trains a
// classifier panel (in its worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, WAIT_MS, OUTPUT_DIR } from './browser.mjs';

test('offline: the single file from disk animates a landscape and trains a classifier panel', async () => {
  const root = new URL('../../', import.meta.url).pathname;
  const file = join(mkdtempSync(join(tmpdir(), 'descent-offline-')), 'descent.html');
  execFileSync('node', [join(root, 'tools/single-file.mjs'), join(root, 'dist'), file]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.setDefaultTimeout(WAIT_MS);
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => Number(document.querySelector('#step-total').textContent) > 0);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#step-counter').textContent) > 10);
    await page.screenshot({ path: `${OUTPUT_DIR}offline-landscape-1280.png` });
    await page.click('#mode-classifier');
    await page.click('#net-play');
    await page.waitForFunction(() => Number(document.querySelector('#net0-readout').dataset.iteration) > 0);
    await page.waitForFunction(() => /Web Worker/.test(document.querySelector('#net-backend').textContent));
    await page.screenshot({ path: `${OUTPUT_DIR}offline-classifier-1280.png` });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
