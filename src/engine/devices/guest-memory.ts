// Device access to guest RAM (DMA): physical addresses to views of the hart's RAM, no copies.
// With a page map (lazy restore, dirty tracking: page-map.ts), every access first checks that
// the pages it reaches are in RAM and throws PageMissingError before touching anything if not;
// writes mark their pages dirty.
import { type PageMap, PageMissingError } from '../page-map.js';

export class GuestMemoryError extends Error {}

export class GuestMemory {
  readonly view: DataView;

  constructor(
    readonly ram: Uint8Array,
    readonly base: number,
    readonly pages?: PageMap,
  ) {
    this.view = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  }

  /**
   * Offset into `ram` of [address, address + length): an error if it is not all RAM,
   * PageMissingError if a page of it is not restored yet.
   */
  offset(address: number, length: number): number {
    const offset = address - this.base;
    // Written so that NaN fails too.
    if (!(offset >= 0 && length >= 0 && offset + length <= this.ram.length)) {
      throw new GuestMemoryError(`DMA to 0x${address.toString(16)}+${length} is outside guest RAM`);
    }
    const missing = this.pages?.firstMissing(offset, length) ?? -1;
    if (missing >= 0) throw new PageMissingError(this.base + Math.max(missing, offset));
    return offset;
  }

  /** Checks that [address, address + length) can be read and written now (see offset). */
  check(address: number, length: number): void {
    this.offset(address, length);
  }

  /** The offset of a range about to be written: checked, and its pages marked dirty. */
  private written(address: number, length: number): number {
    const offset = this.offset(address, length);
    this.pages?.markDirty(offset, length);
    return offset;
  }

  /** A live view of guest memory, to read. */
  bytes(address: number, length: number): Uint8Array {
    const offset = this.offset(address, length);
    return this.ram.subarray(offset, offset + length);
  }

  /** A live view of guest memory to write into (its pages are marked dirty). */
  writableBytes(address: number, length: number): Uint8Array {
    const offset = this.written(address, length);
    return this.ram.subarray(offset, offset + length);
  }

  write(address: number, data: Uint8Array): void {
    this.ram.set(data, this.written(address, data.length));
  }

  u16(address: number): number {
    return this.view.getUint16(this.offset(address, 2), true);
  }

  setU16(address: number, value: number): void {
    this.view.setUint16(this.written(address, 2), value, true);
  }

  u32(address: number): number {
    return this.view.getUint32(this.offset(address, 4), true);
  }

  setU32(address: number, value: number): void {
    this.view.setUint32(this.written(address, 4), value, true);
  }

  /** A 64-bit value as a number (guest physical addresses fit in 53 bits). */
  u64(address: number): number {
    const offset = this.offset(address, 8);
    return this.view.getUint32(offset, true) + this.view.getUint32(offset + 4, true) * 2 ** 32;
  }
}
