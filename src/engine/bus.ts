// The physical address map seen by the hart outside RAM: a table of device ranges. RAM itself is
// handled inside the wasm hart (the fast path); every other access calls out to here.

/** A memory-mapped device. Offsets are relative to the device's base; sizes are 1, 2 or 4 bytes. */
export interface MmioDevice {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

/** What a device access answers; the numbers are the hart's MMIO_* codes (mmu.ts). */
export const enum MmioResult {
  Ok = 0,
  AccessFault = 1,
  /** Done, and the device wants the run loop to return to the host soon (e.g. poweroff). */
  Yield = 2,
}

interface Range {
  base: number;
  size: number;
  name: string;
  device: MmioDevice;
}

export class Bus {
  private readonly ranges: Range[] = [];
  private last: Range | undefined;
  /** Set by a device to make the current run() return to the host after this access. */
  yieldRequested = false;

  /** Maps `device` at [base, base + size). Ranges must not overlap. */
  map(base: number, size: number, name: string, device: MmioDevice): void {
    for (const r of this.ranges) {
      if (base < r.base + r.size && r.base < base + size) {
        throw new Error(
          `bus: ${name} at 0x${base.toString(16)} overlaps ${r.name} at 0x${r.base.toString(16)}`,
        );
      }
    }
    this.ranges.push({ base, size, name, device });
    this.ranges.sort((a, b) => a.base - b.base);
  }

  private find(address: number): Range | undefined {
    const last = this.last;
    if (last && address >= last.base && address < last.base + last.size) return last;
    for (const r of this.ranges) {
      if (address >= r.base && address < r.base + r.size) return (this.last = r);
    }
    return undefined;
  }

  /**
   * Reads `size` bytes at physical `address` into `out` as [low, high] 32-bit halves.
   * An 8-byte access is two 4-byte accesses, low word first.
   */
  read(address: number, size: number, out: Uint32Array): MmioResult {
    const r = this.find(address);
    if (!r || address + size > r.base + r.size) return MmioResult.AccessFault;
    const offset = address - r.base;
    if (size === 8) {
      out[0] = r.device.read(offset, 4);
      out[1] = r.device.read(offset + 4, 4);
    } else {
      out[0] = r.device.read(offset, size as 1 | 2 | 4);
      out[1] = 0;
    }
    return this.answer();
  }

  /** Writes `size` bytes of the value held as [low, high] halves in `data` to physical `address`. */
  write(address: number, size: number, data: Uint32Array): MmioResult {
    const r = this.find(address);
    if (!r || address + size > r.base + r.size) return MmioResult.AccessFault;
    const offset = address - r.base;
    if (size === 8) {
      r.device.write(offset, 4, data[0]);
      r.device.write(offset + 4, 4, data[1]);
    } else {
      const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
      r.device.write(offset, size as 1 | 2 | 4, (data[0] & mask) >>> 0);
    }
    return this.answer();
  }

  private answer(): MmioResult {
    if (!this.yieldRequested) return MmioResult.Ok;
    this.yieldRequested = false;
    return MmioResult.Yield;
  }
}
