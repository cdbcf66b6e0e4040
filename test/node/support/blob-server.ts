// A static image server for tests: real HTTP on 127.0.0.1, serving blobs made in the test
// (gzip-compressed, named by the SHA-256 of their content), with faults a test sets per path
// and a log of every request, so a test can count what a client asked for.
import { createHash } from 'node:crypto';
import {
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { ImageError, type ImageErrorCode } from '../../../src/engine/image/image-error.js';
import { type Fault as HostileAnswer, respond } from '../../support/fault-server.js';

export interface BlobRef {
  size: number;
  sha256: string;
}

/** What the server does instead of answering normally. */
export interface Fault {
  /** Answer with this status (and an empty body). */
  status?: number;
  /** Send this body (with its own Content-Length) instead of the file. */
  body?: Uint8Array;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Announce the whole file, send half of it, then drop the connection. */
  cut?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Wait until the test releases the request (see `hold`). */
  until?: Promise<void>;
  /** Answer as test/support/fault-server.js does: stall, stall-body, slow, die, bomb, html... */
  answer?: HostileAnswer;
}

export interface LoggedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** When it arrived (performance.now()). */
  time: number;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** gzip as the image builder writes it. */
export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data));
}

export class BlobServer {
  readonly log: LoggedRequest[] = [];
  /** Requests received and not yet answered; and the most there ever were at once. */
  inFlight = 0;
  mostInFlight = 0;
  private readonly files = new Map<string, Uint8Array>();
  private readonly faults = new Map<string, { fault: Fault; times: number }[]>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<BlobServer> {
    const server = createServer();
    const blobServer = new BlobServer(server);
    server.on('request', (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
      blobServer.log.push({ path, headers: req.headers, time: performance.now() });
      blobServer.inFlight++;
      blobServer.mostInFlight = Math.max(blobServer.mostInFlight, blobServer.inFlight);
      void blobServer.answer(path, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return blobServer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = ''): URL {
    return new URL(path, `http://127.0.0.1:${this.port}/`);
  }

  /** Serves `body` at `path`. */
  put(path: string, body: Uint8Array | string): void {
    this.files.set(path, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  /** Serves `content` as a blob under `folder` (`<sha256>.gz`), and returns its reference. */
  putBlob(content: Uint8Array, folder = 'blobs/'): BlobRef {
    const ref = { size: content.length, sha256: sha256Hex(content) };
    this.put(`${folder}${ref.sha256}.gz`, gzip(content));
    return ref;
  }

  /** The next `times` requests of `path` meet `fault` (after any faults set before). */
  fault(path: string, fault: Fault, times = Infinity): void {
    const list = this.faults.get(path) ?? [];
    list.push({ fault, times });
    this.faults.set(path, list);
  }

  /** Holds the requests of `path` until the returned function is called; later ones pass. */
  hold(path: string): () => void {
    let release!: () => void;
    this.fault(path, { until: new Promise<void>((resolve) => (release = resolve)) });
    return release;
  }

  /** Requests received for `path`. */
  requests(path: string): LoggedRequest[] {
    return this.log.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(path: string, res: ServerResponse): Promise<void> {
    const list = this.faults.get(path);
    const entry = list?.[0];
    if (entry && --entry.times <= 0) list!.shift();
    const fault = entry?.fault ?? {};
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.until) await fault.until;
    const file = this.files.get(path);
    if (fault.answer) {
      this.inFlight--;
      await respond(res, { fault: fault.answer, body: file, type: 'application/octet-stream' });
      return;
    }
    const status = fault.status ?? (file || fault.body ? 200 : 404);
    const body = status === 200 ? (fault.body ?? file!) : new Uint8Array(0);
    // Counted as answered before the bytes go out, so a client's next request, sent once it has
    // the body, never overlaps this one in the count.
    this.inFlight--;
    res.writeHead(status, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length),
      ...fault.headers,
    });
    if (fault.cut) {
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    res.end(body);
  }
}

/** Asserts that `promise` rejects with an ImageError of `code` whose message matches `message`. */
export async function rejectsWithImageError(
  promise: Promise<unknown>,
  code: ImageErrorCode,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}
