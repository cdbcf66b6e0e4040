// Every way building an image can fail, each with its own code, so the CLI (and a test) can tell
// them apart without parsing messages.

export type ImageBuildErrorCode =
  /** The --kernel file does not exist or cannot be read. */
  | 'kernel-not-found'
  /** The kernel file is not a RISC-V Linux Image. */
  | 'kernel-invalid'
  /** The --initrd file does not exist or cannot be read. */
  | 'initrd-not-found'
  /** A --disk file or folder does not exist. */
  | 'disk-not-found'
  /** A disk file is empty or not a multiple of 512 bytes. */
  | 'disk-size-invalid'
  /** A folder disk holds something an ext2 image cannot be made of (e.g. a name with a newline). */
  | 'disk-folder-invalid'
  /** The chunk size is not a power of two from 4 KiB to 4 MiB. */
  | 'chunk-size-invalid'
  /** A size string (--disk-size, --chunk-size) is not a number of bytes with an optional K, M or G. */
  | 'size-invalid'
  /** The memory size is not a whole number of MiB in the range of src/engine/memory-size.ts. */
  | 'memory-invalid'
  /** mke2fs or debugfs (Debian's e2fsprogs) is not installed. */
  | 'mke2fs-missing'
  /** mke2fs or debugfs failed (e.g. the folder does not fit in --disk-size). */
  | 'mke2fs-failed'
  /** The output folder cannot be created or written. */
  | 'out-not-writable'
  /** The output folder is not empty and holds no image of ours (see out-folder.ts); --force overrides. */
  | 'out-not-an-image'
  /** Snapshotting: the guest stopped, or showed no shell prompt in time. */
  | 'snapshot-no-prompt'
  /** Snapshotting: a warm-up command failed or timed out. */
  | 'snapshot-warm-up-failed'
  /** Snapshotting: the guest never became idle (something in it kept running). */
  | 'snapshot-not-idle'
  /** Snapshotting: the snapshot just taken could not be saved or does not restore. */
  | 'snapshot-not-restored';

export class ImageBuildError extends Error {
  constructor(
    readonly code: ImageBuildErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageBuildError';
  }
}
