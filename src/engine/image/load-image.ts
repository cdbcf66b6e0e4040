// Opening an image by the URL of its manifest: the manifest, then the kernel and initramfs
// blobs (verified); the disks stay where they are and are read lazily by ChunkedDisk.
import type { BootImage } from '../boot-image.js';
import { type BlobFetcher, type FetchFunction, httpError, unreachable } from './blob-fetcher.js';
import { type ImageManifest, blobUrl, parseManifest } from './manifest.js';

/** Fetches and checks the manifest at `url`. Manifests may change: the cache is revalidated. */
export async function fetchManifest(
  url: URL,
  fetchFn: FetchFunction = (u, init) => fetch(u, init),
): Promise<ImageManifest> {
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-cache' });
  } catch (error) {
    throw unreachable(url, 'image manifest', error);
  }
  if (!response.ok) throw httpError(url, 'image manifest', response.status, 'manifest-not-found');
  return parseManifest(await response.text(), url.href);
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
): Promise<BootImage & { manifest: ImageManifest }> {
  const manifest = await fetchManifest(manifestUrl, fetchFn);
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
  const blobBase = new URL(manifest.blobs, manifestUrl).href;
  return {
    manifest,
    kernel,
    initrd,
    cmdline: manifest.cmdline,
    memoryMiB: manifest.memoryMiB,
    disks: manifest.disks.map((disk) => ({ kind: 'chunked', disk, blobBase })),
  };
}
