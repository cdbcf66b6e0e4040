// Boot images for the Node runner: a built-in image by name (src/images/<name>/dist), an image
// manifest by path or by http(s) URL, or a kernel and initramfs given directly. Blobs are
// checked against their SHA-256 before use; disks are read lazily, as in the browser.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BlobAt, BootImage } from '../boot-image.js';
import { BlobFetcher } from '../image/blob-fetcher.js';
import { ImageError } from '../image/image-error.js';
import { fetchManifest, loadManifestImage, manifestDisks } from '../image/load-image.js';
import { type BlobRef, DEFAULT_MEMORY_MIB, blobUrl } from '../image/manifest.js';
import { fetchSnapshotFile } from '../snapshot/snapshot-file.js';
import { fileFetch } from './file-fetch.js';
import { zlibInflate } from './zlib-inflate.js';

export { ImageError };

const DEFAULT_IMAGE = 'busybox';

/** The package's root folder (where its package.json is), found from this module's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'linux-terminal')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the linux-terminal package root');
    dir = parent;
  }
}

/** The manifest path of built-in image `name`. */
export function builtInManifest(name: string): string {
  return join(packageRoot(), 'src', 'images', name, 'dist', 'manifest.json');
}

/** The manifest URL for `image`: a built-in name, a path, or an http(s) URL. */
export function manifestUrl(image: string): URL {
  if (/^https?:\/\//.test(image)) return new URL(image);
  const isPath = image.includes('/') || image.endsWith('.json');
  const path = isPath ? resolve(image) : builtInManifest(image);
  if (!existsSync(path)) {
    throw new ImageError(
      'manifest-not-found',
      isPath
        ? `no image manifest at ${path}`
        : `there is no built-in image '${image}' (no ${path}); build it with npm run images:build -- ${image}`,
    );
  }
  return pathToFileURL(path);
}

export interface ImageRequest {
  image?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  memoryMiB?: number;
  /** Boot the kernel even when the image has a snapshot. */
  cold?: boolean;
  /** The machine will have a network: the image's snapshot, taken without one, is not used. */
  network?: boolean;
  /** A snapshot folder (snapshot.json + blobs/, `snapshot save --out`) to restore instead. */
  state?: string;
  /** Abandons the load: every request in flight is aborted (the CLI's --timeout). */
  signal?: AbortSignal;
}

/** A boot image as loaded for a request. */
export interface LoadedBootImage extends BootImage {
  /**
   * The image has a snapshot that this boot does not restore, and why: asked to boot cold, or
   * asked for a memory size or kernel command line of its own (a snapshot has its own), or for
   * a network (the snapshot has no network device).
   */
  snapshotSkipped?: 'cold' | 'memory' | 'append' | 'network';
}

export async function loadBootImage(request: ImageRequest): Promise<LoadedBootImage> {
  if (request.kernel) {
    const read = (path: string, what: string) => {
      if (!existsSync(path))
        throw new ImageError('manifest-not-found', `the ${what} ${path} does not exist`);
      return readFileSync(path);
    };
    return {
      kernel: read(request.kernel, 'kernel'),
      initrd: request.initrd ? read(request.initrd, 'initramfs') : undefined,
      cmdline: request.append ?? 'console=ttyS0',
      memoryMiB: request.memoryMiB ?? DEFAULT_MEMORY_MIB,
    };
  }
  const url = manifestUrl(request.image ?? DEFAULT_IMAGE);
  const { signal } = request;
  const fetchFn: typeof fileFetch = signal
    ? (u, init) =>
        fileFetch(u, {
          ...init,
          signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
        })
    : fileFetch;
  const fetcher = new BlobFetcher({ fetch: fetchFn, inflate: zlibInflate });
  const manifest = await fetchManifest(url, fetchFn, fetcher.timeouts);
  let snapshot: BootImage['snapshot'];
  let snapshotSkipped: LoadedBootImage['snapshotSkipped'];
  if (request.state !== undefined) {
    const path = resolve(request.state, 'snapshot.json');
    if (!existsSync(path))
      throw new ImageError(
        'manifest-not-found',
        `no snapshot at ${path}; --state takes a folder made by linux-terminal snapshot save`,
      );
    const fileUrl = pathToFileURL(path);
    const file = await fetchSnapshotFile(fileUrl, fetchFn, fetcher.timeouts);
    snapshot = { snapshot: file, blobs: new URL(file.blobs, fileUrl).href };
  } else if (manifest.snapshot) {
    // A snapshot is of one memory size and command line: asking for others boots cold.
    if (request.cold) snapshotSkipped = 'cold';
    else if (request.memoryMiB !== undefined) snapshotSkipped = 'memory';
    else if (request.append) snapshotSkipped = 'append';
    else if (request.network) snapshotSkipped = 'network';
    else snapshot = { snapshot: manifest.snapshot, blobs: new URL(manifest.blobs, url).href };
  }
  // With a snapshot to restore, the kernel and initramfs are only named: the machine's thread
  // fetches them if the restore fails and it boots cold (a restore needs neither).
  const at = (ref: BlobRef): BlobAt => ({ ...ref, url: blobUrl(manifest, url, ref.sha256).href });
  const image = snapshot
    ? { kernel: at(manifest.kernel), initrd: manifest.initrd && at(manifest.initrd) }
    : await loadManifestImage(manifest, url, fetcher);
  return {
    kernel: image.kernel,
    initrd: image.initrd,
    disks: manifestDisks(manifest, url),
    cmdline: request.append ?? manifest.cmdline,
    memoryMiB: request.memoryMiB ?? manifest.memoryMiB,
    image: { name: manifest.name, kernel: manifest.kernel, disks: manifest.disks },
    snapshot,
    snapshotSkipped,
  };
}
