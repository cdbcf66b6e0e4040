// A plain static HTTP server for the end-to-end tests, laid out as scripts/serve-demo.mjs lays out
// the demo: `/` is demo/index.html, `/service-worker.js` is dist/service-worker.js (the site root,
// so its scope covers the pages and the bundle), and /dist/ and /demo/ are the repository's.
// `extra` maps more URL prefixes to folders. startSiteServer serves one folder (a built site) at the
// root instead, as a static host does. Every response is `Cache-Control: no-store`, so that
// after the server stops, only the service worker's caches can answer. It logs the paths asked.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface StaticServer {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Paths requested with a Range header. */
  ranges: string[];
  /** Stops listening and cuts every open connection: the site is gone. */
  stop(): Promise<void>;
}

export function startStaticServer(
  root: string,
  extra: Record<string, string> = {},
): Promise<StaticServer> {
  const mounts: [string, string][] = [
    ['/dist/', join(root, 'dist')],
    ['/demo/', join(root, 'demo')],
    ...Object.entries(extra),
  ];
  return serve((path) => {
    if (path === '/' || path === '/index.html') return join(root, 'demo/index.html');
    if (path === '/service-worker.js') return join(root, 'dist/service-worker.js');
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    return mount && join(mount[1], path.slice(mount[0].length));
  });
}

/** Serves the folder `site` at `/`: a built docs site on a static host. */
export function startSiteServer(site: string): Promise<StaticServer> {
  return serve((path) => join(site, path));
}

/** A server of the files that `fileFor` maps URL paths to (undefined: 404). */
async function serve(fileFor: (path: string) => string | undefined): Promise<StaticServer> {
  const requests: string[] = [];
  const ranges: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (request.headers.range) ranges.push(path);
    let file = normalize(path).includes('..') ? undefined : fileFor(path);
    try {
      if (!file) throw new Error('not found');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end(`${path}: not found`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    ranges,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
