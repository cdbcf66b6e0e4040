// The image manifest, format version 2 (docs/image-format.md): what to boot and where its bytes
// are. Every byte an image holds (kernel, initramfs, disk chunks, a snapshot's state and RAM) is
// a content-addressed blob, named by the SHA-256 of its uncompressed content and stored
// gzip-compressed beside the manifest, so blobs are immutable, cacheable forever and shared
// between images. Version 2 is version 1 plus an optional saved machine (`snapshot`).
import { type BlobRef, MAX_BLOB_SIZE, SHA256_HEX, isBlobRef, isChunkSize } from './blob-ref.js';
import { ImageError } from './image-error.js';
import { memorySizeProblem } from '../memory-size.js';
import {
  type SnapshotManifest,
  snapshotBlobs,
  snapshotProblem,
} from '../snapshot/snapshot-manifest.js';

export { type BlobRef, MAX_BLOB_SIZE };

export const MANIFEST_FORMAT = 'linux-terminal-image';
/** The version writers write. */
export const MANIFEST_VERSION = 2;
/** The versions this reader reads: 1 (no snapshot) and 2. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
export const DEFAULT_MEMORY_MIB = 128;

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
  /** 1 or 2; a version 1 manifest never has a snapshot. */
  version: 1 | 2;
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
  /** Version 2: the machine saved at its prompt, restored instead of booting. */
  snapshot?: SnapshotManifest;
}

function diskProblem(d: DiskManifest, i: number): string | undefined {
  if (!d || typeof d !== 'object') return `disks[${i}] is not an object`;
  if (!Number.isSafeInteger(d.size) || d.size <= 0 || d.size % 512 !== 0)
    return `disks[${i}].size must be a positive multiple of 512`;
  const c = d.chunkSize;
  if (!isChunkSize(c)) return `disks[${i}].chunkSize must be a power of two from 4096 to 4194304`;
  if (!Array.isArray(d.chunks) || d.chunks.length !== Math.ceil(d.size / c))
    return `disks[${i}].chunks must list ${Math.ceil(d.size / c)} chunks`;
  if (!d.chunks.every((h) => h === null || (typeof h === 'string' && SHA256_HEX.test(h))))
    return `disks[${i}].chunks must hold SHA-256 hex strings or null`;
  return undefined;
}

/**
 * What is wrong with `blobs`, the base every blob URL is built from (base + hex name + ".gz"):
 * a path relative to the manifest, or an absolute http(s) URL (another host is allowed: a CDN);
 * never another scheme (a file: base would let a remote manifest read the reader's files), and
 * no query or fragment, which would turn the name after it into a parameter.
 */
export function blobsProblem(blobs: unknown): string | undefined {
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

/**
 * What is wrong with the manifest's snapshot's form, if it has one. Whether it fits the image
 * (kernel, disks) is checked when it is restored: a snapshot that does not fit is then
 * `snapshot-disk-mismatch` and the machine boots cold, the image itself stays usable.
 */
function snapshotSectionProblem(m: ImageManifest): string | undefined {
  if (m.snapshot === undefined) return undefined;
  return snapshotProblem(m.snapshot, 'snapshot.');
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
  if (!READABLE_VERSIONS.includes(m.version))
    throw new ImageError(
      'manifest-version',
      `${where} is an image manifest of version ${JSON.stringify(m.version)}; this linux-terminal reads versions ${READABLE_VERSIONS.join(' and ')}: update linux-terminal or rebuild the image`,
    );
  // Version 1 had no snapshot: a field of that name in one is not ours, and is not read.
  if (m.version === 1) delete m.snapshot;
  const problem =
    (typeof m.name !== 'string' && '"name" must be a string') ||
    (m.architecture !== 'riscv64' && `"architecture" must be "riscv64"`) ||
    (!isBlobRef(m.kernel) && `"kernel" must be {size, sha256} of at most ${MAX_BLOB_SIZE} bytes`) ||
    (m.initrd !== undefined &&
      !isBlobRef(m.initrd) &&
      `"initrd" must be {size, sha256} of at most ${MAX_BLOB_SIZE} bytes`) ||
    (typeof m.cmdline !== 'string' && '"cmdline" must be a string') ||
    (memorySizeProblem(m.memoryMiB) && `"memoryMiB" ${memorySizeProblem(m.memoryMiB)}`) ||
    (!Array.isArray(m.disks) && '"disks" must be a list') ||
    blobsProblem(m.blobs) ||
    (m.encoding !== 'gzip' && '"encoding" must be "gzip"') ||
    m.disks.map(diskProblem).find((p) => p !== undefined) ||
    snapshotSectionProblem(m);
  if (problem)
    throw new ImageError('manifest-invalid', `${where} is not a valid image manifest: ${problem}`);
  return m;
}

/** The URL of blob `sha256` of the image whose manifest is at `manifestUrl`. */
export function blobUrl(
  manifest: Pick<ImageManifest, 'blobs'>,
  manifestUrl: URL | string,
  sha256: string,
): URL {
  return new URL(`${manifest.blobs}${sha256}.gz`, manifestUrl);
}

/**
 * Every distinct blob of an image (kernel, initramfs, disk chunks, and its snapshot's state, RAM
 * chunks and written pages): what precaching fetches.
 */
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
  if (manifest.snapshot)
    for (const b of snapshotBlobs(manifest.snapshot))
      if (!seen.has(b.sha256)) seen.set(b.sha256, b);
  return [...seen.values()];
}
