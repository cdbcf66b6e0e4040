/// <reference lib="webworker" />
// The linux-terminal service worker (docs/offline.md): pages that use the element keep working
// offline, and images load from the disk the second time.
// - Blobs are named by the SHA-256 of their content, so a cached blob never goes stale: CacheFirst,
//   and only complete 200 responses whose content hashes to their name are stored (a 206, an
//   opaque response or a server's HTML error page under a blob's name would stay forever), read
//   and inflated only up to the largest blob a manifest may name (worth-keeping.ts).
// - Image manifests and the site's own files (pages, scripts, styles, wasm, web app manifests and
//   images) may change: NetworkFirst, the cache when offline. A manifest is stored only when it
//   parses as one (a catch-all server's HTML page under 200 is not kept).
// - A page opened before this worker controlled it sends the URLs it already loaded (CACHE_URLS,
//   Workbox's cache listener) so that they are cached too.
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { Route, Router } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { ExpirationPlugin } from 'workbox-expiration';
import { RangeRequestsPlugin, createPartialResponse } from 'workbox-range-requests';
import { isBlob, isManifest } from './worth-keeping.js';
import { BLOB_CACHE, BLOB_PATH, PAGE_CACHE } from '../src/offline/cache-names.js';

declare const self: ServiceWorkerGlobalScope;

/** Stores a blob only if its content is what its name says (the engine checks again on use). */
const verifiedBlobs: WorkboxPlugin = {
  async cacheWillUpdate({ request, response }) {
    const url = new URL(request.url);
    const sha256 = BLOB_PATH.exec(url.pathname)?.[1];
    return sha256 && (await isBlob(response, url, sha256)) ? response : null;
  },
};

/** Stores a `…manifest.json` only if it is an image manifest (a site's 200 HTML page is not). */
const realManifests: WorkboxPlugin = {
  async cacheWillUpdate({ request, response }) {
    return (await isManifest(response, new URL(request.url))) ? response : null;
  },
};

/**
 * A range request that misses the cache fetches the whole blob (a 206 cannot be cached) and is
 * answered with its range cut from it; hits are cut by RangeRequestsPlugin.
 */
const wholeBlobs: WorkboxPlugin = {
  async requestWillFetch({ request }) {
    if (!request.headers.has('range')) return request;
    const headers = new Headers(request.headers);
    headers.delete('range');
    return new Request(request, { headers });
  },
  async handlerWillRespond({ request, response }) {
    return request.headers.has('range') && response.status === 200
      ? createPartialResponse(request, response)
      : response;
  },
};

const blobs = new CacheFirst({
  cacheName: BLOB_CACHE,
  plugins: [
    new CacheableResponsePlugin({ statuses: [200] }),
    verifiedBlobs,
    // A blob is 4 KiB to 4 MiB (64 KiB by default): room for a few GiB of images.
    new ExpirationPlugin({ maxEntries: 20000, purgeOnQuotaError: true }),
    new RangeRequestsPlugin(),
    wholeBlobs,
  ],
});

const pages = new NetworkFirst({
  cacheName: PAGE_CACHE,
  networkTimeoutSeconds: 3,
  plugins: [new CacheableResponsePlugin({ statuses: [200] })],
});

const manifests = new NetworkFirst({
  cacheName: PAGE_CACHE,
  networkTimeoutSeconds: 3,
  plugins: [new CacheableResponsePlugin({ statuses: [200] }), realManifests],
});

// The site's images too (a lesson's diagrams, a web app manifest's icons): a page offline should
// look as it did online.
const ownDestinations = new Set(['script', 'style', 'worker', 'sharedworker', 'manifest', 'image']);
// Requests sent with CACHE_URLS are built in this worker and carry no destination: match by name.
const ownFileName = /(\/|\.html?|\.m?js|\.css|\.wasm|\.webmanifest|\.svg|\.png|\.ico)$/;

const router = new Router();
router.registerRoute(new Route(({ url }) => BLOB_PATH.test(url.pathname), blobs));
router.registerRoute(new Route(({ url }) => url.pathname.endsWith('manifest.json'), manifests));
router.registerRoute(
  new Route(
    ({ url, request }) =>
      url.origin === self.location.origin &&
      (request.mode === 'navigate' ||
        ownDestinations.has(request.destination) ||
        ownFileName.test(url.pathname)),
    pages,
  ),
);
router.addFetchListener();
router.addCacheListener();

self.skipWaiting();
clientsClaim();
