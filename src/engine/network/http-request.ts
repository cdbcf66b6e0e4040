// The head of an HTTP/1.x request as the guest's client sends it (RFC 9112 2-3, 5): the request
// line and header fields, up to the empty line. Bounded: a head over MAX_HEAD_BYTES is refused.

export const MAX_HEAD_BYTES = 64 * 1024;

export interface RequestHead {
  method: string;
  /** The request target: origin-form (/path?q) or absolute-form (http://host/path). */
  target: string;
  version: string;
  /** Field names lower-cased, in order; repeated fields stay separate. */
  headers: [string, string][];
  /** Bytes of the head, the empty line included: the body starts there. */
  length: number;
}

export class HttpRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The request head at the start of `bytes`, or undefined while it is incomplete; throws an
 * HttpRequestError (with the status to answer) when it is malformed or too long.
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead | undefined {
  let end = -1;
  for (let i = 3; i < Math.min(bytes.length, MAX_HEAD_BYTES); i++)
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      end = i + 1;
      break;
    }
  if (end < 0) {
    if (bytes.length >= MAX_HEAD_BYTES)
      throw new HttpRequestError(431, `the request head is over ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const lines = new TextDecoder('latin1').decode(bytes.subarray(0, end - 4)).split('\r\n');
  const [method, target, version, ...rest] = lines[0].split(' ');
  if (
    !method ||
    !TOKEN.test(method) ||
    !target ||
    rest.length > 0 ||
    !/^HTTP\/1\.[01]$/.test(version ?? '')
  )
    throw new HttpRequestError(400, 'the request line is not HTTP/1.x');
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) throw new HttpRequestError(400, `a malformed header line`);
    headers.push([name.toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { method, target, version, headers, length: end };
}

/** The value of header `name` (lower-case), the first if repeated. */
export function header(head: RequestHead, name: string): string | undefined {
  return head.headers.find(([key]) => key === name)?.[1];
}
