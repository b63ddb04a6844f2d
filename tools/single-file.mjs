// Writes Descent as one self-contained HTML file that works opened from disk
// (file://) with no server and no network: the release bundle's styles
// inlined, and its JavaScript glue, WebAssembly module and training worker
// carried inside the page and handed to the browser as blob: URLs.
//
//   node tools/single-file.mjs [dist-directory] [output-file]
//
// (defaults: dist, dist-offline/descent.html; `make offline` builds first).
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const out = process.argv[3] ?? 'dist-offline/descent.html';
const files = readdirSync(dist);
const find = (test, what) => {
  const name = files.find(test);
  if (!name) throw new Error(`${dist} holds no ${what}: run 'make build' first`);
  return join(dist, name);
};
const glue = readFileSync(find((f) => f.endsWith('.js') && f !== 'worker.js', 'JavaScript glue'), 'utf8');
const wasm = readFileSync(find((f) => f.endsWith('_bg.wasm'), 'WebAssembly module')).toString('base64');
const css = readFileSync(find((f) => f.endsWith('.css'), 'style sheet'), 'utf8');
const worker = readFileSync(find((f) => f === 'worker.js', 'worker script'), 'utf8');
let html = readFileSync(join(dist, 'index.html'), 'utf8');

// Trunk's links and loader go; the styles and a loader of our own come in.
html = html
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>\n${css}\n</style>`)
  .replace(/<link rel="modulepreload"[^>]*>/g, '')
  .replace(/<link rel="preload"[^>]*>/g, '')
  .replace(/<script type="module">[\s\S]*?<\/script>/, () => `<script type="module">
// The module, its WebAssembly and the worker travel inside this file: the
// page loads them from blob: URLs (the worker's is named on the root
// element), and each worker is sent the module's text and bytes.
const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const url = (parts, type) => URL.createObjectURL(new Blob(parts, { type }));
const root = document.documentElement.dataset;
window.descentOffline = { glueText: ${JSON.stringify(glue)}, wasmBytes: bytes(${JSON.stringify(wasm)}) };
const glue = url([window.descentOffline.glueText], 'text/javascript');
const wasm = url([window.descentOffline.wasmBytes], 'application/wasm');
root.worker = url([${JSON.stringify(worker)}], 'text/javascript');
const bindings = await import(glue);
const instance = await bindings.default({ module_or_path: wasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: instance } }));
</script>`);
if (/(src|href)="\/[^"]/.test(html)) throw new Error('the page still names a file of the bundle');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1e6).toFixed(1)} MB): open it from disk, no server needed`);
