import type { DiskSource } from './disks/open-disk.js';
import type { SnapshotImage } from './snapshot/restore-snapshot.js';
import type { SnapshotManifest } from './snapshot/snapshot-manifest.js';

/**
 * A blob of an image not fetched yet: fetched and verified only if it is needed (the kernel of an
 * image whose snapshot is restored instead, unless the restore fails).
 */
export interface BlobAt {
  url: string;
  sha256: string;
  size: number;
}

/** What the board boots: a kernel, its initramfs, the command line, the memory size, the disks. */
export interface BootImage {
  kernel: Uint8Array | BlobAt;
  initrd?: Uint8Array | BlobAt;
  cmdline: string;
  memoryMiB: number;
  /** Disks, attached as /dev/vda, /dev/vdb... */
  disks?: DiskSource[];
  /** The image's kernel and disks as its manifest names them (absent for a bare kernel). */
  image?: SnapshotImage;
  /** A snapshot to restore instead of booting, and the URL of the folder of its blobs. */
  snapshot?: { snapshot: SnapshotManifest; blobs: string };
}

/** A boot image whose kernel and initramfs are fetched. */
export type FetchedBootImage = BootImage & { kernel: Uint8Array; initrd?: Uint8Array };
