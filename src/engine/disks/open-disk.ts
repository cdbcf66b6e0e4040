// The guest's view of a disk source: raw bytes copied into memory, or a chunked disk read lazily
// under a copy-on-write overlay. Either way the guest may write; the source never changes.
import type { BlockBackend } from '../devices/virtio/block.js';
import type { BlobFetcher } from '../image/blob-fetcher.js';
import { ChunkedDisk, type ChunkedDiskSource } from './chunked-disk.js';
import { MemoryDisk } from './memory-disk.js';
import { OverlayDisk } from './overlay-disk.js';

/** A disk as a boot image names it: plain data that can cross postMessage. */
export type DiskSource = Uint8Array | ChunkedDiskSource;

export function openDisk(source: DiskSource, fetcher: BlobFetcher): BlockBackend {
  return source instanceof Uint8Array
    ? new MemoryDisk(source)
    : new OverlayDisk(new ChunkedDisk(source, fetcher));
}
