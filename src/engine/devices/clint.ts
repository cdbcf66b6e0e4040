// The core-local interruptor (SiFive CLINT / ACLINT MSWI+MTIMER) for one hart: msip at 0x0,
// mtimecmp at 0x4000, mtime at 0xbff8. mtime is the board's clock.
import type { MmioDevice } from '../bus.js';
import { StateReader } from './state-error.js';

export interface ClintState {
  msip: number;
  /** In ticks of the board's clock, a number (see below). */
  mtimecmp: number;
}

export class Clint implements MmioDevice {
  msip = 0;
  mtimecmp = Number.MAX_SAFE_INTEGER; // held as a number: 53 bits of 10 MHz ticks are 28 years

  constructor(
    private readonly now: () => number,
    private readonly onChange: () => void,
  ) {}

  /** Machine timer interrupt pending: mtime >= mtimecmp. */
  get timerPending(): boolean {
    return this.now() >= this.mtimecmp;
  }

  read(offset: number): number {
    if (offset === 0) return this.msip;
    if (offset === 0x4000) return this.mtimecmp >>> 0;
    if (offset === 0x4004) return Math.floor(this.mtimecmp / 2 ** 32);
    if (offset === 0xbff8) return this.now() >>> 0;
    if (offset === 0xbffc) return Math.floor(this.now() / 2 ** 32);
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset === 0) this.msip = value & 1;
    else if (offset === 0x4000)
      this.mtimecmp = Math.floor(this.mtimecmp / 2 ** 32) * 2 ** 32 + value;
    else if (offset === 0x4004)
      this.mtimecmp = Math.min(
        value * 2 ** 32 + (this.mtimecmp % 2 ** 32),
        Number.MAX_SAFE_INTEGER,
      );
    else return;
    this.onChange();
  }

  saveState(): ClintState {
    return { msip: this.msip, mtimecmp: this.mtimecmp };
  }

  /** Takes a saved state and re-drives the software interrupt (the timer's is mtime vs mtimecmp). */
  restoreState(state: ClintState): void {
    const r = new StateReader('clint', state);
    const msip = r.integer('msip', 0, 1);
    const mtimecmp = r.integer('mtimecmp', 0, Number.MAX_SAFE_INTEGER);
    this.msip = msip;
    this.mtimecmp = mtimecmp;
    this.onChange();
  }
}
