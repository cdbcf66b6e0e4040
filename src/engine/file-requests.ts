// writeFile() and readFile() requests arriving by message (from the element in a browser Worker,
// from MachineThread in Node), each answered once by message: run through the host's files,
// cancellable by id.
import { FileError, type RelativeTo } from './guest-files.js';
import type { MachineHost } from './machine-host.js';

/** A file request by message: the same shapes in the browser's Worker and Node's thread. */
export type FileRequest =
  /**
   * Writes `data` (transferred) to the guest's `path`, whole or not at all; a relative path starts
   * at /root, or with `relativeTo: 'shell'` at the console shell's working folder. Answered by
   * `file-written` or `file-error`, same `id`.
   */
  | {
      type: 'write-file';
      id: number;
      path: string;
      data: Uint8Array<ArrayBuffer>;
      relativeTo?: RelativeTo;
    }
  /** Reads the guest's file `path`: answered by `file-read` or `file-error`, same `id`. */
  | { type: 'read-file'; id: number; path: string }
  /** Gives up file request `id` (its timeout passed): a write not finished is not kept. */
  | { type: 'file-cancel'; id: number };

/** The answer to a file request, once per `id`. */
export type FileAnswer =
  /** Answer to `write-file`: the file is whole in the guest at `path` (absolute). */
  | { type: 'file-written'; id: number; path: string }
  /** Answer to `read-file`: the file's bytes, the whole of their buffer (transferred). */
  | { type: 'file-read'; id: number; data: Uint8Array<ArrayBuffer> }
  /** A file request failed: `code` is a FileErrorCode (guest-files.ts). */
  | { type: 'file-error'; id: number; code: string; message: string };

/** Sends an answer, handing over `transfer` (a read's buffer). */
export type PostFileAnswer = (answer: FileAnswer, transfer: ArrayBuffer[]) => void;

export class FileRequests {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly host: Pick<MachineHost, 'writeFile' | 'readFile'>,
    private readonly post: PostFileAnswer,
  ) {}

  /** Starts, or cancels, what `request` asks. */
  handle(request: FileRequest): void {
    if (request.type === 'write-file')
      this.write(request.id, request.path, request.data, request.relativeTo);
    else if (request.type === 'read-file') this.read(request.id, request.path);
    else this.cancel(request.id);
  }

  private write(id: number, path: string, data: Uint8Array, relativeTo?: RelativeTo): void {
    this.track(
      id,
      (signal) => this.host.writeFile(path, data, { signal, relativeTo }),
      (path) => this.post({ type: 'file-written', id, path }, []),
    );
  }

  private read(id: number, path: string): void {
    this.track(
      id,
      (signal) => this.host.readFile(path, { signal }),
      // The reply's own buffer, of the file's size (command-channel.ts ReplyBuffer); a view
      // of a larger one would hand over more than the file.
      (data) => {
        const whole = (
          data.byteLength === data.buffer.byteLength ? data : data.slice()
        ) as Uint8Array<ArrayBuffer>;
        this.post({ type: 'file-read', id, data: whole }, [whole.buffer]);
      },
    );
  }

  /** The requester gave `id` up (its timeout passed): a write not done yet is not kept. */
  private cancel(id: number): void {
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
        const { code, message } =
          error instanceof FileError
            ? error
            : {
                code: 'file-error',
                message: `The file could not be transferred: ${(error as Error)?.message ?? error}; try again.`,
              };
        this.post({ type: 'file-error', id, code, message }, []);
      })
      .finally(() => this.running.delete(id));
  }
}
