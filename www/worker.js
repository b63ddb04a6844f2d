// Trains the peaks-classifier panels off the page's main thread. The page
// posts { kind: 'load', glue, wasm } with the URLs of the app's own module
// (or, from the single offline file, { kind: 'load', glueText, wasmBytes }),
// then training requests (JSON text); this script hands each request to the
// module's ClassifierWorker and posts back the snapshots it returns; if
// anything fails it posts { kind: 'failed', reason } and the page trains itself.
const SLICE_MS = 40;
let service = null;
let scheduled = false;
const waiting = [];

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (typeof message === 'object' && message.kind === 'load') {
      // The single offline file sends the module's text and bytes instead
      // of URLs: a worker there cannot import the page's blob: URLs.
      const glue = message.glueText === undefined
        ? message.glue
        : URL.createObjectURL(new Blob([message.glueText], { type: 'text/javascript' }));
      const module = await import(glue);
      await module.default({ module_or_path: message.wasmBytes ?? message.wasm });
      service = new module.ClassifierWorker();
      waiting.splice(0).forEach((request) => service.receive(request));
      schedule();
    } else if (service) {
      service.receive(message);
      schedule();
    } else {
      waiting.push(message);
    }
  } catch (error) {
    self.postMessage({ kind: 'failed', reason: String(error) });
  }
};

function schedule() {
  if (scheduled || !service || !service.busy()) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    try {
      for (const snapshot of service.work(SLICE_MS)) self.postMessage(snapshot);
    } catch (error) {
      // A panic leaves the module unusable: say so and stop.
      service = null;
      self.postMessage({ kind: 'failed', reason: String(error) });
      return;
    }
    schedule();
  }, 0);
}
