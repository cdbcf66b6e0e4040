// The main-thread side of a machine running in a Node worker thread (machine-worker.ts).
import type { Worker } from 'node:worker_threads';
import type { MachineExit } from '../board/virt-machine.js';
import type { BootImage } from '../boot-image.js';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest.js';
import type { FetchStats } from '../image/blob-fetcher.js';
import type { CommandResult } from '../command-channel.js';
import type { FileAnswer, FileRequest } from '../file-requests.js';
import type { JitOptions, JitStats } from '../jit/translator.js';
import { serveCodegen, type CodegenReply, type CodegenRequest } from '../jit/codegen.js';
import { startModuleWorker } from './module-worker.js';
import type { NetworkMode } from '../machine-host.js';

export type ThreadRequest =
  | ({ type: 'boot' } & MachineThreadOptions & BootImage)
  | { type: 'input'; data: Uint8Array }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'stats' }
  | { type: 'stop' }
  /** Takes a snapshot of the running machine (answered by 'saved' or 'save-error'). */
  | { type: 'save'; workingSet?: boolean }
  /** A command for the image's agent on hvc1 (command-channel.ts); exec-cancel gives it up. */
  | { type: 'exec'; id: number; command: string; maxOutput?: number }
  | { type: 'exec-cancel'; id: number }
  /** Files in and out of the guest (file-requests.ts); file-cancel gives one up. */
  | FileRequest
  /** A module of translated code written and compiled on this side (jit/codegen.ts). */
  | { type: 'codegen-reply'; reply: CodegenReply };

/** How the thread runs its machine, beyond what the boot image says. */
export interface MachineThreadOptions {
  /** Restore recording the working set page by page (slower: the image builder's trial). */
  recordPages?: boolean;
  /** The translator of hot guest code (default on); `false` interprets everything. */
  jit?: boolean | JitOptions;
  /** The guest's network (docs/network.md); off by default. */
  network?: NetworkMode;
  /** How long each of the network's fetches may wait (default 30 s). */
  networkTimeoutMs?: number;
}

export type ThreadEvent =
  /** The machine exists and runs; `restored` when from the image's snapshot. */
  | { type: 'booted'; restored: boolean }
  /** The snapshot could not be restored: the machine boots cold instead. */
  | { type: 'restore-failed'; code: string; message: string }
  | { type: 'saved'; snapshot: SnapshotManifest; blobs: [string, Uint8Array][] }
  | { type: 'save-error'; code: string; message: string }
  /** Not fatal: e.g. a restored guest's clock could not be set. */
  | { type: 'warning'; code: string; message: string }
  | { type: 'output'; data: Uint8Array }
  | {
      type: 'stats';
      instructions: bigint;
      /** Instructions retired when the machine was created (after a restore: the snapshot's). */
      startInstructions: bigint;
      /** What the translator has done since the machine was created; undefined when it is off. */
      jit?: JitStats;
      fetched: FetchStats;
      /** How long the guest has been idle (waiting for interrupts), in ms. */
      idleMs: number;
      /** After a restore: RAM chunks in the order the guest first needed them. */
      touched: number[];
      /** The same, page by page, when the boot asked to record pages. */
      touchedPages: number[];
      /** After a restore: the guest's clock and random state are renewed (waited for). */
      resumed: boolean;
      /** Where the translated code starts, as RAM offsets (Hart.hotCode; a snapshot's hotCode). */
      hotCode: number[];
    }
  | { type: 'exit'; exit: MachineExit; instructions: bigint }
  /** Units for this side to write and compile (answered by codegen-reply). */
  | { type: 'codegen'; request: CodegenRequest }
  | { type: 'error'; code: string; message: string }
  | { type: 'exec-result'; id: number; result: CommandResult }
  | { type: 'exec-error'; id: number; code: string; message: string }
  | FileAnswer
  /** A disk read failed: the guest sees an I/O error and goes on (not fatal in itself). */
  | { type: 'disk-error'; code: string; message: string };

export type { BootImage };

/** Why a request to a machine that stopped fails: `stopped`, or the failure's own code. */
function stoppedError(event: Extract<ThreadEvent, { type: 'exit' | 'error' }>): Error {
  return event.type === 'exit'
    ? Object.assign(new Error('the machine stopped'), { code: 'stopped' })
    : Object.assign(new Error(event.message), { code: event.code });
}

export class MachineThread {
  private readonly worker: Worker;
  private readonly listeners = new Set<(event: ThreadEvent) => void>();
  private nextExec = 1;
  private nextFile = 1;
  /** How the machine ended, once it has: later requests fail at once with it. */
  private ended: Error | undefined;

  constructor(image: BootImage, options: MachineThreadOptions = {}) {
    this.worker = startModuleWorker(new URL('./machine-worker.js', import.meta.url));
    const emit = (event: ThreadEvent) => {
      if (event.type === 'exit' || event.type === 'error') this.ended ??= stoppedError(event);
      this.listeners.forEach((l) => l(event));
    };
    this.worker.on('message', (event: ThreadEvent) => {
      if (event.type !== 'codegen') return emit(event);
      // This thread is mostly idle while the machine runs: it writes the translator's code, so
      // the machine's thread runs the guest meanwhile and no third thread needs starting.
      void serveCodegen(event.request).then((reply) => this.post({ type: 'codegen-reply', reply }));
    });
    this.worker.on('error', (error) =>
      emit({ type: 'error', code: 'worker-crashed', message: error.message }),
    );
    this.post({ type: 'boot', ...image, ...options });
  }

  on(listener: (event: ThreadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  post(request: ThreadRequest): void {
    this.worker.postMessage(request);
  }

  send(text: string | Uint8Array): void {
    this.post({
      type: 'input',
      data: typeof text === 'string' ? new TextEncoder().encode(text) : text,
    });
  }

  /**
   * Runs `command` through the command channel (not the console's shell). Rejects with code
   * `timeout` after `timeout` ms (default 60 s), when the guest kills the command if it runs.
   */
  exec(
    command: string,
    options: { timeout?: number; maxOutput?: number } = {},
  ): Promise<CommandResult> {
    const id = this.nextExec++;
    return this.request<CommandResult>(
      'exec',
      { type: 'exec', id, command, maxOutput: options.maxOutput },
      (event) => {
        if (event.type === 'exec-result' && event.id === id) return { value: event.result };
        if (event.type === 'exec-error' && event.id === id)
          return { error: Object.assign(new Error(event.message), { code: event.code }) };
      },
      { type: 'exec-cancel', id },
      options.timeout,
    );
  }

  /**
   * Writes `data` to the guest's `path` (relative to /root), whole or not at all; resolves with
   * the absolute path. Rejects with the file's code (guest-files.ts), or `timeout` after
   * `timeout` ms (default 60 s), when a write not finished is given up and not kept.
   */
  writeFile(path: string, data: Uint8Array, options: { timeout?: number } = {}): Promise<string> {
    // A copy of its own, handed over whole (the caller's may be a view of a larger or pooled buffer).
    const bytes = new Uint8Array(data);
    const id = this.nextFile++;
    return this.request(
      'writeFile',
      { type: 'write-file', id, path, data: bytes },
      (event) =>
        event.type === 'file-written' && event.id === id
          ? { value: event.path }
          : fileError(event, id),
      { type: 'file-cancel', id },
      options.timeout,
      [bytes.buffer],
    );
  }

  /** The bytes of the guest's file `path` (relative to /root); rejects like writeFile. */
  readFile(path: string, options: { timeout?: number } = {}): Promise<Uint8Array> {
    const id = this.nextFile++;
    return this.request(
      'readFile',
      { type: 'read-file', id, path },
      (event) =>
        event.type === 'file-read' && event.id === id
          ? { value: event.data }
          : fileError(event, id),
      { type: 'file-cancel', id },
      options.timeout,
    );
  }

  /**
   * Posts `request` and waits for its answer (`answer` turns the request's own events into a
   * value or an error, and others into undefined), the machine's end, or `timeout` ms (default
   * 60 s), when `cancel` is posted and the promise rejects with code `timeout`.
   */
  private request<T>(
    what: string,
    request: ThreadRequest,
    answer: (event: ThreadEvent) => { value: T } | { error: Error } | undefined,
    cancel: ThreadRequest,
    timeout = 60_000,
    transfer: ArrayBuffer[] = [],
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const done = () => {
        clearTimeout(timer);
        off();
      };
      const timer = setTimeout(() => {
        done();
        this.post(cancel);
        const error = new Error(`${what}: no answer from the guest within ${timeout} ms`);
        reject(Object.assign(error, { code: 'timeout' }));
      }, timeout);
      const off = this.on((event) => {
        const answered = answer(event);
        if (answered) {
          done();
          if ('value' in answered) resolve(answered.value);
          else reject(answered.error);
        } else if (event.type === 'exit' || event.type === 'error') {
          // (An error: e.g. a snapshot's RAM chunk the machine could not have.)
          done();
          reject(stoppedError(event));
        }
      });
      this.worker.postMessage(request, transfer);
    });
  }

  /** Instructions retired so far. */
  stats(): Promise<bigint> {
    return new Promise((resolve) => {
      const off = this.on((event) => {
        if (event.type === 'stats' || event.type === 'exit') {
          off();
          resolve(event.instructions);
        }
      });
      this.post({ type: 'stats' });
    });
  }

  /** The machine's figures: instructions, fetches, idleness, the restore's working set. */
  status(): Promise<Extract<ThreadEvent, { type: 'stats' }>> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const off = this.on((event) => {
        if (event.type === 'stats') {
          off();
          resolve(event);
        } else if (event.type === 'exit' || event.type === 'error') {
          off();
          reject(stoppedError(event));
        }
      });
      this.post({ type: 'stats' });
    });
  }

  /** Disk chunks the machine has fetched (blobs, and bytes as stored). */
  fetched(): Promise<FetchStats> {
    return new Promise((resolve) => {
      const off = this.on((event) => {
        if (event.type === 'stats') {
          off();
          resolve(event.fetched);
        }
      });
      this.post({ type: 'stats' });
    });
  }

  /** A snapshot of the running machine, taken in the worker. */
  save(): Promise<{ snapshot: SnapshotManifest; blobs: Map<string, Uint8Array> }> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const off = this.on((event) => {
        if (event.type === 'saved') {
          off();
          resolve({ snapshot: event.snapshot, blobs: new Map(event.blobs) });
        } else if (event.type === 'save-error') {
          off();
          reject(Object.assign(new Error(event.message), { code: event.code }));
        } else if (event.type === 'exit' || event.type === 'error') {
          off();
          reject(stoppedError(event));
        }
      });
      this.post({ type: 'save' });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A file request's error event, as the error its promise rejects with (undefined otherwise). */
function fileError(event: ThreadEvent, id: number): { error: Error } | undefined {
  if (event.type === 'file-error' && event.id === id)
    return { error: Object.assign(new Error(event.message), { code: event.code }) };
}
