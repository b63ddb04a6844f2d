// Launches Debian's headless Chromium through Playwright with the flags this machine needs.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { serveDirectory } from './static-server.mjs';

export const OUTPUT_DIR = new URL('../../test-output/e2e/', import.meta.url).pathname;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh browser (Playwright gives it a new, empty profile directory). */
export async function launchBrowser(extraFlags = []) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, ...extraFlags],
  });
}

/** Opens `url` in a new page that records console errors and uncaught exceptions. */
/** The longest any single wait may take: waits end on a condition, and a slow
 * or loaded machine only makes them take longer, never fail. */
export const WAIT_MS = 240000;

export async function openPage(browser, url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_MS);
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

/** Summary of the canvas's pixels: how many distinct colours and a cheap checksum. */
export async function canvasPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const colours = new Set();
    let checksum = 0;
    for (let i = 0; i < data.length; i += 4) {
      const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      if (colours.size < 5000) colours.add(rgb);
      checksum = (checksum * 31 + rgb) % 2147483647;
    }
    return { width, height, colours: colours.size, checksum };
  });
}

/** Waits until the canvas's checksum (as `canvasPixels` computes it) differs from `checksum`. */
export async function waitForCanvasChange(page, selector, checksum) {
  await page.waitForFunction(
    ({ selector, checksum }) => {
      const canvas = document.querySelector(selector);
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        sum = (sum * 31 + ((data[i] << 16) | (data[i + 1] << 8) | data[i + 2])) % 2147483647;
      }
      return sum !== checksum;
    },
    { selector, checksum },
  );
}

/**
 * Serves the release bundle (`dist/`) and launches a browser for one test
 * file; the returned object's `server` and `browser` are set before its tests run.
 */
export function serveBundle(extraFlags = []) {
  const bundle = {};
  before(async () => {
    bundle.server = await serveDirectory(new URL('../../dist/', import.meta.url).pathname);
    bundle.browser = await launchBrowser(extraFlags);
  });
  after(async () => {
    await bundle.browser?.close();
    await bundle.server?.close();
  });
  return bundle;
}

/** Waits until the landscape canvas is painted: sized, and not one flat colour. */
export async function waitForPaint(page) {
  await page.waitForFunction(() => {
    const canvas = document.querySelector('#landscape');
    if (!canvas || canvas.width < 100 || canvas.height < 100) return false;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const first = data.slice(0, 3).join();
    for (let i = 0; i < data.length; i += 4 * 97) {
      if (data.slice(i, i + 3).join() !== first) return true;
    }
    return false;
  });
}

/**
 * The visible texts whose colour stands out from their background by less
 * than WCAG asks (4.5:1, or 3:1 for large type): each as its text, colours
 * and ratio. The background is the nearest opaque one behind the element.
 */
export async function lowContrastTexts(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
    const backgroundOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const found = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own || el.closest('[hidden]') || el.tagName === 'OPTION' || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (box.bottom < 0 || box.top > innerHeight) continue;
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const color = parse(style.color);
      const opacity = color.length === 4 ? color[3] : 1;
      const back = backgroundOf(el);
      const shown = color.slice(0, 3).map((c, i) => c * opacity + back[i] * (1 - opacity));
      const r = ratio(shown, back);
      if (r < (large ? 3 : 4.5)) found.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}: "${el.textContent.trim().slice(0, 40)}" ${style.color} on rgb(${back}) = ${r.toFixed(2)}`);
    }
    return found;
  });
}
