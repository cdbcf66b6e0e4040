import type { DiskSource } from './disks/open-disk.js';
import type { SnapshotImage } from './snapshot/restore-snapshot.js';
import type { SnapshotManifest } from './snapshot/snapshot-manifest.js';

/** What the board boots: a kernel, its initramfs, the command line, the memory size, the disks. */
export interface BootImage {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  memoryMiB: number;
  /** Disks, attached as /dev/vda, /dev/vdb... */
  disks?: DiskSource[];
  /** The image's kernel and disks as its manifest names them (absent for a bare kernel). */
  image?: SnapshotImage;
  /** A snapshot to restore instead of booting, and the URL of the folder of its blobs. */
  snapshot?: { snapshot: SnapshotManifest; blobs: string };
}
