// A Node worker thread running one VirtMachine, so the CLI's main thread stays free for the
// terminal. Messages: see machine-thread.ts.
import { parentPort } from 'node:worker_threads';
import { MachineError, VirtMachine } from '../board/virt-machine.js';
import { openDisk } from '../disks/open-disk.js';
import { BlobFetcher } from '../image/blob-fetcher.js';
import { ImageError } from '../image/image-error.js';
import { fileFetch } from './file-fetch.js';
import { CommandChannel } from '../command-channel.js';
import { ExecRequests } from '../exec-requests.js';
import type { ThreadRequest, ThreadEvent } from './machine-thread.js';

const port = parentPort!;
let machine: VirtMachine | undefined;
const fetcher = new BlobFetcher({ fetch: fileFetch });
// exec requests wait in the channel until the agent says it is ready.
const commands = new CommandChannel((data) => machine?.sendCommand(data));
const execs = new ExecRequests(
  commands,
  (id, result) => post({ type: 'exec-result', id, result }),
  (id, code, message) => post({ type: 'exec-error', id, code, message }),
);

function post(event: ThreadEvent, transfer: ArrayBuffer[] = []): void {
  port.postMessage(event, transfer);
}

port.on('message', async (request: ThreadRequest) => {
  switch (request.type) {
    case 'boot': {
      try {
        machine = await VirtMachine.create({
          kernel: request.kernel,
          initrd: request.initrd,
          cmdline: request.cmdline,
          memoryMiB: request.memoryMiB,
          disks: request.disks?.map((source) => openDisk(source, fetcher)),
          onDiskError: (error) =>
            post({
              type: 'disk-error',
              code: error instanceof ImageError ? error.code : 'disk-error',
              message: `disk: ${(error as Error).message}`,
            }),
          onOutput: (data) => post({ type: 'output', data }, [data.buffer as ArrayBuffer]),
          onCommandOutput: (data) => commands.receive(data),
        });
      } catch (error) {
        const code =
          error instanceof MachineError
            ? error.code
            : error instanceof RangeError
              ? 'bad-kernel'
              : 'internal';
        post({ type: 'error', code, message: (error as Error).message });
        return;
      }
      post({ type: 'booted' });
      const exit = await machine.run();
      post({ type: 'exit', exit, instructions: machine.instructions });
      break;
    }
    case 'input':
      machine?.sendInput(request.data);
      break;
    case 'resize':
      machine?.resize(request.cols, request.rows);
      break;
    case 'stats':
      post({
        type: 'stats',
        instructions: machine?.instructions ?? 0n,
        fetched: { ...fetcher.stats },
      });
      break;
    case 'stop':
      machine?.stop();
      break;
    case 'exec':
      execs.start(request.id, request.command, request.maxOutput);
      break;
    case 'exec-cancel':
      execs.cancel(request.id);
      break;
  }
});
