// The root cause first: when a disk read fails, the guest sees an I/O error and may go on; but
// when the kernel then stops (a root file system it cannot read ends in "VFS: Unable to mount
// root fs"), the panic is only the consequence. The fatal error keeps the disk error's code
// (`chunk-not-found`, `chunk-hash-mismatch`, `network-timeout`...) and says the kernel stopped
// because of it, so the reader learns that the server, not the kernel, is broken.
import { ImageError, type ImageErrorCode } from '../image/image-error.js';

export interface DiskFailure {
  code: ImageErrorCode | 'internal';
  message: string;
}

export class DiskFailures {
  private first: DiskFailure | undefined;

  /** Notes a failed disk read; returns how to report it (not fatal: the guest saw an I/O error). */
  record(error: unknown): DiskFailure {
    const failure: DiskFailure =
      error instanceof ImageError
        ? { code: error.code, message: `${error.message}; the guest saw a disk read error` }
        : { code: 'internal', message: `A disk failed: ${(error as Error)?.message ?? error}` };
    this.first ??= failure;
    return failure;
  }

  /** The fatal error for a kernel panic: named after the first disk error when there was one. */
  panic(panicMessage: string): {
    code: ImageErrorCode | 'internal' | 'kernel-panic';
    message: string;
  } {
    if (!this.first)
      return {
        code: 'kernel-panic',
        message: `The Linux kernel stopped with an error: ${panicMessage}`,
      };
    return {
      code: this.first.code,
      message: `The Linux kernel stopped after a disk read failed: ${this.first.message}. (The kernel said: ${panicMessage})`,
    };
  }
}
