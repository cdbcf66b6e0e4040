/// <reference lib="webworker" />
// The linux-terminal service worker: makes disk images work offline and load fast the second time.
// - Chunks are named by the SHA-256 of their content, so a cached chunk never goes stale:
//   CacheFirst, forever, only complete 200 responses (a partial 206 must never be cached).
// - Manifests name the chunks of the current version of an image: NetworkFirst, cache as fallback.
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { ExpirationPlugin } from 'workbox-expiration';
import { RangeRequestsPlugin } from 'workbox-range-requests';

declare const self: ServiceWorkerGlobalScope;

const chunkName = /\/[0-9a-f]{64}(\.gz)?$/;

self.skipWaiting();
clientsClaim();

registerRoute(
  ({ url }) => chunkName.test(url.pathname),
  new CacheFirst({
    cacheName: 'linux-terminal-chunks',
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 20000, purgeOnQuotaError: true }),
      new RangeRequestsPlugin(),
    ],
  }),
);

registerRoute(
  ({ url }) => url.pathname.endsWith('manifest.json'),
  new NetworkFirst({
    cacheName: 'linux-terminal-manifests',
    plugins: [new CacheableResponsePlugin({ statuses: [200] })],
  }),
);
