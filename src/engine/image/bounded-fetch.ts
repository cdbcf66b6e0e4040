// Every request for an image ends in bounded time and bounded memory: a server that accepts and
// never answers, stops sending halfway, or sends without end meets a timeout or a size cap, and
// the request is aborted (its AbortSignal) so that no socket is left open behind it.
import { ImageError } from './image-error.js';

export type FetchFunction = (url: URL, init?: RequestInit) => Promise<Response>;

export interface FetchTimeouts {
  /** Milliseconds from sending a request to its response headers (connect and first byte). */
  firstByteMs: number;
  /** Milliseconds the body may go without a byte before the transfer is given up. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: FetchTimeouts = { firstByteMs: 15_000, idleMs: 15_000 };

/** Gzip adds a header and trailer and, for data that does not shrink, 5 bytes per 64 KiB block. */
export function compressedCap(size: number): number {
  return size + Math.ceil(size / 1024) + 4096;
}

function timedOut(url: URL, what: string, ms: number, waitingFor: string): ImageError {
  return new ImageError(
    'network-timeout',
    `the ${what} at ${url.href} sent ${waitingFor} for ${ms / 1000} s: the server is stalled or the network too slow; try again later`,
  );
}

/** Resolves with `promise`, or rejects with `error()` after `ms` (and calls `onTimeout`). */
function within<T>(promise: Promise<T>, ms: number, error: () => Error, onTimeout: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Rejected before the abort: aborting rejects the pending read too, and the race must
      // settle with the timeout, not with that AbortError (which would read as a cut-off body).
      reject(error());
      onTimeout();
    }, ms);
  });
  // A fetch function that ignores its signal still cannot hold the caller past the deadline.
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * fetch() that gives up when the response headers take longer than `firstByteMs`, then reads
 * the body, giving up when no byte arrives for `idleMs` and refusing a body longer than
 * `maxBytes` (`chunk-too-large` unless `tooLarge` says otherwise). Errors of fetch() itself go to `unreachable`.
 */
export async function fetchBody(
  fetchFn: FetchFunction,
  url: URL,
  init: RequestInit,
  options: {
    what: string;
    timeouts: FetchTimeouts;
    maxBytes: number;
    unreachable: (error: unknown) => Error;
    /** Checks the response (status) before its body is read. */
    check?: (response: Response) => void;
    /** The error for a body over `maxBytes`; by default `chunk-too-large`. */
    tooLarge?: () => ImageError;
  },
): Promise<Uint8Array> {
  const { what, timeouts, maxBytes } = options;
  const tooLarge = options.tooLarge ?? (() => blobTooLarge(url, what, maxBytes));
  const controller = new AbortController();
  const abort = () => controller.abort();
  let response: Response;
  try {
    response = await within(
      fetchFn(url, { ...init, signal: controller.signal }),
      timeouts.firstByteMs,
      () => timedOut(url, what, timeouts.firstByteMs, 'no response'),
      abort,
    );
  } catch (error) {
    throw error instanceof ImageError ? error : options.unreachable(error);
  }
  try {
    options.check?.(response);
  } catch (error) {
    abort();
    throw error;
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    abort();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await within(
        reader.read(),
        timeouts.idleMs,
        () => timedOut(url, what, timeouts.idleMs, 'no data'),
        abort,
      );
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        abort();
        throw tooLarge();
      }
      parts.push(value);
    }
  } catch (error) {
    abort();
    if (error instanceof ImageError) throw error;
    throw new ImageError(
      'chunk-truncated',
      `the download of ${url.href} broke off (${(error as Error).message}); try again`,
    );
  }
  return concat(parts, length);
}

export function blobTooLarge(url: URL, what: string, maxBytes: number): ImageError {
  return new ImageError(
    'chunk-too-large',
    `the ${what} at ${url.href} is larger than its manifest allows (over ${maxBytes} bytes) and was refused: the image is damaged or the server is not serving it; rebuild or re-upload the image`,
  );
}

export function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
