// Fetching blobs (docs/image-format.md): a bounded number of requests at a time, retries with
// backoff, and no byte handed out before it is decompressed, measured and hashed. The same code
// runs in the browser Worker (fetch over HTTP, through the service worker when there is one) and
// in Node (where `fetch` also reads file: URLs, see node/file-fetch.ts).
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DEFAULT_TIMEOUTS,
  type FetchFunction,
  type FetchTimeouts,
  blobTooLarge,
  compressedCap,
  concat,
  fetchBody,
} from './bounded-fetch.js';
import { ImageError, type ImageErrorCode } from './image-error.js';
import type { BlobRef } from './manifest.js';

export type { FetchFunction, FetchTimeouts };

export interface BlobFetcherOptions {
  fetch?: FetchFunction;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Attempts after the first, for errors that may pass (network, 5xx, a cut-off body). */
  retries?: number;
  /** Delay before the first retry; doubled for each next one. */
  backoffMs?: number;
  /** How long a request may wait for its answer, and its body for the next byte (15 s each). */
  timeouts?: Partial<FetchTimeouts>;
  /** The gunzip of a blob's body (default: gunzip() below; Node passes its zlib's). */
  inflate?: Inflate;
}

/**
 * Inflates a blob's body as gunzip() does: the bytes as they are when they are not gzip, at most
 * `maxSize` bytes out (`chunk-too-large`), and a stream that ends early `chunk-truncated`.
 */
export type Inflate = (data: Uint8Array, url: URL, maxSize: number) => Promise<Uint8Array>;

export interface FetchStats {
  /** Blobs fetched and verified. */
  blobs: number;
  /** Bytes received (compressed, as transferred or read from a cache). */
  bytes: number;
}

/**
 * Lower-case hex SHA-256: Web Crypto where there is one; a page on plain http:// other than
 * localhost is not a secure context and has no `crypto.subtle` (W3C Secure Contexts, and Web
 * Crypto's [SecureContext] attribute), so there @noble/hashes computes it.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle
    ? new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
    : sha256(data);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Was `url` on another origin than this page or worker (so a refusal may be CORS)? */
function crossOrigin(url: URL): boolean {
  const here = (globalThis as { location?: Location }).location;
  return !!here && url.protocol.startsWith('http') && url.origin !== here.origin;
}

/** An error for a fetch() that threw: the network, or a cross-origin server without CORS. */
export function unreachable(url: URL, what: string, cause: unknown): ImageError {
  return crossOrigin(url)
    ? new ImageError(
        'cors-refused',
        `the ${what} at ${url.href} could not be read: its server, on another origin, did not allow this page (no Access-Control-Allow-Origin header) or could not be reached`,
      )
    : new ImageError(
        'network-error',
        `the ${what} at ${url.href} could not be fetched: ${(cause as Error)?.message ?? cause}; the network may be down`,
      );
}

/** An error for an HTTP status that is not OK. */
export function httpError(url: URL, what: string, status: number, notFound: ImageErrorCode) {
  return status === 404 || status === 410
    ? new ImageError(notFound, `the ${what} at ${url.href} does not exist (HTTP ${status})`)
    : new ImageError('server-error', `the server of ${url.href} answered HTTP ${status}`);
}

/** Input fed to the inflater at a time: deflate expands at most ~1032:1, so ≤ 17 MiB out per piece. */
const INFLATE_PIECE = 16 * 1024;

/**
 * gunzip with the platform's DecompressionStream, as a stream that stops as soon as the output
 * passes `maxSize` (`chunk-too-large`: a small file may inflate to gigabytes); a stream that ends
 * early is truncated. (Also used by the service worker, which checks a blob's hash before it
 * caches it.)
 */
export async function gunzip(data: Uint8Array, url: URL, maxSize = Infinity): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  await gunzipEach(data, url, maxSize, (part) => {
    parts.push(part);
    length += part.length;
  });
  return concat(parts, length);
}

/**
 * gunzip as gunzip() does, handing each piece of output to `onPiece` as it comes instead of
 * keeping it: what hashes a blob without holding it (the service worker), or parses a stream
 * as it inflates (a snapshot bundle). The next piece waits for the promise `onPiece` returns, if
 * any; if it throws, the inflation stops there (an ImageError is passed on as it is).
 */
export async function gunzipEach(
  data: Uint8Array,
  url: URL,
  maxSize: number,
  onPiece: (piece: Uint8Array) => unknown,
): Promise<void> {
  if (!isGzip(data, url, maxSize)) {
    await onPiece(data);
    return;
  }
  const inflater = new DecompressionStream('gzip');
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  // Small pieces, each written once the inflater has taken the last: the output waiting to be
  // read stays small however far the input would inflate.
  const feeding = (async () => {
    for (let at = 0; at < data.length; at += INFLATE_PIECE)
      await writer.write(data.subarray(at, at + INFLATE_PIECE) as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure is seen by the reader
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxSize) throw blobTooLarge(url, 'image file', maxSize);
      await onPiece(value);
    }
    await feeding;
  } catch (error) {
    await reader.cancel().catch(() => {});
    await writer.abort().catch(() => {});
    if (error instanceof ImageError) throw error;
    throw incompleteGzip(url, error);
  }
}

/**
 * Whether `data` is a gzip stream. A server that sent the file with Content-Encoding: gzip has
 * had it decoded already: then it is taken as it is, if it is no larger than `maxSize`.
 */
export function isGzip(data: Uint8Array, url: URL, maxSize: number): boolean {
  if (data[0] === 0x1f && data[1] === 0x8b) return true;
  if (data.length > maxSize) throw blobTooLarge(url, 'image file', maxSize);
  return false;
}

/** The error for a gzip stream the inflater could not finish. */
export function incompleteGzip(url: URL, error: unknown): ImageError {
  return new ImageError(
    'chunk-truncated',
    `${url.href} is not a complete gzip stream (${(error as Error).message}): the download was cut off or the file is damaged`,
  );
}

/** Whether a failure may go away on its own (worth a retry). */
function transient(error: unknown): boolean {
  return (
    !(error instanceof ImageError) ||
    !['chunk-not-found', 'quota-exceeded', 'chunk-too-large'].includes(error.code)
  );
}

export class BlobFetcher {
  readonly stats: FetchStats = { blobs: 0, bytes: 0 };
  private readonly fetch: FetchFunction;
  private readonly inflate: Inflate;
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  /** Public so that a Worker can set them when its boot message arrives. */
  timeouts: FetchTimeouts;
  private active = 0;
  /** Fetches waiting for a slot, by the blob they fetch, in the order they go. */
  private readonly queue: { sha256: string; go: () => void }[] = [];
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();

  constructor(options: BlobFetcherOptions = {}) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.inflate = options.inflate ?? gunzip;
    this.concurrency = options.concurrency ?? 6;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 200;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /**
   * The verified content of blob `ref`, stored at `url`. Concurrent calls for one blob share a
   * fetch. An `urgent` blob (the guest is stopped waiting for it) goes before every queued one,
   * even if it was queued earlier as a prefetch.
   */
  get(url: URL, ref: BlobRef, options: { urgent?: boolean } = {}): Promise<Uint8Array> {
    let pending = this.inFlight.get(ref.sha256);
    if (!pending) {
      pending = this.withRetries(url, ref, options.urgent ?? false).finally(() =>
        this.inFlight.delete(ref.sha256),
      );
      this.inFlight.set(ref.sha256, pending);
    } else if (options.urgent) {
      const at = this.queue.findIndex((waiting) => waiting.sha256 === ref.sha256);
      if (at > 0) this.queue.unshift(...this.queue.splice(at, 1));
    }
    return pending;
  }

  private async withRetries(url: URL, ref: BlobRef, urgent: boolean): Promise<Uint8Array> {
    for (let attempt = 0; ; attempt++) {
      try {
        // After a bad body, ask past any HTTP cache that may hold the bad copy.
        return await this.slot(ref.sha256, urgent, () =>
          this.once(url, ref, attempt > 0 ? 'reload' : 'default'),
        );
      } catch (error) {
        if (attempt >= this.retries || !transient(error)) throw error;
        await sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }

  /** Runs `task` when fewer than `concurrency` tasks are running. */
  private async slot<T>(sha256: string, urgent: boolean, task: () => Promise<T>): Promise<T> {
    // A freed slot passes straight to the next waiter (`active` unchanged), so a call arriving
    // before that waiter resumes cannot take it too.
    if (this.active < this.concurrency) this.active++;
    else
      await new Promise<void>((go) =>
        urgent ? this.queue.unshift({ sha256, go }) : this.queue.push({ sha256, go }),
      );
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next.go();
      else this.active--;
    }
  }

  private async once(url: URL, ref: BlobRef, cache: RequestCache): Promise<Uint8Array> {
    const body = await fetchBody(
      this.fetch,
      url,
      { cache },
      {
        what: 'image file',
        timeouts: this.timeouts,
        maxBytes: compressedCap(ref.size),
        unreachable: (error) => unreachable(url, 'image file', error),
        check: (response) => {
          if (!response.ok) throw httpError(url, 'image file', response.status, 'chunk-not-found');
        },
      },
    );
    this.stats.bytes += body.length;
    const data = await this.inflate(body, url, ref.size);
    if (data.length < ref.size)
      throw new ImageError(
        'chunk-truncated',
        `${url.href} holds ${data.length} bytes, ${ref.size} expected: the file is cut short`,
      );
    const hash =
      data.length === ref.size ? await sha256Hex(data) : `not that (${data.length} bytes)`;
    if (hash !== ref.sha256)
      throw new ImageError(
        'chunk-hash-mismatch',
        `${url.href} is corrupt: its content hashes to ${hash}, not ${ref.sha256}; it was refused`,
      );
    this.stats.blobs++;
    return data;
  }
}
