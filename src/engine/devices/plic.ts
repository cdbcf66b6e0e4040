// The platform-level interrupt controller (SiFive PLIC, as on QEMU's virt board) for one hart
// with two contexts: 0 = machine mode (drives MEIP), 1 = supervisor mode (drives SEIP).
// Sources are level-triggered; a claimed source is not pending again until completed.
import type { MmioDevice } from '../bus.js';
import { StateReader } from './state-error.js';

const SOURCES = 32; // source 0 does not exist; 1..31
const CONTEXTS = 2;

/** Bit sets hold one bit per source, as unsigned 32-bit numbers. */
export interface PlicState {
  priority: number[];
  /** The sources' line levels as last set by their devices. */
  level: number;
  pending: number;
  claimed: number;
  enable: number[];
  threshold: number[];
}

const U32 = 0xffff_ffff;

export class Plic implements MmioDevice {
  private priority = new Array<number>(SOURCES).fill(0);
  private level = 0; // current line levels, one bit per source
  private pending = 0;
  private claimed = 0;
  private enable = new Array<number>(CONTEXTS).fill(0);
  private threshold = new Array<number>(CONTEXTS).fill(0);

  /** `onOutput(context, level)` drives the hart's external-interrupt lines. */
  constructor(private readonly onOutput: (context: number, level: boolean) => void) {}

  /** Sets the level of source `id` (1..31). */
  setLevel(id: number, high: boolean): void {
    const bit = 1 << id;
    if (high) {
      this.level |= bit;
      if (!(this.claimed & bit)) this.pending |= bit;
    } else {
      this.level &= ~bit;
      this.pending &= ~bit;
    }
    this.update();
  }

  private best(context: number): number {
    let best = 0;
    let bestPriority = this.threshold[context];
    const candidates = this.pending & this.enable[context];
    for (let id = 1; id < SOURCES; id++) {
      if (candidates & (1 << id) && this.priority[id] > bestPriority) {
        best = id;
        bestPriority = this.priority[id];
      }
    }
    return best;
  }

  private update(): void {
    for (let c = 0; c < CONTEXTS; c++) this.onOutput(c, this.best(c) !== 0);
  }

  read(offset: number): number {
    if (offset < 0x1000) return this.priority[offset >> 2] ?? 0;
    if (offset === 0x1000) return this.pending >>> 0;
    if (offset >= 0x2000 && offset < 0x2000 + 0x80 * CONTEXTS) {
      return (offset & 0x7f) === 0 ? this.enable[(offset - 0x2000) >> 7] >>> 0 : 0;
    }
    if (offset >= 0x200000) {
      const context = (offset - 0x200000) >> 12;
      if (context >= CONTEXTS) return 0;
      if ((offset & 0xfff) === 0) return this.threshold[context];
      if ((offset & 0xfff) === 4) {
        // claim
        const id = this.best(context);
        if (id) {
          this.pending &= ~(1 << id);
          this.claimed |= 1 << id;
          this.update();
        }
        return id;
      }
    }
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset < 0x1000) {
      const id = offset >> 2;
      if (id > 0 && id < SOURCES) this.priority[id] = value & 7;
    } else if (offset >= 0x2000 && offset < 0x2000 + 0x80 * CONTEXTS) {
      if ((offset & 0x7f) === 0) this.enable[(offset - 0x2000) >> 7] = value & ~1;
    } else if (offset >= 0x200000) {
      const context = (offset - 0x200000) >> 12;
      if (context >= CONTEXTS) return;
      if ((offset & 0xfff) === 0) this.threshold[context] = value & 7;
      else if ((offset & 0xfff) === 4) {
        // complete: the gateway lets the source through again
        const bit = 1 << (value & 31);
        this.claimed &= ~bit;
        if (this.level & bit) this.pending |= bit;
      }
    } else return;
    this.update();
  }

  saveState(): PlicState {
    return {
      priority: [...this.priority],
      level: this.level >>> 0,
      pending: this.pending >>> 0,
      claimed: this.claimed >>> 0,
      enable: this.enable.map((word) => word >>> 0),
      threshold: [...this.threshold],
    };
  }

  /**
   * Takes a saved state and drives both contexts' outputs to match it. The devices restored
   * after it set their levels again, which changes nothing: in any state the PLIC reaches,
   * pending = level & ~claimed.
   */
  restoreState(state: PlicState): void {
    const r = new StateReader('plic', state);
    const priority = r.integers('priority', SOURCES, 0, 7);
    const level = r.integer('level', 0, U32);
    const pending = r.integer('pending', 0, U32);
    const claimed = r.integer('claimed', 0, U32);
    const enable = r.integers('enable', CONTEXTS, 0, U32);
    const threshold = r.integers('threshold', CONTEXTS, 0, 7);
    this.priority = priority;
    this.level = level | 0;
    this.pending = pending | 0;
    this.claimed = claimed | 0;
    this.enable = enable.map((bits) => bits | 0);
    this.threshold = threshold;
    this.update();
  }
}
