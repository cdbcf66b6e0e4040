// The host end of the command channel: requests to the image's agent on hvc1 and its replies
// (see src/images/guest/lt-agent.c).
//   hello    "lt-agent ready\n"                      once, when the agent has hvc1 open
//   request  "<id> <output limit> <command, base64>\n"
//   cancel   "<id> kill\n"
//   reply    "<id> <exit status> <length>\n" and <length> bytes of output, as they are
// Linux drops input for a virtio console port that no process has open, so requests wait here
// until the hello. One request is in the guest at a time: the next goes when the reply has come
// (or a cancelled one was given up on), so a stuck or cancelled command never stalls the rest
// and replies never interleave. Output is collected as it streams in, up to the limit.
import { StateReader } from './devices/state-error.js';
import { toBase64 } from './base64.js';

export interface CommandOptions {
  /** Output bytes kept; the rest is cut and `truncated` set. Default DEFAULT_MAX_OUTPUT. */
  maxOutput?: number;
  /** Aborting cancels the command: dropped if not started, killed in the guest if running. */
  signal?: AbortSignal;
}

export interface CommandResult {
  exitCode: number;
  /** stdout and stderr, as UTF-8 text. */
  output: string;
  /** The output was longer than maxOutput and was cut there. */
  truncated: boolean;
}

/** Output kept by default: 16 MiB. */
export const DEFAULT_MAX_OUTPUT = 16 << 20;
/** The largest maxOutput: more than a guest's memory could hold. */
export const MAX_OUTPUT_LIMIT = 2 ** 31;
/** A request line is at most this long (the console holds 4 MiB of input for the guest). */
export const MAX_REQUEST_BYTES = 3 << 20;
/** exec() calls waiting for their turn, at most. */
export const MAX_QUEUED = 1024;
/** How long a killed command's reply is waited for before the channel moves on. */
export const CANCEL_GRACE_MS = 5_000;

/** A command the channel refused (`busy`, `command-too-large`) or gave up (`cancelled`). */
export class CommandError extends Error {
  constructor(
    readonly code: 'busy' | 'command-too-large' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * What the channel keeps across a saved machine. Requests are promises of the page's code and
 * cannot be saved: a channel saves only when no command is queued or running.
 */
export interface CommandChannelState {
  /** The agent said hello: requests may go at once. */
  agentReady: boolean;
  /** The next request's number (ids are not reused, so a late reply cannot match a new one). */
  next: number;
  /** The start of a line not ended yet (a hello or noise cut by the save), as Latin-1. */
  partialLine: string;
  /** That line is already too long to be a header and is being read past. */
  skipping: boolean;
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;
const HELLO = 'lt-agent ready';
/** A reply's header line (or the hello) fits in this many bytes; longer is not one. */
const MAX_HEADER = 64;

/** maxOutput as a whole number of bytes the agent can read (no NaN, Infinity or negatives). */
function outputLimit(maxOutput = DEFAULT_MAX_OUTPUT): number {
  if (Number.isNaN(maxOutput)) return DEFAULT_MAX_OUTPUT;
  return Math.min(MAX_OUTPUT_LIMIT, Math.max(0, Math.floor(maxOutput)));
}

interface Request {
  id: string;
  line: Uint8Array;
  maxOutput: number;
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  cancelled?: boolean;
}

export class CommandChannel {
  private next = 1;
  private agentReady = false;
  private readonly queue: Request[] = [];
  /** The request the guest has, if any. */
  private running?: Request;
  private graceTimer?: ReturnType<typeof setTimeout>;
  // The reply being read: its header line, then its output (kept only for the running request).
  private header: number[] = [];
  private skipping = false; // a line that is not a header, up to its newline
  private body?: { request?: Request; exitCode: number; left: number; output: OutputBuffer };

  /** `send` passes bytes to hvc1 (VirtMachine.sendCommand). */
  constructor(private readonly send: (data: Uint8Array) => unknown) {}

  /** Runs `command` in the guest; resolves with its exit status and output. */
  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    const { signal } = options;
    const maxOutput = outputLimit(options.maxOutput);
    const id = `c${this.next++}`;
    const line = encoder.encode(`${id} ${maxOutput} ${toBase64(encoder.encode(command))}\n`);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (line.length > MAX_REQUEST_BYTES)
        return reject(
          new CommandError(
            'command-too-large',
            `exec: the command is ${line.length} bytes encoded, more than ${MAX_REQUEST_BYTES}; put large data in a file with <linux-file>, or send it in parts`,
          ),
        );
      if (this.queue.length >= MAX_QUEUED)
        return reject(
          new CommandError(
            'busy',
            `exec: ${MAX_QUEUED} commands are already waiting; await some before sending more`,
          ),
        );
      const request: Request = { id, line, maxOutput, resolve, reject, signal };
      if (signal) {
        request.onAbort = () => this.cancel(request);
        signal.addEventListener('abort', request.onAbort, { once: true });
      }
      this.queue.push(request);
      this.pump();
    });
  }

  /** Bytes from the agent. */
  receive(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const body = this.body;
      if (body) {
        const take = Math.min(body.left, data.length - at);
        if (body.request) body.output.push(data.subarray(at, at + take));
        body.left -= take;
        at += take;
        if (body.left === 0) this.endReply(body);
        continue;
      }
      const byte = data[at++];
      if (byte === NEWLINE) this.endHeader();
      else if (this.skipping) continue;
      else if (this.header.length < MAX_HEADER) this.header.push(byte);
      else this.skipping = true; // too long for a header
    }
  }

  /** Whether a command is queued or running (or its reply still arriving): saveState refuses. */
  get busy(): boolean {
    return this.queue.length > 0 || this.running !== undefined || this.body !== undefined;
  }

  saveState(): CommandChannelState {
    if (this.busy)
      throw new CommandError(
        'busy',
        'exec: a command is queued or running; save the machine when every exec() has settled',
      );
    return {
      agentReady: this.agentReady,
      next: this.next,
      partialLine: String.fromCharCode(...this.header),
      skipping: this.skipping,
    };
  }

  /**
   * Takes a saved state (all checked before any is taken). Requests queued meanwhile are kept
   * and go once the agent is ready; one running or being answered makes it throw.
   */
  restoreState(state: CommandChannelState): void {
    const r = new StateReader('command-channel', state);
    const agentReady = r.boolean('agentReady');
    const next = r.integer('next', 1, Number.MAX_SAFE_INTEGER);
    const partialLine = r.string('partialLine', MAX_HEADER);
    const skipping = r.boolean('skipping');
    if (this.running || this.body)
      throw new CommandError('busy', 'exec: cannot restore the channel while a command runs');
    this.agentReady = agentReady;
    // Ids of requests queued before the restore stay unique.
    this.next = Math.max(this.next, next);
    this.header = Array.from(partialLine, (c) => c.charCodeAt(0) & 0xff);
    this.skipping = skipping;
    this.pump();
  }

  /** A line: the hello, a reply's "<id> <status> <length>", or noise. */
  private endHeader(): void {
    const line = this.skipping ? '' : String.fromCharCode(...this.header).replace(/\r$/, '');
    this.header = [];
    this.skipping = false;
    if (line === HELLO) {
      this.agentReady = true;
      this.pump();
      return;
    }
    const m = /^(\S+) (\d+) (\d+)$/.exec(line);
    if (!m) return;
    // A reply to a command given up on is read past, not kept.
    const request = this.running?.id === m[1] ? this.running : undefined;
    const left = Number(m[3]);
    // One byte past the limit tells a cut output from one that fits exactly.
    const output = new OutputBuffer(request ? Math.min(left, request.maxOutput + 1) : 0);
    this.body = { request, exitCode: Number(m[2]), left, output };
    if (left === 0) this.endReply(this.body);
  }

  private endReply(body: NonNullable<CommandChannel['body']>): void {
    this.body = undefined;
    const { request, exitCode, output } = body;
    if (!request) return;
    this.finish(request);
    if (request.cancelled) return;
    const bytes = output.bytes();
    const truncated = bytes.length > request.maxOutput || output.dropped > 0;
    request.resolve({
      exitCode,
      output: new TextDecoder().decode(truncated ? bytes.subarray(0, request.maxOutput) : bytes),
      truncated,
    });
  }

  /** Sends the next request when the guest has none. */
  private pump(): void {
    if (!this.agentReady || this.running) return;
    const request = this.queue.shift();
    if (!request) return;
    this.running = request;
    this.send(request.line);
  }

  private cancel(request: Request): void {
    if (request.cancelled) return;
    request.cancelled = true;
    request.reject(
      request.signal?.reason ?? new CommandError('cancelled', 'exec: the command was cancelled'),
    );
    const queued = this.queue.indexOf(request);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return;
    }
    if (this.running !== request) return;
    // The agent kills the command's process group and replies; if even that does not come,
    // the channel moves on and ignores the late reply (its id is no longer the running one).
    this.send(encoder.encode(`${request.id} kill\n`));
    this.graceTimer = setTimeout(() => {
      if (this.running !== request) return;
      if (this.body?.request === request) this.body.request = undefined; // read past the rest
      this.finish(request);
    }, CANCEL_GRACE_MS);
  }

  /** The running request is done with: the next one goes. */
  private finish(request: Request): void {
    if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
    if (this.running === request) {
      this.running = undefined;
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
    this.pump();
  }
}

/** Output bytes as they arrive, kept up to `limit` (the rest only counted). */
class OutputBuffer {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  push(data: Uint8Array): void {
    const take = Math.min(data.length, this.limit - this.kept);
    if (take > 0) this.chunks.push(data.slice(0, take));
    this.kept += take;
    this.dropped += data.length - take;
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.kept);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
