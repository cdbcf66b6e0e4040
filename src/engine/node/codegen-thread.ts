// The codegen thread in Node: a worker thread the machine's worker thread starts (jit/codegen.ts).
import { parentPort } from 'node:worker_threads';
import { serveCodegen, type CodegenRequest } from '../jit/codegen.js';

const port = parentPort!;
port.on('message', async (request: CodegenRequest) => {
  port.postMessage(await serveCodegen(request));
});
