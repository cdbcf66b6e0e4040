// Device access to guest RAM (DMA): physical addresses to views of the hart's RAM, no copies.

export class GuestMemoryError extends Error {}

export class GuestMemory {
  readonly view: DataView;

  constructor(
    readonly ram: Uint8Array,
    readonly base: number,
  ) {
    this.view = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  }

  /** Offset into `ram` of [address, address + length), or an error if it is not all RAM. */
  offset(address: number, length: number): number {
    const offset = address - this.base;
    if (offset < 0 || length < 0 || offset + length > this.ram.length) {
      throw new GuestMemoryError(`DMA to 0x${address.toString(16)}+${length} is outside guest RAM`);
    }
    return offset;
  }

  /** A live view of guest memory (writes through to the guest). */
  bytes(address: number, length: number): Uint8Array {
    const offset = this.offset(address, length);
    return this.ram.subarray(offset, offset + length);
  }

  write(address: number, data: Uint8Array): void {
    this.ram.set(data, this.offset(address, data.length));
  }

  u16(address: number): number {
    return this.view.getUint16(this.offset(address, 2), true);
  }

  setU16(address: number, value: number): void {
    this.view.setUint16(this.offset(address, 2), value, true);
  }

  u32(address: number): number {
    return this.view.getUint32(this.offset(address, 4), true);
  }

  setU32(address: number, value: number): void {
    this.view.setUint32(this.offset(address, 4), value, true);
  }

  /** A 64-bit value as a number (guest physical addresses fit in 53 bits). */
  u64(address: number): number {
    const offset = this.offset(address, 8);
    return this.view.getUint32(offset, true) + this.view.getUint32(offset + 4, true) * 2 ** 32;
  }
}
