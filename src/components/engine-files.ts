// The files the element's engine loads besides the page's own scripts: the Worker script, and the
// hart's wasm, which the Worker fetches itself (src/engine/hart.ts resolves the same file). They
// are named here so that the element can start the one and hand both to the service worker, which
// never saw them if the page was opened before it took control (src/offline/).
// Bundlers follow `new URL('…', import.meta.url)` and rewrite it to where they put the file.

/** The engine's Worker entry (a module Worker). */
export const engineWorkerUrl = new URL('../engine/worker.js', import.meta.url);

/** The hart, compiled to WebAssembly. */
export const hartWasmUrl = new URL('../engine/cpu/hart.wasm', import.meta.url);
