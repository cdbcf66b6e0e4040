/// <reference lib="webworker" />
// The codegen thread in the browser: a Worker the engine's Worker starts (codegen.ts).
import { serveCodegen, type CodegenRequest } from './codegen.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// What it loaded (its script and chunks), for the service worker to keep (see engine/worker.ts).
scope.postMessage({
  loaded: [scope.location.href, ...performance.getEntriesByType('resource').map((e) => e.name)],
});
scope.onmessage = async (event: MessageEvent<CodegenRequest>) => {
  scope.postMessage(await serveCodegen(event.data));
};
