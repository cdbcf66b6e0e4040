// The host end of the command channel: requests to the image's agent on hvc1 and its replies
// (see src/images/guest/lt-agent.c).
//   hello    "lt-agent ready 2\n"                    once, when the agent has hvc1 open; the first
//                                                    agent said "lt-agent ready" (exec only)
//   exec     "<id> <output limit> <command, base64>\n"
//   cancel   "<id> kill\n"
//   put      "<id> put <size> <path, base64>\n", <size> bytes, then "<id> end\n" (or "<id> kill\n"
//            when the write was given up while its bytes were going out)
//   get      "<id> get <path, base64>\n"
//   cwd      "<id> cwd\n"
//   reply    "<id> <status> <length>\n" and <length> bytes, as they are
// Linux drops input for a virtio console port that no process has open, so requests wait here
// until the hello. One request is in the guest at a time: the next goes when the reply has come
// (or a cancelled one was given up on), so a stuck or cancelled command never stalls the rest
// and replies never interleave. Replies are collected as they stream in, up to a limit.
//
// What goes to the agent passes through one queue of bytes (the outbox), fed to hvc1's input
// only as fast as the console takes it (its queue holds 4 MiB: a 50 MB put goes out in steps as
// the guest reads), and always whole and in order: a request given up while its bytes are going
// out still sends them all, so the agent reads the next request from its start.
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

/** A file request's answer, as the agent gave it (guest-files.ts gives it meaning). */
export interface AgentReply {
  /** 0, or the agent's FILE_* status (an errno value where there is one). */
  status: number;
  /** The bytes that came with it (a file, a path, or a message), up to the request's limit. */
  body: Uint8Array;
  /** How many bytes the agent said it sends: more than `body` holds when they were not kept. */
  length: number;
}

export interface FileRequestOptions {
  /** Aborting gives the request up: dropped if not started; a put's bytes are then not kept. */
  signal?: AbortSignal;
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
/** The agent's protocol that has file requests (put, get, cwd). */
export const FILES_PROTOCOL = 2;
/**
 * How often bytes waiting in the outbox are offered again while the console's input is full:
 * the console holds 4 MiB, which the guest reads in no less than tens of milliseconds, so it
 * never runs dry between two offers.
 */
export const FEED_INTERVAL_MS = 5;

/**
 * A request the channel refused (`busy`, `command-too-large`, `agent-too-old`: the image's agent
 * predates file requests) or gave up (`cancelled`).
 */
export class CommandError extends Error {
  constructor(
    readonly code: 'busy' | 'command-too-large' | 'cancelled' | 'agent-too-old',
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * What the channel keeps across a saved machine. Requests are promises of the page's code and
 * cannot be saved: a channel saves only when no request is queued, running or still being sent.
 */
export interface CommandChannelState {
  /** The agent said hello: requests may go at once. */
  agentReady: boolean;
  /**
   * The protocol of the agent's hello: 1 (exec only), 2 (files too). States saved before the
   * field existed are of version-1 agents, and are restored as such.
   */
  agentVersion: number;
  /** The next request's number (ids are not reused, so a late reply cannot match a new one). */
  next: number;
  /** The start of a line not ended yet (a hello or noise cut by the save), as Latin-1. */
  partialLine: string;
  /** That line is already too long to be a header and is being read past. */
  skipping: boolean;
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;
const HELLO = /^lt-agent ready(?: ([1-9]\d{0,5}))?$/;
/** A reply's header line (or the hello) fits in this many bytes; longer is not one. */
const MAX_HEADER = 64;
/** The highest protocol number a saved state may hold. */
const MAX_AGENT_VERSION = 999_999;

/** maxOutput as a whole number of bytes the agent can read (no NaN, Infinity or negatives). */
function outputLimit(maxOutput = DEFAULT_MAX_OUTPUT): number {
  if (Number.isNaN(maxOutput)) return DEFAULT_MAX_OUTPUT;
  return Math.min(MAX_OUTPUT_LIMIT, Math.max(0, Math.floor(maxOutput)));
}

/** Bytes for the outbox, or a line decided only when its turn comes (a put's end or kill). */
type Outgoing = Uint8Array | (() => Uint8Array);

interface Request {
  id: string;
  /** What goes to the agent: the request's line, and for a put its bytes and its end. */
  outgoing: Outgoing[];
  /** Reply bytes kept, at most. */
  keep: number;
  /** A reply longer than `keep` is cut there (an exec's output); otherwise none of it is kept. */
  cut: boolean;
  /** The agent's protocol the request needs. */
  version: number;
  settle: (status: number, body: Uint8Array, length: number) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  cancelled?: boolean;
  /** A running exec is cancelled by a kill line; file requests are not (see cancel). */
  killable: boolean;
}

export class CommandChannel {
  private next = 1;
  private agentReady = false;
  private agentVersion = 1;
  private readonly queue: Request[] = [];
  /** The request the guest has, if any. */
  private running?: Request;
  private graceTimer?: ReturnType<typeof setTimeout>;
  /** Bytes for hvc1 the console has not taken yet, oldest first. */
  private readonly outbox: Outgoing[] = [];
  private feedTimer?: ReturnType<typeof setTimeout>;
  // The reply being read: its header line, then its bytes (kept only for the running request).
  private header: number[] = [];
  private skipping = false; // a line that is not a header, up to its newline
  private body?: {
    request?: Request;
    status: number;
    left: number;
    length: number;
    bytes: ReplyBuffer;
  };

  /**
   * `send` passes bytes to hvc1 (VirtMachine.sendCommand); `room` says how many it takes now
   * (VirtMachine.commandRoom), by default all.
   */
  constructor(
    private readonly send: (data: Uint8Array) => unknown,
    private readonly room: () => number = () => Infinity,
  ) {}

  /** The protocol of the agent's hello (1 until it has said otherwise). */
  get protocol(): number {
    return this.agentVersion;
  }

  /** Runs `command` in the guest; resolves with its exit status and output. */
  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    const maxOutput = outputLimit(options.maxOutput);
    const id = `c${this.next++}`;
    const line = encoder.encode(`${id} ${maxOutput} ${toBase64(encoder.encode(command))}\n`);
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    if (line.length > MAX_REQUEST_BYTES)
      return Promise.reject(
        new CommandError(
          'command-too-large',
          `exec: the command is ${line.length} bytes encoded, more than ${MAX_REQUEST_BYTES}; put large data in a file with <linux-file>, or send it in parts`,
        ),
      );
    return new Promise((resolve, reject) =>
      this.enqueue(
        {
          id,
          outgoing: [line],
          // One byte past the limit tells a cut output from one that fits exactly.
          keep: maxOutput + 1,
          cut: true,
          version: 1,
          killable: true,
          reject,
          settle: (exitCode, body, length) => {
            const truncated = length > maxOutput;
            resolve({
              exitCode,
              output: new TextDecoder().decode(truncated ? body.subarray(0, maxOutput) : body),
              truncated,
            });
          },
        },
        options.signal,
      ),
    );
  }

  /**
   * Writes `data` to the guest's `path` (absolute): resolves with the agent's reply, status 0
   * once the file is whole on the guest's disk.
   */
  put(path: string, data: Uint8Array, options: FileRequestOptions = {}): Promise<AgentReply> {
    const id = `c${this.next++}`;
    return this.fileRequest(id, options, (request) => [
      encoder.encode(`${id} put ${data.length} ${toBase64(encoder.encode(path))}\n`),
      data,
      // Decided when the bytes have gone: a write given up meanwhile is not kept.
      () => encoder.encode(`${id} ${request.cancelled ? 'kill' : 'end'}\n`),
    ]);
  }

  /** Reads the guest's file `path` (absolute); one over `maxBytes` is read past, not kept. */
  get(path: string, maxBytes: number, options: FileRequestOptions = {}): Promise<AgentReply> {
    const id = `c${this.next++}`;
    return this.fileRequest(
      id,
      options,
      () => [encoder.encode(`${id} get ${toBase64(encoder.encode(path))}\n`)],
      maxBytes,
    );
  }

  /** The working folder of the shell on the guest's console (the agent says /root if none). */
  cwd(options: FileRequestOptions = {}): Promise<AgentReply> {
    const id = `c${this.next++}`;
    return this.fileRequest(id, options, () => [encoder.encode(`${id} cwd\n`)]);
  }

  /**
   * A request of the files protocol, resolved with the agent's reply; `keep` bytes of it are
   * kept (by default enough for a message or a path).
   */
  private fileRequest(
    id: string,
    options: FileRequestOptions,
    outgoing: (request: Request) => Outgoing[],
    keep = 64 << 10,
  ): Promise<AgentReply> {
    return new Promise((resolve, reject) => {
      const request: Request = {
        id,
        outgoing: [],
        keep,
        cut: false,
        version: FILES_PROTOCOL,
        killable: false,
        reject,
        settle: (status, body, length) => resolve({ status, body, length }),
      };
      request.outgoing = outgoing(request);
      this.enqueue(request, options.signal);
    });
  }

  private enqueue(request: Request, signal: AbortSignal | undefined): void {
    if (signal?.aborted) return request.reject(signal.reason);
    if (this.queue.length >= MAX_QUEUED)
      return request.reject(
        new CommandError(
          'busy',
          `exec: ${MAX_QUEUED} requests are already waiting; await some before sending more`,
        ),
      );
    if (signal) {
      request.signal = signal;
      request.onAbort = () => this.cancel(request);
      signal.addEventListener('abort', request.onAbort, { once: true });
    }
    this.queue.push(request);
    this.pump();
  }

  /** Bytes from the agent. */
  receive(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const body = this.body;
      if (body) {
        const take = Math.min(body.left, data.length - at);
        if (body.request) body.bytes.push(data.subarray(at, at + take));
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

  /**
   * Whether a request is queued or running (or its reply still arriving, or its bytes still
   * going out): saveState refuses.
   */
  get busy(): boolean {
    return (
      this.queue.length > 0 ||
      this.running !== undefined ||
      this.body !== undefined ||
      this.outbox.length > 0
    );
  }

  saveState(): CommandChannelState {
    if (this.busy)
      throw new CommandError(
        'busy',
        'exec: a command or file transfer is queued or running; save the machine when every exec(), writeFile() and readFile() has settled',
      );
    return {
      agentReady: this.agentReady,
      agentVersion: this.agentVersion,
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
    const agentVersion = r.has('agentVersion')
      ? r.integer('agentVersion', 1, MAX_AGENT_VERSION)
      : 1;
    const next = r.integer('next', 1, Number.MAX_SAFE_INTEGER);
    const partialLine = r.string('partialLine', MAX_HEADER);
    const skipping = r.boolean('skipping');
    if (this.running || this.body || this.outbox.length > 0)
      throw new CommandError('busy', 'exec: cannot restore the channel while a command runs');
    this.agentReady = agentReady;
    this.agentVersion = agentVersion;
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
    const hello = HELLO.exec(line);
    if (hello) {
      this.agentReady = true;
      this.agentVersion = Number(hello[1] ?? 1);
      this.pump();
      return;
    }
    const m = /^(\S+) (\d+) (\d+)$/.exec(line);
    if (!m) return;
    // A reply to a request given up on is read past, not kept.
    const request = this.running?.id === m[1] ? this.running : undefined;
    const length = Number(m[3]);
    let keep = 0;
    if (request) keep = length <= request.keep ? length : request.cut ? request.keep : 0;
    const bytes = new ReplyBuffer(keep);
    this.body = { request, status: Number(m[2]), left: length, length, bytes };
    if (length === 0) this.endReply(this.body);
  }

  private endReply(body: NonNullable<CommandChannel['body']>): void {
    this.body = undefined;
    const { request, status, length, bytes } = body;
    if (!request) return;
    this.finish(request);
    if (request.cancelled) return;
    request.settle(status, bytes.bytes(), length);
  }

  /** Sends the next request when the guest has none. */
  private pump(): void {
    while (this.agentReady && !this.running) {
      const request = this.queue.shift();
      if (!request) return;
      if (request.version > this.agentVersion) {
        if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
        request.reject(
          new CommandError(
            'agent-too-old',
            `The image's guest agent (/sbin/lt-agent) speaks protocol ${this.agentVersion}, and files need protocol ${request.version}: rebuild the image with this version of linux-terminal (npm run images:build), or use exec() meanwhile.`,
          ),
        );
        continue;
      }
      this.running = request;
      this.write(request.outgoing);
      request.outgoing = [];
    }
  }

  /** Queues bytes for hvc1 behind those already waiting. */
  private write(parts: Outgoing[]): void {
    this.outbox.push(...parts);
    this.feed();
  }

  /** Hands the console as much of the outbox as it takes; the rest is offered again shortly. */
  private readonly feed = (): void => {
    clearTimeout(this.feedTimer);
    this.feedTimer = undefined;
    while (this.outbox.length > 0) {
      const room = this.room();
      if (room <= 0) break;
      const first = this.outbox[0];
      const part = typeof first === 'function' ? first() : first;
      const take = Math.min(room, part.length);
      if (take > 0) this.send(take === part.length ? part : part.subarray(0, take));
      if (take === part.length) this.outbox.shift();
      else this.outbox[0] = part.subarray(take);
    }
    if (this.outbox.length > 0) this.feedTimer = setTimeout(this.feed, FEED_INTERVAL_MS);
  };

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
    // A command: the agent kills its process group and replies. A put whose bytes are still
    // going out ends with a kill instead of its end (its outgoing line reads `cancelled`), and
    // the agent drops them; other file requests finish quickly, and their reply is read past.
    // If even that reply does not come, the channel moves on and ignores it when it does (its id
    // is no longer the running one).
    if (request.killable) this.write([encoder.encode(`${request.id} kill\n`)]);
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

/**
 * A reply's bytes as they arrive, kept up to the size set when its header came (the rest only
 * counted). One buffer of that size: a 50 MB file is copied into it once, not gathered in pieces.
 * A size the host cannot allocate keeps nothing (the reader sees body shorter than length).
 */
class ReplyBuffer {
  private buffer: Uint8Array;
  private kept = 0;

  constructor(limit: number) {
    try {
      this.buffer = new Uint8Array(limit);
    } catch {
      this.buffer = new Uint8Array(0); // RangeError: no memory for it here
    }
  }

  push(data: Uint8Array): void {
    const take = Math.min(data.length, this.buffer.length - this.kept);
    this.buffer.set(take === data.length ? data : data.subarray(0, take), this.kept);
    this.kept += take;
  }

  bytes(): Uint8Array {
    return this.kept === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.kept);
  }
}
