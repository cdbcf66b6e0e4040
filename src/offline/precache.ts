// Keeping a whole image for offline use: its manifest and every blob it names, stored in Cache
// Storage where the service worker looks for them (cache-names.ts). Each blob is verified exactly
// as the engine verifies it (BlobFetcher: decompressed, measured, hashed) before it is stored, and
// a blob already stored (by this image or another that shares it) is not fetched again.
import { BlobFetcher } from '../engine/image/blob-fetcher.js';
import { ImageError } from '../engine/image/image-error.js';
import { fetchManifest as readManifest } from '../engine/image/load-image.js';
import { type BlobRef, type ImageManifest, allBlobs, blobUrl } from '../engine/image/manifest.js';
import { BLOB_CACHE, PAGE_CACHE } from './cache-names.js';

export interface PrecacheProgress {
  /** Blobs stored so far (fetched now or found stored already), of `total`. */
  loaded: number;
  total: number;
  /** Bytes of image content (uncompressed) stored so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
}

export interface PrecacheResult extends PrecacheProgress {
  /** How many of the blobs were fetched now (the others were stored already). */
  fetched: number;
}

export interface PrecacheOptions {
  onProgress?: (progress: PrecacheProgress) => void;
  signal?: AbortSignal;
  /** Blobs fetched at once. */
  concurrency?: number;
}

/**
 * Fetches the image whose manifest is at `manifestUrl` into Cache Storage, so that a page under
 * linux-terminal's service worker boots it offline. Rejects with an ImageError (`quota-exceeded`
 * when the browser has no room left), or with the signal's reason when aborted.
 */
export async function precache(
  manifestUrl: string | URL,
  options: PrecacheOptions = {},
): Promise<PrecacheResult> {
  const { signal, onProgress, concurrency = 4 } = options;
  const url = new URL(manifestUrl, globalThis.location?.href);
  if (typeof caches === 'undefined')
    throw new ImageError(
      'quota-exceeded',
      'This page has no Cache Storage, so the image cannot be kept for offline use: serve the page over https (or from localhost)',
    );
  signal?.throwIfAborted();
  const { manifest, response: manifestResponse } = await fetchManifest(url, signal);
  const refs = allBlobs(manifest);
  const progress: PrecacheProgress = {
    loaded: 0,
    total: refs.length,
    bytes: 0,
    totalBytes: refs.reduce((sum, ref) => sum + ref.size, 0),
  };
  onProgress?.({ ...progress });

  const blobs = await caches.open(BLOB_CACHE);
  // The fetcher verifies each response's body; a clone of the one it accepted is what is stored.
  const received = new Map<string, Response>();
  const fetcher = new BlobFetcher({
    concurrency,
    fetch: async (blob, init) => {
      const response = await fetch(blob, { ...init, signal });
      if (response.ok) received.set(blob.href, response.clone());
      return response;
    },
  });
  let fetched = 0;
  const store = async (ref: BlobRef) => {
    const blob = blobUrl(manifest, url, ref.sha256);
    if (!(await blobs.match(blob))) {
      await fetcher.get(blob, ref);
      const response = received.get(blob.href)!;
      received.delete(blob.href);
      await put(blobs, blob, response, manifest);
      fetched++;
    }
    progress.loaded++;
    progress.bytes += ref.size;
    onProgress?.({ ...progress });
  };
  try {
    await eachAtMost(concurrency, refs, store, signal);
  } catch (error) {
    signal?.throwIfAborted(); // an aborted fetch looks like a network error: say what it was
    throw error;
  }
  // The manifest last: the image is complete once its manifest is stored.
  await put(await caches.open(PAGE_CACHE), url, manifestResponse, manifest);
  return { ...progress, fetched };
}

/** The manifest, read as the engine reads it, and a copy of its response to store. */
async function fetchManifest(url: URL, signal?: AbortSignal) {
  let response: Response | undefined;
  try {
    const manifest = await readManifest(url, async (u, init) => {
      response = await fetch(u, { ...init, signal });
      return response.clone();
    });
    return { manifest, response: response! };
  } catch (error) {
    signal?.throwIfAborted(); // an aborted fetch looks like a network error: say what it was
    throw error;
  }
}

async function put(cache: Cache, url: URL, response: Response, manifest: ImageManifest) {
  try {
    await cache.put(url, response);
  } catch (error) {
    if ((error as DOMException)?.name === 'QuotaExceededError')
      throw new ImageError(
        'quota-exceeded',
        `The browser has no room left to keep the image ${manifest.name} for offline use: free some disk space or clear other sites' data, then try again`,
      );
    throw error;
  }
}

/** Runs `task` on every item, `limit` at a time; stops at the first failure. */
async function eachAtMost<T>(
  limit: number,
  items: T[],
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < items.length) {
      signal?.throwIfAborted();
      try {
        await task(items[next++]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
}
