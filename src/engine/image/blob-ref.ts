// A blob reference: the one shape every content-addressed byte string of an image or a snapshot
// is named by (docs/image-format.md, Blobs), shared by the manifest and the snapshot formats.

/** A blob: `size` bytes whose SHA-256 is `sha256`. */
export interface BlobRef {
  size: number;
  sha256: string;
}

/**
 * The largest blob a manifest may name (a kernel, an initramfs, a snapshot's machine state; disk
 * and RAM chunks are at most 4 MiB): what a reader of blobs that has no manifest at hand (the
 * service worker) bounds them by.
 */
export const MAX_BLOB_SIZE = 512 << 20;

/** A lower-case hex SHA-256, the name of every blob. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Whether `value` is a {size, sha256} of at most MAX_BLOB_SIZE bytes. */
export function isBlobRef(value: unknown): value is BlobRef {
  const b = value as BlobRef | undefined;
  return (
    !!b &&
    typeof b === 'object' &&
    Number.isSafeInteger(b.size) &&
    b.size >= 0 &&
    b.size <= MAX_BLOB_SIZE &&
    typeof b.sha256 === 'string' &&
    SHA256_HEX.test(b.sha256)
  );
}

/** Whether `size` is a power of two from 4 KiB to 4 MiB: the chunk sizes disks and RAM accept. */
export function isChunkSize(size: unknown): size is number {
  return (
    Number.isInteger(size) &&
    (size as number) >= 4096 &&
    (size as number) <= 4 << 20 &&
    ((size as number) & ((size as number) - 1)) === 0
  );
}
