// One HTTP exchange over one TCP connection from the guest, carried out by the host's fetch():
// the guest's request is read off the connection (head and Content-Length body, bounded), made
// with fetch() (the browser's in a Worker, so it follows CORS; Node's in the CLI), and the
// response written back: status, headers, and the body streamed as the guest takes it, closed by
// the end of the connection (Connection: close: fetch() has already undone any content coding,
// so the origin's length would not hold). A request fetch() cannot make (CORS, an unreachable
// origin, a timeout) is answered 502 Bad Gateway with a one-line reason; nothing waits forever:
// the response head and every piece of the body have `timeoutMs` each.
import { GATEWAY, type Ipv4, ipv4Text } from './addresses.js';
import { HttpRequestError, type RequestHead, header, parseRequestHead } from './http-request.js';
import type { TcpConnection } from './tcp-connection.js';
import type { VirtualHosts } from './virtual-hosts.js';

/** The largest request body carried (Content-Length); past it the answer is 413. */
export const MAX_REQUEST_BODY = 8 * 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/** Header fields that belong to one connection, not to the request or response (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);
/** Response fields that no longer describe the body fetch() hands over (already decoded). */
const STALE_RESPONSE = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

export interface FetchExchangeOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  hosts: VirtualHosts;
}

export class FetchExchange {
  private connection!: TcpConnection;
  /** The request's bytes so far, kept in the pieces they came in (joined once whole). */
  private readonly pieces: Uint8Array[] = [];
  private receivedBytes = 0;
  /** The request head, once it has all come; then the body's length. */
  private head: RequestHead | undefined;
  private bodyLength = 0;
  private state: 'reading' | 'fetching' | 'done' = 'reading';
  private readonly abort = new AbortController();
  private drained: (() => void) | undefined;
  /** A connection that never sends a whole request (another protocol, a stalled client) ends. */
  private readonly requestTimer: ReturnType<typeof setTimeout>;

  constructor(
    /** Where the guest connected: a virtual host's address, the gateway, or any other. */
    private readonly destination: { address: Ipv4; port: number },
    private readonly options: FetchExchangeOptions,
  ) {
    const seconds = options.timeoutMs / 1000;
    this.requestTimer = setTimeout(
      () => this.refuse(408, `no whole request came within ${seconds} s`),
      options.timeoutMs,
    );
  }

  attach(connection: TcpConnection): void {
    this.connection = connection;
  }

  /** Bytes of the request from the guest. */
  data(bytes: Uint8Array): void {
    if (this.state !== 'reading') return;
    const limit = 64 * 1024 + MAX_REQUEST_BODY;
    if (this.receivedBytes + bytes.length > limit)
      return this.refuse(413, `the request is over ${limit} bytes`);
    this.pieces.push(bytes.slice());
    this.receivedBytes += bytes.length;
    this.tryStart();
  }

  /** The guest closed its side: a request not whole by now never will be. */
  end(): void {
    if (this.state !== 'reading') return;
    if (this.receivedBytes === 0) {
      this.state = 'done';
      this.connection.end();
    } else this.refuse(400, 'the connection closed before the request was whole');
  }

  /** The connection is gone: stop the fetch, if one is under way. */
  closed(): void {
    clearTimeout(this.requestTimer);
    this.state = 'done';
    this.abort.abort(new Error('the guest closed the connection'));
    this.drained?.();
  }

  /** The connection's send buffer has room again. */
  drain(): void {
    this.drained?.();
  }

  private tryStart(): void {
    if (!this.head) {
      let head: RequestHead | undefined;
      try {
        // Only while the head is incomplete, so at most MAX_HEAD_BYTES and a segment are joined.
        head = parseRequestHead(this.joined());
      } catch (error) {
        if (error instanceof HttpRequestError) return this.refuse(error.status, error.message);
        throw error;
      }
      if (!head) return;
      if (header(head, 'transfer-encoding'))
        return this.refuse(501, 'chunked request bodies are not carried; send a Content-Length');
      const length = Number(header(head, 'content-length') ?? '0');
      if (!Number.isSafeInteger(length) || length < 0)
        return this.refuse(400, 'the Content-Length is not a number');
      if (length > MAX_REQUEST_BODY)
        return this.refuse(413, `the request body is over ${MAX_REQUEST_BODY} bytes`);
      this.head = head;
      this.bodyLength = length;
    }
    const { head } = this;
    if (this.receivedBytes < head.length + this.bodyLength) return;
    const body = this.joined().slice(head.length, head.length + this.bodyLength);
    clearTimeout(this.requestTimer);
    this.state = 'fetching';
    void this.exchange(head, body);
  }

  /** The pieces received so far, as one array (and kept as one). */
  private joined(): Uint8Array {
    if (this.pieces.length !== 1) {
      const whole = new Uint8Array(this.receivedBytes);
      let at = 0;
      for (const piece of this.pieces) {
        whole.set(piece, at);
        at += piece.length;
      }
      this.pieces.splice(0, this.pieces.length, whole);
    }
    return this.pieces[0] ?? new Uint8Array(0);
  }

  /** The URL the request is for: its Host (or, without one, the name behind the address). */
  private url(head: RequestHead): string {
    if (/^https?:\/\//i.test(head.target)) return head.target;
    const { address, port } = this.destination;
    let host = header(head, 'host');
    if (!host) {
      const name = this.options.hosts.name(address) ?? ipv4Text(address);
      host = port === 80 ? name : `${name}:${port}`;
    }
    // The gateway stands for the host's own loopback, as in QEMU's user networking.
    const gateway = ipv4Text(GATEWAY);
    if (host === gateway || host.startsWith(`${gateway}:`))
      host = '127.0.0.1' + host.slice(gateway.length);
    return `http://${host}${head.target.startsWith('/') ? head.target : `/${head.target}`}`;
  }

  private async exchange(head: RequestHead, body: Uint8Array): Promise<void> {
    const url = this.url(head);
    const headers = new Headers();
    for (const [name, value] of head.headers)
      if (!HOP_BY_HOP.has(name)) {
        try {
          headers.append(name, value);
        } catch {
          // A value fetch() will not send (not a ByteString): left out.
        }
      }
    const timeoutMs = this.options.timeoutMs;
    let timer = setTimeout(
      () => this.abort.abort(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: head.method,
        headers,
        body:
          head.method === 'GET' || head.method === 'HEAD'
            ? undefined
            : (body as Uint8Array<ArrayBuffer>),
        redirect: 'follow',
        signal: this.abort.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      return this.refuse(502, `${head.method} ${url}: ${this.reason(error)}`);
    }
    clearTimeout(timer);
    if (this.state !== 'fetching') return;
    const lines = [`HTTP/1.1 ${response.status} ${response.statusText}`];
    response.headers.forEach((value, name) => {
      if (!STALE_RESPONSE.has(name) && name !== 'set-cookie') lines.push(`${name}: ${value}`);
    });
    for (const cookie of response.headers.getSetCookie?.() ?? [])
      lines.push(`set-cookie: ${cookie}`);
    lines.push('connection: close', '', '');
    await this.send(new TextEncoder().encode(lines.join('\r\n')));
    if (head.method === 'HEAD' || !response.body) return this.finish();
    const reader = response.body.getReader();
    try {
      for (;;) {
        timer = setTimeout(
          () => this.abort.abort(new Error(`the body stalled for ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        const { done, value } = await reader.read();
        clearTimeout(timer);
        if (done || this.state !== 'fetching') break;
        await this.send(value);
      }
    } catch {
      clearTimeout(timer);
      // The head is out: a truncated body must not look whole, so reset rather than close.
      this.state = 'done';
      this.connection.abort();
      return;
    }
    this.finish();
  }

  /** Writes `bytes` as the connection's send buffer takes them. */
  private async send(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length && this.state === 'fetching';) {
      const room = this.connection.room;
      if (room === 0) {
        await new Promise<void>((resolve) => (this.drained = resolve));
        this.drained = undefined;
        continue;
      }
      const piece = bytes.subarray(at, at + room);
      this.connection.write(piece);
      at += piece.length;
    }
  }

  private finish(): void {
    if (this.state !== 'fetching') return;
    this.state = 'done';
    this.connection.end();
  }

  /** Answers with an error status and a one-line reason, and closes. */
  private refuse(status: number, reason: string): void {
    clearTimeout(this.requestTimer);
    if (this.state === 'done') return;
    this.state = 'done';
    const text = `${status} ${STATUS_TEXT[status]}: ${reason}\n`;
    const body = new TextEncoder().encode(text);
    const head =
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
    const bytes = new Uint8Array([...new TextEncoder().encode(head), ...body]);
    this.connection.write(bytes.subarray(0, this.connection.room));
    this.connection.end();
  }

  private reason(error: unknown): string {
    if (this.abort.signal.aborted)
      return String((this.abort.signal.reason as Error)?.message ?? 'aborted');
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause?.code ?? cause?.message;
    const message = (error as Error)?.message ?? String(error);
    // A browser says only "Failed to fetch": a CORS refusal and an unreachable origin look alike.
    return detail ? `${message} (${detail})` : `${message} (refused under CORS, or unreachable)`;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  502: 'Bad Gateway',
};
