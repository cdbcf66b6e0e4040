// A disk held in memory: the backend for a raw disk image given whole (the chunked, lazily
// fetched store comes with issue 6). Writes change the copy, never the caller's source bytes.
import type { BlockBackend } from '../devices/virtio/block.js';

export class MemoryDisk implements BlockBackend {
  private readonly bytes: Uint8Array;

  constructor(source: Uint8Array) {
    if (source.length % 512 !== 0)
      throw new RangeError(
        `a disk image must be a whole number of 512-byte sectors, not ${source.length} bytes`,
      );
    this.bytes = source.slice();
  }

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
}
