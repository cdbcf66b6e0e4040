// The image manifest, format version 1 (docs/image-format.md): what to boot and where its bytes
// are. Every byte an image holds (kernel, initramfs, disk chunks) is a content-addressed blob,
// named by the SHA-256 of its uncompressed content and stored gzip-compressed beside the manifest,
// so blobs are immutable, cacheable forever and shared between images.
import { ImageError } from './image-error.js';
import { memorySizeProblem } from '../memory-size.js';

export const MANIFEST_FORMAT = 'linux-terminal-image';
export const MANIFEST_VERSION = 1;
export const DEFAULT_MEMORY_MIB = 128;

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
  return !!b && Number.isSafeInteger(b.size) && b.size >= 0 && SHA256.test(b.sha256);
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

/** Parses and checks a manifest; `where` names it in error messages. */
export function parseManifest(text: string, where: string): ImageManifest {
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
    (!isBlob(m.kernel) && '"kernel" must be {size, sha256}') ||
    (m.initrd !== undefined && !isBlob(m.initrd) && '"initrd" must be {size, sha256}') ||
    (typeof m.cmdline !== 'string' && '"cmdline" must be a string') ||
    (memorySizeProblem(m.memoryMiB) && `"memoryMiB" ${memorySizeProblem(m.memoryMiB)}`) ||
    (!Array.isArray(m.disks) && '"disks" must be a list') ||
    (typeof m.blobs !== 'string' && '"blobs" must be a relative URL') ||
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
