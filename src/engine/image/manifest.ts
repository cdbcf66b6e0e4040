// The image manifest, format version 1 (docs/image-format.md): what to boot and where its bytes
// are. Every byte an image holds (kernel, initramfs, disk chunks) is a content-addressed blob,
// named by the SHA-256 of its uncompressed content and stored gzip-compressed beside the manifest,
// so blobs are immutable, cacheable forever and shared between images.
import { ImageError } from './image-error.js';
import { memorySizeProblem } from '../memory-size.js';

export const MANIFEST_FORMAT = 'linux-terminal-image';
export const MANIFEST_VERSION = 1;
export const DEFAULT_MEMORY_MIB = 128;
/**
 * The largest blob a manifest may name (a kernel or initramfs; disk chunks are at most 4 MiB):
 * what a reader of blobs that has no manifest at hand (the service worker) bounds them by.
 */
export const MAX_BLOB_SIZE = 512 << 20;

/** A blob: `size` bytes whose SHA-256 is `sha256`. */
export interface BlobRef {
  size: number;
  sha256: string;
}

export interface DiskManifest {
  /** Bytes, a multiple of 512. */
  size: number;
  /** Bytes per chunk, a power of two from 4 KiB to 4 MiB. The last chunk may be shorter. */
  chunkSize: number;
  /** One entry per chunk: its SHA-256, or null for a chunk of zeros (not stored). */
  chunks: (string | null)[];
}

export interface ImageManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  name: string;
  architecture: 'riscv64';
  kernel: BlobRef;
  initrd?: BlobRef;
  cmdline: string;
  memoryMiB: number;
  disks: DiskManifest[];
  /** Where blobs are, relative to the manifest; ends with "/". */
  blobs: string;
  /** How blobs are stored: "gzip" (file <sha256>.gz). */
  encoding: 'gzip';
  /** Versions of what the image was built from (informational). */
  builtFrom?: Record<string, string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

function isBlob(value: unknown): value is BlobRef {
  const b = value as BlobRef | undefined;
  return (
    !!b &&
    Number.isSafeInteger(b.size) &&
    b.size >= 0 &&
    b.size <= MAX_BLOB_SIZE &&
    SHA256.test(b.sha256)
  );
}

function diskProblem(d: DiskManifest, i: number): string | undefined {
  if (!d || typeof d !== 'object') return `disks[${i}] is not an object`;
  if (!Number.isSafeInteger(d.size) || d.size <= 0 || d.size % 512 !== 0)
    return `disks[${i}].size must be a positive multiple of 512`;
  const c = d.chunkSize;
  if (!Number.isInteger(c) || c < 4096 || c > 4 << 20 || (c & (c - 1)) !== 0)
    return `disks[${i}].chunkSize must be a power of two from 4096 to 4194304`;
  if (!Array.isArray(d.chunks) || d.chunks.length !== Math.ceil(d.size / c))
    return `disks[${i}].chunks must list ${Math.ceil(d.size / c)} chunks`;
  if (!d.chunks.every((h) => h === null || (typeof h === 'string' && SHA256.test(h))))
    return `disks[${i}].chunks must hold SHA-256 hex strings or null`;
  return undefined;
}

/**
 * What is wrong with `blobs`, the base every blob URL is built from (base + hex name + ".gz"):
 * a path relative to the manifest, or an absolute http(s) URL (another host is allowed: a CDN);
 * never another scheme (a file: base would let a remote manifest read the reader's files), and
 * no query or fragment, which would turn the name after it into a parameter.
 */
function blobsProblem(blobs: unknown): string | undefined {
  if (typeof blobs !== 'string') return '"blobs" must be a URL relative to the manifest';
  if (!blobs.endsWith('/')) return `"blobs" must end with "/" (it is ${JSON.stringify(blobs)})`;
  if (/[?#]/.test(blobs))
    return `"blobs" must not hold a query or fragment ("?" or "#"; it is ${JSON.stringify(blobs)})`;
  // Resolved as the URL parser resolves it (WHATWG URL: it drops tabs and newlines, and leading
  // spaces and controls), so no spelling of a scheme slips past.
  let resolved: URL;
  try {
    resolved = new URL(blobs, 'http://manifest.invalid/');
  } catch {
    return `"blobs" is not a valid URL (${JSON.stringify(blobs)})`;
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:')
    return `"blobs" must be a relative path or an http(s) URL, not a ${resolved.protocol} URL`;
  return undefined;
}

/** Parses and checks a manifest; `where` names it in error messages. */
export function parseManifest(text: string, where: string | URL): ImageManifest {
  let m: ImageManifest;
  try {
    m = JSON.parse(text);
  } catch {
    throw new ImageError(
      'manifest-invalid',
      `${where} is not an image manifest: it is not JSON (it starts ${JSON.stringify(text.slice(0, 24))})`,
    );
  }
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT)
    throw new ImageError(
      'manifest-invalid',
      `${where} is not an image manifest: it has no "format": "${MANIFEST_FORMAT}"`,
    );
  if (m.version !== MANIFEST_VERSION)
    throw new ImageError(
      'manifest-version',
      `${where} is an image manifest of version ${JSON.stringify(m.version)}; this linux-terminal reads version ${MANIFEST_VERSION}: update linux-terminal or rebuild the image`,
    );
  const problem =
    (typeof m.name !== 'string' && '"name" must be a string') ||
    (m.architecture !== 'riscv64' && `"architecture" must be "riscv64"`) ||
    (!isBlob(m.kernel) && `"kernel" must be {size, sha256} of at most ${MAX_BLOB_SIZE} bytes`) ||
    (m.initrd !== undefined &&
      !isBlob(m.initrd) &&
      `"initrd" must be {size, sha256} of at most ${MAX_BLOB_SIZE} bytes`) ||
    (typeof m.cmdline !== 'string' && '"cmdline" must be a string') ||
    (memorySizeProblem(m.memoryMiB) && `"memoryMiB" ${memorySizeProblem(m.memoryMiB)}`) ||
    (!Array.isArray(m.disks) && '"disks" must be a list') ||
    blobsProblem(m.blobs) ||
    (m.encoding !== 'gzip' && '"encoding" must be "gzip"') ||
    m.disks.map(diskProblem).find((p) => p !== undefined);
  if (problem)
    throw new ImageError('manifest-invalid', `${where} is not a valid image manifest: ${problem}`);
  return m;
}

/** The URL of blob `sha256` of the image whose manifest is at `manifestUrl`. */
export function blobUrl(manifest: ImageManifest, manifestUrl: URL | string, sha256: string): URL {
  return new URL(`${manifest.blobs}${sha256}.gz`, manifestUrl);
}

/** Every distinct blob of an image (kernel, initramfs, disk chunks): what precaching fetches. */
export function allBlobs(manifest: ImageManifest): BlobRef[] {
  const seen = new Map<string, BlobRef>();
  for (const b of [manifest.kernel, manifest.initrd]) if (b) seen.set(b.sha256, b);
  for (const disk of manifest.disks)
    disk.chunks.forEach((sha256, i) => {
      if (sha256 && !seen.has(sha256))
        seen.set(sha256, {
          sha256,
          size: Math.min(disk.chunkSize, disk.size - i * disk.chunkSize),
        });
    });
  return [...seen.values()];
}
