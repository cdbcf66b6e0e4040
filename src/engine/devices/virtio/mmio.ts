// The virtio-mmio transport, version 2 (Virtio 1.2, 4.2 "Virtio Over MMIO"). One transport class
// serves every device type; a device adds only its ID, features, config space and queue handling.
//
// Device work (a queue notification, activation, and what a device does on the host's behalf,
// such as console input) runs through `run`, and the completion of a chain already taken (a block
// request served asynchronously) through `finish`; both keep failures inside the device:
//   - a fault (a malformed descriptor chain, DMA outside RAM, a bug): the device sets
//     DEVICE_NEEDS_RESET and sends a configuration change interrupt (2.1.2, 4.2.2), then ignores
//     its queues until the driver resets it; the machine runs on;
//   - a page not restored yet (lazy restore, PageMissingError): the host fetches it
//     (onPageMissing) and the interrupted work runs again. Virtqueue.pop takes a chain only
//     when all of it is present, so chains served before the miss are not served twice.
// Used buffers returned during a piece of work are signalled when it ends, even when it fails.
import type { MmioDevice } from '../../bus.js';
import { PAGE_SHIFT, PageMissingError } from '../../page-map.js';
import type { GuestMemory } from '../guest-memory.js';
import { StateReader } from '../state-error.js';
import { Virtqueue, type VirtqueueState } from './virtqueue.js';

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

export interface VirtioMmioOptions {
  /** The device faulted and now needs a reset by its driver; for the host's log. */
  onFault?(error: unknown): void;
  /**
   * The device reached a guest page that is not restored yet: fill it (PageMap.markPresent)
   * and resolve, and the interrupted work runs again; reject, and the device faults.
   */
  onPageMissing?(address: number): Promise<void>;
}

/** The transport's registers and queues (the device type's own state is saved by the type). */
export interface VirtioMmioState {
  status: number;
  deviceFeaturesSel: number;
  driverFeaturesSel: number;
  driverFeatures: number[];
  queueSel: number;
  interruptStatus: number;
  configGeneration: number;
  queues: VirtqueueState[];
}

const U32 = 0xffff_ffff;

export class VirtioMmio implements MmioDevice {
  readonly queues: Virtqueue[];
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = [0, 0];
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  /** One notification per queue, the same function each time (so deferred work is not repeated). */
  private readonly notifiers: (() => void)[];
  private readonly activation = () => this.type.activate?.();
  /** Set while the host fetches a missing page; resolves once the deferred work has run again. */
  private pageWait: Promise<void> | undefined;
  /** Work waiting for that page, the interrupted piece first, each at most once. */
  private deferred: (() => void)[] = [];
  /** The page just filled, while the work that missed it runs again. */
  private filledPage = -1;
  /** Bumped by a reset or a restore: a page wait from before it resumes nothing. */
  private epoch = 0;

  constructor(
    readonly type: VirtioDeviceType,
    readonly memory: GuestMemory,
    private readonly onIrq: (level: boolean) => void,
    private readonly options: VirtioMmioOptions = {},
  ) {
    this.queues = type.queueSizes.map((size) => new Virtqueue(size));
    this.notifiers = this.queues.map((_, index) => () => this.type.notify(index));
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
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    this.interruptStatus |= 2;
    this.onIrq(true);
  }

  /**
   * The device hit an unrecoverable error (e.g. a malformed descriptor): it needs a reset
   * (2.1.2: set DEVICE_NEEDS_RESET and, DRIVER_OK being set, send a configuration change
   * notification), and ignores its queues until then.
   */
  fail(error?: unknown): void {
    this.status |= STATUS_NEEDS_RESET;
    this.interruptConfig();
    this.options.onFault?.(error);
  }

  /**
   * Runs a piece of device work (see the top of the file): skipped while the device is not
   * live, deferred while a missing page is fetched, and failing safely.
   */
  run(work: () => void): void {
    if (this.pageWait) {
      if (!this.deferred.includes(work)) this.deferred.push(work);
      return;
    }
    this.attempt(work);
  }

  /**
   * Runs work on chains already taken (a block request's completion): at once, even while a
   * page is fetched, since pop checked every page such work reaches.
   */
  finish(work: () => void): void {
    if (!this.driverOk) return;
    try {
      work();
    } catch (error) {
      this.fail(error);
    } finally {
      this.signalUsed();
    }
  }

  /** Resolves when no work waits for a missing page (the board waits for it before saving). */
  async idle(): Promise<void> {
    while (this.pageWait) await this.pageWait;
  }

  private attempt(work: () => void): void {
    if (!this.driverOk) return;
    try {
      work();
    } catch (error) {
      this.failed(work, error);
    } finally {
      this.signalUsed();
    }
  }

  private failed(work: () => void, error: unknown): void {
    const { onPageMissing } = this.options;
    if (!(error instanceof PageMissingError) || !onPageMissing) return this.fail(error);
    const page = Math.floor(error.address / 2 ** PAGE_SHIFT);
    if (page === this.filledPage)
      return this.fail(
        new Error(
          `guest page 0x${error.address.toString(16)} is still missing after it was fetched`,
          { cause: error },
        ),
      );
    this.deferred.unshift(work);
    const epoch = this.epoch;
    let fetched: Promise<void>;
    try {
      fetched = onPageMissing(error.address);
    } catch (reason) {
      fetched = Promise.reject(reason as Error);
    }
    this.pageWait = fetched.then(
      () => {
        if (epoch === this.epoch) this.resume(page);
      },
      (reason: unknown) => {
        if (epoch !== this.epoch) return;
        this.pageWait = undefined;
        this.deferred = [];
        this.fail(reason);
      },
    );
  }

  /** The missing page is in: runs the deferred work in order, until done or another miss. */
  private resume(page: number): void {
    this.pageWait = undefined;
    this.filledPage = page;
    while (!this.pageWait && this.deferred.length > 0) this.attempt(this.deferred.shift()!);
    this.filledPage = -1;
  }

  /** Sends the used-buffer interrupt owed for chains returned by the work just done. */
  private signalUsed(): void {
    let used = false;
    for (const q of this.queues) {
      used ||= q.usedSinceInterrupt;
      q.usedSinceInterrupt = false;
    }
    if (used) this.interruptUsed();
  }

  /** Forgets work waiting for a page (a reset or a restore makes it stale). */
  private dropDeferred(): void {
    this.epoch++;
    this.pageWait = undefined;
    this.deferred = [];
    this.filledPage = -1;
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
    if (offset >= 0x100) {
      try {
        return this.type.readConfig(offset - 0x100, size);
      } catch (error) {
        this.fail(error);
        return 0;
      }
    }
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
      try {
        this.type.writeConfig?.(offset - 0x100, size, value);
      } catch (error) {
        this.fail(error);
      }
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
        if (value < this.queues.length) this.run(this.notifiers[value]);
        break;
      case 0x064:
        this.interruptStatus &= ~value;
        if (this.interruptStatus === 0) this.onIrq(false);
        break;
      case 0x070:
        if (value === 0) this.reset();
        else {
          // DEVICE_NEEDS_RESET stays until the driver resets the device (writes 0).
          const wasOk = this.driverOk;
          this.status = (value & 0xff) | (this.status & STATUS_NEEDS_RESET);
          if (!wasOk && this.driverOk) this.run(this.activation);
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
    this.dropDeferred();
    this.type.reset?.();
    this.onIrq(false);
  }

  saveState(): VirtioMmioState {
    return {
      status: this.status,
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      driverFeatures: this.driverFeatures.map((word) => word >>> 0),
      queueSel: this.queueSel,
      interruptStatus: this.interruptStatus,
      configGeneration: this.configGeneration,
      queues: this.queues.map((q) => q.saveState()),
    };
  }

  /**
   * Takes a saved state (all checked before any is taken) and drives the interrupt line to
   * match it. Work waiting for a page is dropped: save only when idle() has resolved.
   */
  restoreState(state: VirtioMmioState): void {
    const r = new StateReader(`virtio-mmio (device ${this.type.deviceId})`, state);
    const status = r.integer('status', 0, 0xff);
    const deviceFeaturesSel = r.integer('deviceFeaturesSel', 0, U32);
    const driverFeaturesSel = r.integer('driverFeaturesSel', 0, U32);
    const driverFeatures = r.integers('driverFeatures', 2, 0, U32);
    const queueSel = r.integer('queueSel', 0, U32);
    const interruptStatus = r.integer('interruptStatus', 0, 3);
    const configGeneration = r.integer('configGeneration', 0, U32);
    const queues = r
      .objects('queues', this.queues.length)
      .map((reader, i) => this.queues[i].readState(reader));
    this.status = status;
    this.deviceFeaturesSel = deviceFeaturesSel;
    this.driverFeaturesSel = driverFeaturesSel;
    this.driverFeatures = driverFeatures.map((word) => word | 0);
    this.queueSel = queueSel;
    this.interruptStatus = interruptStatus;
    this.configGeneration = configGeneration;
    queues.forEach((q, i) => this.queues[i].restoreState(q));
    this.dropDeferred();
    this.onIrq(interruptStatus !== 0);
  }
}
