// A hostile image server for the Node and the browser tests alike: it serves a folder (a built
// image) and answers chosen paths the ways a broken or malicious server does (issue 11): never
// answering, answering headers and then nothing, slowly, cut off halfway, with a decompression
// bomb, with an HTML page under 200, or with an error status. Plain JavaScript on node:http, so
// that the node tests (startFaultServer) and web-test-runner's dev server (faultMiddleware) share
// this one implementation.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { createGzip } from 'node:zlib';

/**
 * What a path can be made to do:
 * - `stall`       accept the request and never answer
 * - `stall-body`  send the headers and the first KiB of the body, then nothing more
 * - `slow`        send the body in 1 KiB pieces, one every 20 ms
 * - `die`         announce the whole body, send half of it, then drop the connection
 * - `bomb`        200 with a 1 MiB gzip stream that inflates to 1 GiB of zeros
 * - `html`        200 with an HTML page (text/html), as a catch-all web server does
 * - `404`, `500`  that status with a short text body
 */
export const FAULTS = ['stall', 'stall-body', 'slow', 'die', 'bomb', 'html', '404', '500'];

/** The inflated size of the bomb. */
export const BOMB_INFLATED = 1 << 30;

let bomb;
/** The decompression bomb (made once, about 2 s): gzip of BOMB_INFLATED zeros, about 1 MiB. */
export function decompressionBomb() {
  bomb ??= (async () => {
    const gzip = createGzip({ level: 9, memLevel: 9 });
    const parts = [];
    gzip.on('data', (part) => parts.push(part));
    const ended = new Promise((resolve) => gzip.on('end', resolve));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < BOMB_INFLATED / zeros.length; i++)
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
    gzip.end();
    await ended;
    return Buffer.concat(parts);
  })();
  return bomb;
}

const HTML_PAGE = Buffer.from(
  '<!doctype html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n',
);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Answers `response` (a node:http ServerResponse) with `fault`, or with `body` (the file, or
 * undefined when there is none: 404) when `fault` is undefined. `open` collects the responses
 * left hanging, so that a server can cut them when it stops.
 */
export async function respond(response, { fault, body, type, open }) {
  const send = (status, contentType, bytes, headers = {}) => {
    response.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': String(bytes.length),
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
      ...headers,
    });
    return bytes;
  };
  const hang = () => {
    open?.add(response);
    response.on('close', () => open?.delete(response));
  };
  if (!fault) {
    if (!body) return response.end(send(404, 'text/plain', Buffer.from('not found\n')));
    return response.end(send(200, type, body));
  }
  switch (fault) {
    case 'stall':
      return hang();
    case 'stall-body': {
      const bytes = send(200, type, body ?? HTML_PAGE);
      response.write(bytes.subarray(0, Math.min(1024, bytes.length >> 1)));
      return hang();
    }
    case 'slow': {
      const bytes = send(200, type, body ?? Buffer.alloc(0));
      hang();
      for (let at = 0; at < bytes.length && !response.destroyed; at += 1024) {
        response.write(bytes.subarray(at, at + 1024));
        await sleep(20);
      }
      return response.end();
    }
    case 'die': {
      const bytes = send(200, type, body ?? Buffer.alloc(2048));
      return response.write(bytes.subarray(0, bytes.length >> 1), () => response.destroy());
    }
    case 'bomb':
      return response.end(send(200, 'application/octet-stream', await decompressionBomb()));
    case 'html':
      return response.end(send(200, 'text/html; charset=utf-8', HTML_PAGE));
    case '404':
    case '500':
      return response.end(send(Number(fault), 'text/plain', Buffer.from(`HTTP ${fault}\n`)));
    default:
      throw new Error(`unknown fault ${fault}; known: ${FAULTS.join(', ')}`);
  }
}

/**
 * Faults written into a URL, for a browser test that cannot call the server: a comma-separated
 * list of `<fault>:<target>`, where the target is a file name (`manifest.json`), a blob's SHA-256
 * (`<sha256>.gz` is meant), or `blobs` for every blob.
 */
export function parseFaults(spec) {
  return spec
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const [fault, target] = part.split(':');
      if (!FAULTS.includes(fault) || !target) throw new Error(`bad fault ${part}`);
      return { fault, target };
    });
}

const BLOB = /([0-9a-f]{64})\.gz$/;

/** The fault `faults` (from parseFaults) set for `path`, if any. */
export function faultFor(faults, path) {
  const blob = BLOB.exec(path)?.[1];
  return faults.find(
    ({ target }) =>
      target === blob ||
      (target === 'blobs' && blob) ||
      path.endsWith(`/${target}`) ||
      path === target,
  )?.fault;
}

async function readServed(root, path) {
  const file = join(root, normalize(path));
  if (path.includes('..')) return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await readFile(file);
  } catch {
    return undefined;
  }
}

const contentType = (path) =>
  path.endsWith('.json') ? 'application/json' : 'application/octet-stream';

/**
 * A fault server on 127.0.0.1 serving the files under `root` (and those `put`). `fault(path, name, times)` makes
 * the next `times` requests of `path` (relative, as in `url(path)`) meet fault `name`; paths
 * under `/__faults/<spec>/` take their faults from the spec as well (parseFaults).
 */
export async function startFaultServer(root) {
  const faults = new Map();
  const files = new Map();
  const requests = [];
  const open = new Set();
  const server = createServer(async (request, response) => {
    let path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).slice(1);
    requests.push({ path, time: performance.now(), headers: request.headers });
    let fault;
    const spec = /^__faults\/([^/]*)\/(.*)$/.exec(path);
    if (spec) {
      path = spec[2];
      fault = faultFor(parseFaults(spec[1]), path);
    }
    const set = faults.get(path);
    if (set?.length) {
      fault = set[0].fault;
      if (--set[0].times <= 0) set.shift();
    }
    const body = files.get(path) ?? (await readServed(root, path));
    await respond(response, { fault, body, type: contentType(path), open });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}/`;
  return {
    origin,
    /** Requests received: path (without any /__faults/ prefix's part), time, headers. */
    requests,
    url: (path = '') => new URL(path, origin),
    fault(path, fault, times = Infinity) {
      if (!FAULTS.includes(fault)) throw new Error(`unknown fault ${fault}`);
      faults.set(path, [...(faults.get(path) ?? []), { fault, times }]);
    },
    clearFaults: () => faults.clear(),
    /** Serves `body` (bytes or text) at `path`, over any file of `root`. */
    put(path, body) {
      files.set(path, typeof body === 'string' ? Buffer.from(body) : Buffer.from(body));
    },
    /** Responses still hanging (stalled), which the client has not given up on. */
    get hanging() {
      return open.size;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The same for web-test-runner's dev server (a Koa middleware): `/__faults/<spec>/<path>` serves
 * `<root>/<path>` with the faults of `<spec>`.
 */
export function faultMiddleware(root) {
  return async (context, next) => {
    const spec = /^\/__faults\/([^/]*)\/(.*)$/.exec(context.path);
    if (!spec) return next();
    const path = spec[2];
    const fault = faultFor(parseFaults(spec[1]), path);
    // Koa steps aside: the response is written (or left hanging) by hand.
    context.respond = false;
    await respond(context.res, {
      fault,
      body: await readServed(root, path),
      type: contentType(path),
    });
  };
}
