// A Node worker thread running one machine through the shared MachineHost, so the CLI's main
// thread stays free for the terminal. Messages: see machine-thread.ts.
import { parentPort } from 'node:worker_threads';
import { BlobFetcher } from '../image/blob-fetcher.js';
import { FileRequests } from '../file-requests.js';
import { MachineHost, hostFailure } from '../machine-host.js';
import { CodegenClient, type Codegen } from '../jit/codegen.js';
import { fileFetch } from './file-fetch.js';
import { zlibInflate } from './zlib-inflate.js';
import type { ThreadRequest, ThreadEvent } from './machine-thread.js';

const port = parentPort!;
const host = new MachineHost(
  new BlobFetcher({ fetch: fileFetch, inflate: zlibInflate }),
  {
    output: (data) => post({ type: 'output', data }, [data.buffer as ArrayBuffer]),
    diskError: (code, message) => post({ type: 'disk-error', code, message }),
    execResult: (id, result) => post({ type: 'exec-result', id, result }),
    execError: (id, code, message) => post({ type: 'exec-error', id, code, message }),
    warning: (code, message) => post({ type: 'warning', code, message }),
  },
  startCodegen,
);

const files = new FileRequests(host, post);

/** Translated code is written and compiled by the thread that started this one (jit/codegen.ts). */
let codegen: CodegenClient | undefined;
function startCodegen(): Codegen {
  codegen = new CodegenClient((request) => post({ type: 'codegen', request }));
  return codegen;
}

function post(event: ThreadEvent, transfer: ArrayBuffer[] = []): void {
  port.postMessage(event, transfer);
}

port.on('message', async (request: ThreadRequest) => {
  switch (request.type) {
    case 'boot': {
      let restored = false;
      // An image's snapshot was taken without a network device: with one, the machine boots cold.
      if (request.snapshot && request.image && !request.network) {
        try {
          await host.restore({
            ...request.snapshot,
            image: request.image,
            disks: request.disks ?? [],
            recordPages: request.recordPages,
            jit: request.jit,
          });
          restored = true;
        } catch (error) {
          // Nothing of the snapshot ran: boot cold instead, and say why.
          post({ type: 'restore-failed', ...hostFailure(error) });
        }
      }
      try {
        if (!restored) await host.boot(request);
      } catch (error) {
        post({ type: 'error', ...hostFailure(error) });
        return;
      }
      post({ type: 'booted', restored });
      let exit;
      try {
        exit = await host.run();
      } catch (error) {
        // The machine stopped on a failure of its own (a snapshot's RAM chunk it could not have).
        post({ type: 'error', ...hostFailure(error) });
        return;
      }
      post({ type: 'exit', exit, instructions: host.machine!.instructions });
      break;
    }
    case 'input':
      host.input(request.data);
      break;
    case 'resize':
      host.resize(request.cols, request.rows);
      break;
    case 'stats':
      post({
        type: 'stats',
        instructions: host.machine?.instructions ?? 0n,
        startInstructions: host.startInstructions,
        jit: host.machine?.hart.jitStats(),
        fetched: { ...host.fetcher.stats },
        idleMs: host.machine?.idleMs ?? 0,
        touched: [...(host.ram?.touched ?? [])],
        touchedPages: [...(host.ram?.touchedPages ?? [])],
        resumed: host.resumed ? await host.resumed.then(() => true) : false,
        hotCode: host.machine?.hart.hotCode() ?? [],
      });
      break;
    case 'stop':
      host.stop();
      break;
    case 'save':
      try {
        const { manifest, blobs } = await host.save();
        const transfer = [...blobs.values()].map((b) => b.buffer as ArrayBuffer);
        post({ type: 'saved', snapshot: manifest, blobs: [...blobs] }, transfer);
      } catch (error) {
        post({ type: 'save-error', ...hostFailure(error) });
      }
      break;
    case 'exec':
      host.exec(request.id, request.command, request.maxOutput);
      break;
    case 'exec-cancel':
      host.cancelExec(request.id);
      break;
    case 'write-file':
    case 'read-file':
    case 'file-cancel':
      files.handle(request);
      break;
    case 'codegen-reply':
      codegen?.receive(request.reply);
      break;
  }
});
