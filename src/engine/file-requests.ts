// writeFile() and readFile() requests arriving by message (from the element in a browser Worker,
// from MachineThread in Node), each answered once by message: run through the host's files,
// cancellable by id.
import { FileError, type RelativeTo } from './guest-files.js';
import type { MachineHost } from './machine-host.js';

export interface FileAnswers {
  /** The file is whole in the guest, at `path` (absolute). */
  written(id: number, path: string): void;
  /** The file's bytes, the whole of their buffer: the answer may transfer it. */
  read(id: number, data: Uint8Array<ArrayBuffer>): void;
  failed(id: number, code: string, message: string): void;
}

export class FileRequests {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly host: Pick<MachineHost, 'writeFile' | 'readFile'>,
    private readonly answers: FileAnswers,
  ) {}

  write(id: number, path: string, data: Uint8Array, relativeTo?: RelativeTo): void {
    this.track(
      id,
      (signal) => this.host.writeFile(path, data, { signal, relativeTo }),
      (written) => this.answers.written(id, written),
    );
  }

  read(id: number, path: string): void {
    this.track(
      id,
      (signal) => this.host.readFile(path, { signal }),
      // The reply's own buffer, of the file's size (command-channel.ts ReplyBuffer); a view
      // of a larger one would hand over more than the file.
      (data) =>
        this.answers.read(
          id,
          (data.byteLength === data.buffer.byteLength
            ? data
            : data.slice()) as Uint8Array<ArrayBuffer>,
        ),
    );
  }

  /** The requester gave `id` up (its timeout passed): a write not done yet is not kept. */
  cancel(id: number): void {
    this.running.get(id)?.abort();
  }

  private track<T>(
    id: number,
    start: (signal: AbortSignal) => Promise<T>,
    answer: (value: T) => void,
  ): void {
    const cancel = new AbortController();
    this.running.set(id, cancel);
    start(cancel.signal)
      .then(answer, (error: unknown) => {
        // A cancel comes from the requester, which has given up (and answered its caller).
        if (cancel.signal.aborted) return;
        if (error instanceof FileError) this.answers.failed(id, error.code, error.message);
        else
          this.answers.failed(
            id,
            'file-error',
            `The file could not be transferred: ${(error as Error)?.message ?? error}; try again.`,
          );
      })
      .finally(() => this.running.delete(id));
  }
}
