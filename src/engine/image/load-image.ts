// Opening an image by the URL of its manifest: the manifest, then the kernel and initramfs
// blobs (verified); the disks stay where they are and are read lazily by ChunkedDisk.
import type { FetchedBootImage } from '../boot-image.js';
import type { DiskSource } from '../disks/open-disk.js';
import { type BlobFetcher, type FetchFunction, httpError, unreachable } from './blob-fetcher.js';
import { DEFAULT_TIMEOUTS, type FetchTimeouts, fetchBody } from './bounded-fetch.js';
import { ImageError } from './image-error.js';
import { type ImageManifest, blobUrl, parseManifest } from './manifest.js';

/** The largest manifest read: a 2 GiB disk in 4 KiB chunks lists 512 Ki hashes, about 35 MB. */
export const MAX_MANIFEST_BYTES = 64 << 20;

/** Fetches and checks the manifest at `url`. Manifests may change: the cache is revalidated. */
export async function fetchManifest(
  url: URL,
  fetchFn: FetchFunction = (u, init) => fetch(u, init),
  timeouts: FetchTimeouts = DEFAULT_TIMEOUTS,
): Promise<ImageManifest> {
  const body = await fetchBody(
    fetchFn,
    url,
    { cache: 'no-cache' },
    {
      what: 'image manifest',
      timeouts,
      maxBytes: MAX_MANIFEST_BYTES,
      unreachable: (error) => unreachable(url, 'image manifest', error),
      check: (response) => {
        if (!response.ok)
          throw httpError(url, 'image manifest', response.status, 'manifest-not-found');
      },
      tooLarge: () =>
        new ImageError(
          'manifest-invalid',
          `${url.href} is not an image manifest: it is larger than ${MAX_MANIFEST_BYTES >> 20} MiB; check the image's URL`,
        ),
    },
  );
  return parseManifest(new TextDecoder().decode(body), url);
}

/**
 * The boot image whose manifest is at `manifestUrl`; `onProgress` sees the bytes of the kernel
 * and initramfs verified so far, of their total.
 */
export async function loadImage(
  manifestUrl: URL,
  fetcher: BlobFetcher,
  onProgress: (loaded: number, total: number) => void = () => {},
  fetchFn?: FetchFunction,
): Promise<FetchedBootImage & { manifest: ImageManifest }> {
  const manifest = await fetchManifest(manifestUrl, fetchFn, fetcher.timeouts);
  return loadManifestImage(manifest, manifestUrl, fetcher, onProgress);
}

/** The image's disks, read lazily from its blobs (nothing is fetched here). */
export function manifestDisks(manifest: ImageManifest, manifestUrl: URL): DiskSource[] {
  const blobBase = new URL(manifest.blobs, manifestUrl).href;
  return manifest.disks.map((disk) => ({ kind: 'chunked', disk, blobBase }));
}

/**
 * The boot image of a manifest already fetched (the browser Worker reads it first, to restore its
 * snapshot without the kernel): fetches the kernel and initramfs.
 */
export async function loadManifestImage(
  manifest: ImageManifest,
  manifestUrl: URL,
  fetcher: BlobFetcher,
  onProgress: (loaded: number, total: number) => void = () => {},
): Promise<FetchedBootImage & { manifest: ImageManifest }> {
  const total = manifest.kernel.size + (manifest.initrd?.size ?? 0);
  let loaded = 0;
  const get = async (ref: { sha256: string; size: number }) => {
    const data = await fetcher.get(blobUrl(manifest, manifestUrl, ref.sha256), ref);
    onProgress((loaded += ref.size), total);
    return data;
  };
  const [kernel, initrd] = await Promise.all([
    get(manifest.kernel),
    manifest.initrd ? get(manifest.initrd) : undefined,
  ]);
  return {
    manifest,
    kernel,
    initrd,
    cmdline: manifest.cmdline,
    memoryMiB: manifest.memoryMiB,
    disks: manifestDisks(manifest, manifestUrl),
  };
}
