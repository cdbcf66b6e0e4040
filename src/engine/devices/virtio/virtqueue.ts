// A split virtqueue as the device side sees it (Virtio 1.2, 2.7 "Split Virtqueues"): take the
// driver's available descriptor chains, hand back used ones.
import type { GuestMemory } from '../guest-memory.js';

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;

export interface Buffer {
  address: number;
  length: number;
}

/** One descriptor chain: the buffers the device reads, then the ones it writes. */
export interface Chain {
  head: number;
  readable: Buffer[];
  writable: Buffer[];
}

export class VirtqueueError extends Error {}

export class Virtqueue {
  size = 0;
  ready = false;
  descAddress = 0;
  availAddress = 0;
  usedAddress = 0;
  /** Next available-ring index the device has not consumed. */
  lastAvail = 0;

  constructor(readonly maxSize: number) {}

  reset(): void {
    this.size = 0;
    this.ready = false;
    this.descAddress = this.availAddress = this.usedAddress = 0;
    this.lastAvail = 0;
  }

  /** Whether the driver has made chains available that the device has not taken. */
  hasAvailable(memory: GuestMemory): boolean {
    return this.ready && memory.u16(this.availAddress + 2) !== this.lastAvail;
  }

  /** Takes the next available chain, or undefined. */
  pop(memory: GuestMemory): Chain | undefined {
    if (!this.hasAvailable(memory)) return undefined;
    const head = memory.u16(this.availAddress + 4 + 2 * (this.lastAvail % this.size));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return this.walk(memory, head);
  }

  private walk(memory: GuestMemory, head: number): Chain {
    const chain: Chain = { head, readable: [], writable: [] };
    let table = this.descAddress;
    let tableSize = this.size;
    let index = head;
    for (let steps = 0; ; steps++) {
      if (index >= tableSize || steps > tableSize)
        throw new VirtqueueError(`descriptor chain ${head} is malformed`);
      const desc = table + 16 * index;
      const address = memory.u64(desc);
      const length = memory.u32(desc + 8);
      const flags = memory.u16(desc + 12);
      if (flags & DESC_F_INDIRECT) {
        // An indirect table replaces the rest of the chain (2.7.5.3).
        table = address;
        tableSize = length / 16;
        index = 0;
        continue;
      }
      (flags & DESC_F_WRITE ? chain.writable : chain.readable).push({ address, length });
      if (!(flags & DESC_F_NEXT)) return chain;
      index = memory.u16(desc + 14);
    }
  }

  /** Returns a chain to the driver, `written` bytes written into its writable buffers. */
  push(memory: GuestMemory, head: number, written: number): void {
    const usedIndex = memory.u16(this.usedAddress + 2);
    const entry = this.usedAddress + 4 + 8 * (usedIndex % this.size);
    memory.setU32(entry, head);
    memory.setU32(entry + 4, written);
    memory.setU16(this.usedAddress + 2, (usedIndex + 1) & 0xffff);
  }
}

/** Copies `data` into a chain's writable buffers; returns the bytes written. */
export function writeToBuffers(memory: GuestMemory, buffers: Buffer[], data: Uint8Array): number {
  let done = 0;
  for (const b of buffers) {
    if (done >= data.length) break;
    const n = Math.min(b.length, data.length - done);
    memory.write(b.address, data.subarray(done, done + n));
    done += n;
  }
  return done;
}

/** Gathers a chain's readable buffers into one array. */
export function readFromBuffers(memory: GuestMemory, buffers: Buffer[]): Uint8Array {
  const total = buffers.reduce((sum, b) => sum + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    out.set(memory.bytes(b.address, b.length), at);
    at += b.length;
  }
  return out;
}
