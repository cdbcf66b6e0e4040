// A minimal virtio driver for tests: guest RAM as a plain Uint8Array, a VirtioMmio transport
// set up through its registers as Linux's virtio_mmio driver does (Virtio 1.2, 3.1.1 and 4.2.3),
// and split virtqueues whose descriptors, rings and buffers the test places by hand.
import { GuestMemory } from '../../../src/engine/devices/guest-memory.js';
import {
  VirtioMmio,
  type VirtioDeviceType,
  type VirtioMmioOptions,
} from '../../../src/engine/devices/virtio/mmio.js';
import { PageMap } from '../../../src/engine/page-map.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 1 << 20;
/** Where tests put their buffers: past the queues' rings. */
export const BUFFERS = RAM_BASE + 0x40000;

export const STATUS = 0x070;
export const QUEUE_NOTIFY = 0x050;
export const INTERRUPT_STATUS = 0x060;
export const INTERRUPT_ACK = 0x064;
export const STATUS_NEEDS_RESET = 64;
export const INTERRUPT_USED = 1;
export const INTERRUPT_CONFIG = 2;

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;

/** One buffer of a chain as the driver describes it. */
export interface TestBuffer {
  address: number;
  length: number;
  /** Device-writable. */
  write?: boolean;
}

/** Guest RAM with a page map (all present) and the device memory view over it. */
export function guestRam(): { ram: Uint8Array; pages: PageMap; memory: GuestMemory } {
  const ram = new Uint8Array(RAM_SIZE);
  const pages = new PageMap(new Uint8Array(RAM_SIZE >>> 12));
  return { ram, pages, memory: new GuestMemory(ram, RAM_BASE, pages) };
}

export class TestDriver {
  readonly transport: VirtioMmio;
  /** The transport's interrupt line, as last driven. */
  irq = false;
  /** The driver's own state (a real guest's is in its memory): the next free descriptor per queue. */
  private readonly nextDesc: number[];
  private readonly sizes: number[];

  constructor(
    readonly type: VirtioDeviceType & { attach(transport: VirtioMmio): unknown },
    readonly memory: GuestMemory,
    options: VirtioMmioOptions = {},
    /** Queue sizes the driver picks (QueueNum); the device's maximum by default. */
    sizes?: number[],
  ) {
    this.transport = new VirtioMmio(type, memory, (level) => (this.irq = level), options);
    type.attach(this.transport);
    this.sizes = sizes ?? type.queueSizes;
    this.nextDesc = this.sizes.map(() => 0);
  }

  /** Takes over another driver's bookkeeping (a restored guest's driver goes on where it was). */
  continueFrom(other: TestDriver): this {
    other.nextDesc.forEach((next, q) => (this.nextDesc[q] = next));
    return this;
  }

  /** Rings of queue `q`: descriptor table, available ring, used ring, 16 KiB apart per queue. */
  rings(q: number): { desc: number; avail: number; used: number } {
    const base = RAM_BASE + q * 0xc000;
    return { desc: base, avail: base + 0x4000, used: base + 0x8000 };
  }

  /** Initialises the device (3.1.1): ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK. */
  setUp(): this {
    const t = this.transport;
    t.write(STATUS, 4, 0);
    t.write(STATUS, 4, 1 | 2);
    t.write(0x024, 4, 1); // DriverFeaturesSel: word 1 holds VIRTIO_F_VERSION_1
    t.write(0x020, 4, 1);
    t.write(STATUS, 4, 1 | 2 | 8);
    this.sizes.forEach((size, q) => {
      const { desc, avail, used } = this.rings(q);
      this.memory.ram.fill(0, desc - RAM_BASE, desc - RAM_BASE + 0xc000);
      t.write(0x030, 4, q);
      t.write(0x038, 4, size);
      t.write(0x080, 4, desc);
      t.write(0x084, 4, 0);
      t.write(0x090, 4, avail);
      t.write(0x094, 4, 0);
      t.write(0x0a0, 4, used);
      t.write(0x0a4, 4, 0);
      t.write(0x044, 4, 1);
      this.nextDesc[q] = 0;
    });
    t.write(STATUS, 4, 1 | 2 | 8 | 4);
    return this;
  }

  /** Writes descriptor `index` of the table at `table`. */
  descriptor(
    table: number,
    index: number,
    address: number,
    length: number,
    flags: number,
    next = 0,
  ): void {
    const m = this.memory;
    const at = table + 16 * index - m.base;
    m.view.setUint32(at, address >>> 0, true);
    m.view.setUint32(at + 4, Math.floor(address / 2 ** 32), true);
    m.view.setUint32(at + 8, length, true);
    m.view.setUint16(at + 12, flags, true);
    m.view.setUint16(at + 14, next, true);
  }

  /** Puts `head` in queue q's available ring and publishes it. */
  makeAvailable(q: number, head: number): void {
    const m = this.memory;
    const { avail } = this.rings(q);
    const index = m.view.getUint16(avail + 2 - m.base, true);
    m.view.setUint16(avail + 4 + 2 * (index % this.sizes[q]) - m.base, head, true);
    m.view.setUint16(avail + 2 - m.base, (index + 1) & 0xffff, true);
  }

  /** Offers a chain of buffers on queue q; returns its head. Does not notify. */
  offer(q: number, buffers: TestBuffer[]): number {
    const { desc } = this.rings(q);
    const indexes = buffers.map(() => this.nextDesc[q]++ % this.sizes[q]);
    buffers.forEach((b, i) => {
      const last = i === buffers.length - 1;
      const flags = (b.write ? DESC_F_WRITE : 0) | (last ? 0 : DESC_F_NEXT);
      this.descriptor(desc, indexes[i], b.address, b.length, flags, last ? 0 : indexes[i + 1]);
    });
    this.makeAvailable(q, indexes[0]);
    return indexes[0];
  }

  /** Offers one descriptor naming an indirect table of `length` bytes at `table`. */
  offerIndirect(q: number, table: number, length: number): number {
    const head = this.nextDesc[q]++ % this.sizes[q];
    this.descriptor(this.rings(q).desc, head, table, length, DESC_F_INDIRECT);
    this.makeAvailable(q, head);
    return head;
  }

  notify(q: number): void {
    this.transport.write(QUEUE_NOTIFY, 4, q);
  }

  /** The used ring of queue q: every entry returned so far, in order. */
  used(q: number): { id: number; length: number }[] {
    const m = this.memory;
    const { used } = this.rings(q);
    const count = m.view.getUint16(used + 2 - m.base, true);
    return Array.from({ length: count }, (_, i) => {
      const entry = used + 4 + 8 * (i % this.sizes[q]) - m.base;
      return { id: m.view.getUint32(entry, true), length: m.view.getUint32(entry + 4, true) };
    });
  }

  get status(): number {
    return this.transport.read(STATUS, 4);
  }

  get interruptStatus(): number {
    return this.transport.read(INTERRUPT_STATUS, 4);
  }

  /** Acknowledges every interrupt cause (as the driver's handler does). */
  acknowledge(): void {
    this.transport.write(INTERRUPT_ACK, 4, this.interruptStatus);
  }

  /** Guest bytes at `address`. */
  bytes(address: number, length: number): Uint8Array {
    return this.memory.ram.slice(address - RAM_BASE, address - RAM_BASE + length);
  }

  /** Writes guest bytes at `address` (as the driver's CPU would). */
  put(address: number, data: Uint8Array): void {
    this.memory.ram.set(data, address - RAM_BASE);
  }
}
