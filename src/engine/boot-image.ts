/** What the board boots: a kernel, its initramfs, the command line and the memory size. */
export interface BootImage {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  memoryMiB: number;
  /** Raw disk images, attached as /dev/vda, /dev/vdb... */
  disks?: Uint8Array[];
}
