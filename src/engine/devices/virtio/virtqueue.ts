// A split virtqueue as the device side sees it (Virtio 1.2, 2.7 "Split Virtqueues"): take the
// driver's available descriptor chains, hand back used ones.
import type { GuestMemory } from '../guest-memory.js';
import { StateReader } from '../state-error.js';

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;
const DESC_SIZE = 16;
/** Guest-physical addresses are below 2^64 (held as numbers: exact below 2^53, as RAM is). */
const MAX_ADDRESS = 2 ** 64 - 1;

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

export interface VirtqueueState {
  size: number;
  ready: boolean;
  descAddress: number;
  availAddress: number;
  usedAddress: number;
  lastAvail: number;
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
  /** Chains returned since the transport last told the driver (see VirtioMmio.run). */
  usedSinceInterrupt = false;

  constructor(readonly maxSize: number) {}

  reset(): void {
    this.size = 0;
    this.ready = false;
    this.descAddress = this.availAddress = this.usedAddress = 0;
    this.lastAvail = 0;
    this.usedSinceInterrupt = false;
  }

  /** Whether the driver has made chains available that the device has not taken. */
  hasAvailable(memory: GuestMemory): boolean {
    return this.ready && memory.u16(this.availAddress + 2) !== this.lastAvail;
  }

  /**
   * Takes the next available chain, or undefined. All or nothing: the chain is walked, and its
   * buffers and the used ring checked to be RAM that is present, before lastAvail moves; so an
   * error (a malformed chain, a page not restored yet) leaves the queue as it was, and once a
   * chain is taken, serving it and returning it cannot fail on memory.
   */
  pop(memory: GuestMemory): Chain | undefined {
    if (!this.hasAvailable(memory)) return undefined;
    // 2.7 "Queue Size value is always a power of 2"; the driver wrote it (QueueNum) or left 0.
    if (this.size === 0 || (this.size & (this.size - 1)) !== 0)
      throw new VirtqueueError(`queue size ${this.size} is not a power of 2`);
    const head = memory.u16(this.availAddress + 4 + 2 * (this.lastAvail % this.size));
    const chain = this.walk(memory, head);
    for (const b of [...chain.readable, ...chain.writable])
      if (b.length > 0) memory.check(b.address, b.length);
    // The whole used ring (flags, idx, ring[size], avail_event): pushes to come land in it.
    memory.check(this.usedAddress, 6 + 8 * this.size);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return chain;
  }

  private walk(memory: GuestMemory, head: number): Chain {
    const chain: Chain = { head, readable: [], writable: [] };
    let table = this.descAddress;
    let tableSize = this.size;
    let indirect = false;
    let index = head;
    // A chain visits each descriptor of a table at most once: more steps mean a loop.
    for (let steps = 0; ; steps++) {
      if (index >= tableSize || steps >= tableSize)
        throw new VirtqueueError(`descriptor chain ${head} is malformed (a loop or a bad index)`);
      const desc = table + DESC_SIZE * index;
      const address = memory.u64(desc);
      const length = memory.u32(desc + 8);
      const flags = memory.u16(desc + 12);
      if (flags & DESC_F_INDIRECT) {
        // An indirect table replaces the rest of the chain (2.7.5.3); it holds whole
        // descriptors, holds no further indirect one, and the descriptor naming it has no NEXT
        // (2.7.5.3.1).
        if (indirect || flags & DESC_F_NEXT || length === 0 || length % DESC_SIZE !== 0)
          throw new VirtqueueError(`descriptor chain ${head} has a malformed indirect table`);
        table = address;
        tableSize = length / DESC_SIZE;
        indirect = true;
        index = 0;
        steps = -1;
        continue;
      }
      (flags & DESC_F_WRITE ? chain.writable : chain.readable).push({ address, length });
      if (!(flags & DESC_F_NEXT)) return chain;
      index = memory.u16(desc + 14);
    }
  }

  /**
   * Returns a chain to the driver, `written` bytes written into its writable buffers. Cannot
   * fail on memory after pop has checked the used ring.
   */
  push(memory: GuestMemory, head: number, written: number): void {
    const usedIndex = memory.u16(this.usedAddress + 2);
    const entry = this.usedAddress + 4 + 8 * (usedIndex % this.size);
    memory.setU32(entry, head);
    memory.setU32(entry + 4, written);
    memory.setU16(this.usedAddress + 2, (usedIndex + 1) & 0xffff);
    this.usedSinceInterrupt = true;
  }

  saveState(): VirtqueueState {
    const { size, ready, descAddress, availAddress, usedAddress, lastAvail } = this;
    return { size, ready, descAddress, availAddress, usedAddress, lastAvail };
  }

  /** Checks a saved queue (`reader` over it, inside its transport's state), changing nothing. */
  readState(reader: StateReader): VirtqueueState {
    return {
      size: reader.integer('size', 0, this.maxSize),
      ready: reader.boolean('ready'),
      descAddress: reader.integer('descAddress', 0, MAX_ADDRESS),
      availAddress: reader.integer('availAddress', 0, MAX_ADDRESS),
      usedAddress: reader.integer('usedAddress', 0, MAX_ADDRESS),
      lastAvail: reader.integer('lastAvail', 0, 0xffff),
    };
  }

  restoreState(saved: VirtqueueState): void {
    const state = this.readState(new StateReader('virtqueue', saved));
    this.size = state.size;
    this.ready = state.ready;
    this.descAddress = state.descAddress;
    this.availAddress = state.availAddress;
    this.usedAddress = state.usedAddress;
    this.lastAvail = state.lastAvail;
    this.usedSinceInterrupt = false;
  }
}

/** Copies `data` into a chain's writable buffers; returns the bytes written. */
export function writeToBuffers(memory: GuestMemory, buffers: Buffer[], data: Uint8Array): number {
  let done = 0;
  for (const b of buffers) {
    if (done >= data.length) break;
    const n = Math.min(b.length, data.length - done);
    if (n > 0) memory.write(b.address, data.subarray(done, done + n));
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
    if (b.length > 0) out.set(memory.bytes(b.address, b.length), at);
    at += b.length;
  }
  return out;
}
