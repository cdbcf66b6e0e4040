// Files in and out of the guest (the element's writeFile(), readFile(), download() and drag and
// drop; the CLI's --copy-in and --copy-out), through the agent's put, get and cwd requests
// (command-channel.ts): paths resolved, sizes bounded, and the agent's statuses turned into codes
// with a sentence that says what to do.
import { type AgentReply, CommandError, type CommandChannel } from './command-channel.js';

/**
 * - `file-not-found`: the file (read), or the folder it goes in (write), does not exist
 * - `is-a-directory`: the path is a folder
 * - `not-a-file`: the path is a device, FIFO or socket
 * - `no-space`: the guest's disk has no room for the file (nothing was written)
 * - `permission-denied`: the guest does not allow it (a read-only file system...)
 * - `file-too-large`: more than MAX_FILE_BYTES, or more than the host can hold in memory
 * - `bad-path`: an empty path, one with a NUL character, or one longer than MAX_PATH_BYTES
 * - `agent-too-old`: the image's agent predates file requests: the image must be rebuilt
 * - `busy`: too many requests are waiting already
 * - `file-error`: anything else the guest reported (its message is part of ours)
 */
export type FileErrorCode =
  | 'file-not-found'
  | 'is-a-directory'
  | 'not-a-file'
  | 'no-space'
  | 'permission-denied'
  | 'file-too-large'
  | 'bad-path'
  | 'agent-too-old'
  | 'busy'
  | 'file-error';

export class FileError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

/** The largest file a write carries or a read brings back: 2 GiB. */
export const MAX_FILE_BYTES = 2 ** 31;
/** The longest path, in UTF-8 bytes (Linux's PATH_MAX, with its NUL). */
export const MAX_PATH_BYTES = 4095;
/** Where relative paths start: the guest's home folder, where exec() runs too. */
export const HOME = '/root';

/**
 * How long a file request may take by default: 2 minutes, plus 1 s per MB written (a guest takes
 * a put at several MB/s, a get faster still).
 */
export function defaultFileTimeout(bytesWritten = 0): number {
  return 120_000 + Math.ceil(bytesWritten / 1000);
}

/** What writeFile() takes a relative path from: HOME, or the console shell's working folder. */
export type RelativeTo = 'home' | 'shell';

export interface FileOptions {
  /** Aborting gives the request up; a write given up is not kept in the guest. */
  signal?: AbortSignal;
}

// The agent's statuses (src/images/guest/lt-agent.c, FILE_*).
const NOT_FOUND = 2;
const NOT_ALLOWED = 13;
const IS_FOLDER = 21;
const NOT_REGULAR = 22;
const NO_ROOM = 28;

const encoder = new TextEncoder();

/** `bytes` for people: 12 KiB, 3.4 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `path` made absolute against `base` (a guest folder); throws `bad-path` for one unusable. */
export function guestPath(path: string, base = HOME): string {
  const problem =
    path === ''
      ? 'is empty'
      : path.includes('\0')
        ? 'contains a NUL character'
        : encoder.encode(path).length > MAX_PATH_BYTES
          ? `is longer than ${MAX_PATH_BYTES} bytes`
          : undefined;
  if (problem)
    throw new FileError(
      'bad-path',
      `The path ${problem}; give the path of a file in the guest, absolute or relative to ${HOME}.`,
    );
  return path.startsWith('/') ? path : `${base.replace(/\/+$/, '')}/${path}`;
}

export class GuestFiles {
  constructor(private readonly commands: CommandChannel) {}

  /**
   * Writes `data` to `path` in the guest, whole or not at all, and returns the absolute path
   * written. A relative path starts at HOME, or with `relativeTo: 'shell'` at the working folder
   * of the shell on the console (drag and drop).
   */
  async write(
    path: string,
    data: Uint8Array,
    options: FileOptions & { relativeTo?: RelativeTo } = {},
  ): Promise<string> {
    if (data.length > MAX_FILE_BYTES)
      throw new FileError(
        'file-too-large',
        `${formatBytes(data.length)} is more than the ${formatBytes(MAX_FILE_BYTES)} one write carries; split the file and join the parts in the guest (cat).`,
      );
    guestPath(path); // a bad path is refused before anything is asked of the guest
    const base =
      options.relativeTo === 'shell' && !path.startsWith('/')
        ? await this.shellDirectory(options)
        : HOME;
    const target = guestPath(path, base);
    const reply = await this.request(() => this.commands.put(target, data, options));
    if (reply.status !== 0) throw this.failure('writeFile', target, reply, data.length);
    return target;
  }

  /** The bytes of the guest's file `path` (relative to HOME). */
  async read(path: string, options: FileOptions = {}): Promise<Uint8Array> {
    const target = guestPath(path);
    const reply = await this.request(() => this.commands.get(target, MAX_FILE_BYTES, options));
    if (reply.status !== 0) throw this.failure('readFile', target, reply);
    if (reply.body.length < reply.length)
      throw new FileError(
        'file-too-large',
        reply.length > MAX_FILE_BYTES
          ? `${target} is ${formatBytes(reply.length)}, more than the ${formatBytes(MAX_FILE_BYTES)} one read brings back; read it in parts (split, or head -c, in the guest).`
          : `${target} is ${formatBytes(reply.length)}, more than this host could hold in memory; read it in parts (split, or head -c, in the guest).`,
      );
    return reply.body;
  }

  /** The working folder of the shell on the guest's console, or HOME when there is none. */
  async shellDirectory(options: FileOptions = {}): Promise<string> {
    const reply = await this.request(() => this.commands.cwd(options));
    const folder = new TextDecoder().decode(reply.body);
    return reply.status === 0 && folder.startsWith('/') ? folder : HOME;
  }

  /** The channel's refusals as file errors (a cancel stays the caller's own reason). */
  private async request(send: () => Promise<AgentReply>): Promise<AgentReply> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof CommandError && error.code !== 'cancelled')
        throw new FileError(
          error.code === 'command-too-large' ? 'file-error' : error.code,
          error.message,
        );
      throw error;
    }
  }

  /** The error for a failed reply: its code, and a sentence with the agent's own words. */
  private failure(
    operation: 'writeFile' | 'readFile',
    path: string,
    reply: AgentReply,
    size = 0,
  ): FileError {
    const said = new TextDecoder().decode(reply.body).trim() || `status ${reply.status}`;
    const writing = operation === 'writeFile';
    switch (reply.status) {
      case NOT_FOUND:
        return new FileError(
          'file-not-found',
          writing
            ? `${capitalized(said)} in the guest; create it first (mkdir -p), or write somewhere else.`
            : `${capitalized(said)} in the guest; check the path (a relative one starts at ${HOME}).`,
        );
      case IS_FOLDER:
        return new FileError(
          'is-a-directory',
          `${path} is a folder in the guest; give the path of a file${writing ? ' in it' : ''}.`,
        );
      case NOT_REGULAR:
        return new FileError(
          'not-a-file',
          `${path} is not a regular file in the guest (a device, FIFO or socket); give the path of a regular file.`,
        );
      case NO_ROOM:
        return new FileError(
          'no-space',
          `The guest's disk has no room for ${path} (${formatBytes(size)}), and nothing was written; free some space in the guest (df -h shows it), or write a smaller file.`,
        );
      case NOT_ALLOWED:
        return new FileError(
          'permission-denied',
          `The guest does not allow ${writing ? 'writing' : 'reading'} ${path} (${said}); use a folder it may ${writing ? 'write' : 'read'}, such as ${HOME} or /tmp.`,
        );
      default:
        return new FileError(
          'file-error',
          `${path} could not be ${writing ? 'written' : 'read'} in the guest (${said}); check the path, and try again.`,
        );
    }
  }
}
