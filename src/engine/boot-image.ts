import type { DiskSource } from './disks/open-disk.js';

/** What the board boots: a kernel, its initramfs, the command line, the memory size, the disks. */
export interface BootImage {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  memoryMiB: number;
  /** Disks, attached as /dev/vda, /dev/vdb... */
  disks?: DiskSource[];
}
