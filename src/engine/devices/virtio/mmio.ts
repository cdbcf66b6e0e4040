// The virtio-mmio transport, version 2 (Virtio 1.2, 4.2 "Virtio Over MMIO"). One transport class
// serves every device type; a device adds only its ID, features, config space and queue handling.
import type { MmioDevice } from '../../bus.js';
import type { GuestMemory } from '../guest-memory.js';
import { Virtqueue } from './virtqueue.js';

const MAGIC = 0x74726976; // "virt"
const VENDOR = 0x554d4551; // "QEMU", the vendor ID Linux expects no quirks for
const STATUS_DRIVER_OK = 4;
const STATUS_NEEDS_RESET = 64;
export const F_VERSION_1 = 32; // feature bit numbers above 31 live in the second feature word

/** What a virtio device type implements on top of the transport. */
export interface VirtioDeviceType {
  readonly deviceId: number;
  /** Feature bits offered, as bit numbers. */
  readonly features: number[];
  readonly queueSizes: number[];
  readConfig(offset: number, size: number): number;
  writeConfig?(offset: number, size: number, value: number): void;
  /** The driver made buffers available on queue `index`. */
  notify(index: number): void;
  /** The driver set DRIVER_OK: queues are live. */
  activate?(): void;
  reset?(): void;
}

export class VirtioMmio implements MmioDevice {
  readonly queues: Virtqueue[];
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = [0, 0];
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;

  constructor(
    readonly type: VirtioDeviceType,
    readonly memory: GuestMemory,
    private readonly onIrq: (level: boolean) => void,
  ) {
    this.queues = type.queueSizes.map((size) => new Virtqueue(size));
  }

  get driverOk(): boolean {
    return (this.status & STATUS_DRIVER_OK) !== 0 && (this.status & STATUS_NEEDS_RESET) === 0;
  }

  /** Whether the driver accepted feature bit `bit`. */
  hasFeature(bit: number): boolean {
    return ((this.driverFeatures[bit >> 5] >>> (bit & 31)) & 1) === 1;
  }

  /** Tells the driver that used buffers are waiting (2.3 "Notifications"). */
  interruptUsed(): void {
    this.interruptStatus |= 1;
    this.onIrq(true);
  }

  /** Tells the driver the configuration space changed. */
  interruptConfig(): void {
    this.configGeneration++;
    this.interruptStatus |= 2;
    this.onIrq(true);
  }

  /** The device hit an unrecoverable error (e.g. a malformed descriptor). */
  fail(): void {
    this.status |= STATUS_NEEDS_RESET;
    this.interruptConfig();
  }

  private featureWord(sel: number): number {
    let word = 0;
    for (const bit of [...this.type.features, F_VERSION_1])
      if (bit >> 5 === sel) word |= 1 << (bit & 31);
    return word >>> 0;
  }

  private get queue(): Virtqueue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, size: number): number {
    if (offset >= 0x100) return this.type.readConfig(offset - 0x100, size);
    switch (offset) {
      case 0x000:
        return MAGIC;
      case 0x004:
        return 2;
      case 0x008:
        return this.type.deviceId;
      case 0x00c:
        return VENDOR;
      case 0x010:
        return this.featureWord(this.deviceFeaturesSel);
      case 0x034:
        return this.queue?.maxSize ?? 0;
      case 0x044:
        return this.queue?.ready ? 1 : 0;
      case 0x060:
        return this.interruptStatus;
      case 0x070:
        return this.status;
      case 0x0fc:
        return this.configGeneration;
    }
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    if (offset >= 0x100) {
      this.type.writeConfig?.(offset - 0x100, size, value);
      return;
    }
    const q = this.queue;
    switch (offset) {
      case 0x014:
        this.deviceFeaturesSel = value;
        break;
      case 0x020:
        if (this.driverFeaturesSel < 2)
          this.driverFeatures[this.driverFeaturesSel] =
            value & this.featureWord(this.driverFeaturesSel);
        break;
      case 0x024:
        this.driverFeaturesSel = value;
        break;
      case 0x030:
        this.queueSel = value;
        break;
      case 0x038:
        if (q) q.size = Math.min(value, q.maxSize);
        break;
      case 0x044:
        if (q) q.ready = (value & 1) === 1;
        break;
      case 0x050:
        if (this.driverOk && value < this.queues.length) this.type.notify(value);
        break;
      case 0x064:
        this.interruptStatus &= ~value;
        if (this.interruptStatus === 0) this.onIrq(false);
        break;
      case 0x070:
        if (value === 0) this.reset();
        else {
          const wasOk = this.driverOk;
          this.status = value;
          if (!wasOk && this.driverOk) this.type.activate?.();
        }
        break;
      case 0x080:
        if (q) q.descAddress = q.descAddress - (q.descAddress >>> 0) + value;
        break;
      case 0x084:
        if (q) q.descAddress = value * 2 ** 32 + (q.descAddress >>> 0);
        break;
      case 0x090:
        if (q) q.availAddress = q.availAddress - (q.availAddress >>> 0) + value;
        break;
      case 0x094:
        if (q) q.availAddress = value * 2 ** 32 + (q.availAddress >>> 0);
        break;
      case 0x0a0:
        if (q) q.usedAddress = q.usedAddress - (q.usedAddress >>> 0) + value;
        break;
      case 0x0a4:
        if (q) q.usedAddress = value * 2 ** 32 + (q.usedAddress >>> 0);
        break;
    }
  }

  private reset(): void {
    this.status = 0;
    this.driverFeatures = [0, 0];
    this.interruptStatus = 0;
    this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.type.reset?.();
    this.onIrq(false);
  }
}
