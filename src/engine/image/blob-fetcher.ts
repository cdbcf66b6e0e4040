// Fetching blobs (docs/image-format.md): a bounded number of requests at a time, retries with
// backoff, and no byte handed out before it is decompressed, measured and hashed. The same code
// runs in the browser Worker (fetch over HTTP, through the service worker when there is one) and
// in Node (where `fetch` also reads file: URLs, see node/file-fetch.ts).
import { ImageError, type ImageErrorCode } from './image-error.js';
import type { BlobRef } from './manifest.js';

export type FetchFunction = (url: URL, init?: RequestInit) => Promise<Response>;

export interface BlobFetcherOptions {
  fetch?: FetchFunction;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Attempts after the first, for errors that may pass (network, 5xx, a cut-off body). */
  retries?: number;
  /** Delay before the first retry; doubled for each next one. */
  backoffMs?: number;
}

export interface FetchStats {
  /** Blobs fetched and verified. */
  blobs: number;
  /** Bytes received (compressed, as transferred or read from a cache). */
  bytes: number;
}

/** Lower-case hex SHA-256 (Web Crypto: the same in browsers and Node). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>),
  );
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

/**
 * gunzip with the platform's DecompressionStream; a stream that ends early is truncated. (Also
 * used by the service worker, which checks a blob's hash before it caches it.)
 */
export async function gunzip(data: Uint8Array, url: URL): Promise<Uint8Array> {
  // A server that sent the file with Content-Encoding: gzip has had it decoded already.
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
  try {
    const stream = new Blob([data as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new ImageError(
      'chunk-truncated',
      `${url.href} is not a complete gzip stream (${(error as Error).message}): the download was cut off or the file is damaged`,
    );
  }
}

/** Whether a failure may go away on its own (worth a retry). */
function transient(error: unknown): boolean {
  return (
    !(error instanceof ImageError) || !['chunk-not-found', 'quota-exceeded'].includes(error.code)
  );
}

export class BlobFetcher {
  readonly stats: FetchStats = { blobs: 0, bytes: 0 };
  private readonly fetch: FetchFunction;
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();

  constructor(options: BlobFetcherOptions = {}) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.concurrency = options.concurrency ?? 6;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 200;
  }

  /** The verified content of blob `ref`, stored at `url`. Concurrent calls for one blob share a fetch. */
  get(url: URL, ref: BlobRef): Promise<Uint8Array> {
    let pending = this.inFlight.get(ref.sha256);
    if (!pending) {
      pending = this.withRetries(url, ref).finally(() => this.inFlight.delete(ref.sha256));
      this.inFlight.set(ref.sha256, pending);
    }
    return pending;
  }

  private async withRetries(url: URL, ref: BlobRef): Promise<Uint8Array> {
    for (let attempt = 0; ; attempt++) {
      try {
        // After a bad body, ask past any HTTP cache that may hold the bad copy.
        return await this.slot(() => this.once(url, ref, attempt > 0 ? 'reload' : 'default'));
      } catch (error) {
        if (attempt >= this.retries || !transient(error)) throw error;
        await sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }

  /** Runs `task` when fewer than `concurrency` tasks are running. */
  private async slot<T>(task: () => Promise<T>): Promise<T> {
    // A freed slot passes straight to the next waiter (`active` unchanged), so a call arriving
    // before that waiter resumes cannot take it too.
    if (this.active < this.concurrency) this.active++;
    else await new Promise<void>((r) => this.queue.push(r));
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }

  private async once(url: URL, ref: BlobRef, cache: RequestCache): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.fetch(url, { cache });
    } catch (error) {
      throw unreachable(url, 'image file', error);
    }
    if (!response.ok) throw httpError(url, 'image file', response.status, 'chunk-not-found');
    let body: Uint8Array;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new ImageError(
        'chunk-truncated',
        `the download of ${url.href} broke off (${(error as Error).message})`,
      );
    }
    this.stats.bytes += body.length;
    const data = await gunzip(body, url);
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
