// The real-time clock of QEMU's virt board, the Goldfish RTC ("google,goldfish-rtc", Linux's
// drivers/rtc/rtc-goldfish.c): the guest reads the host's wall-clock time, in nanoseconds since
// 1970, so its `date` is today's without a network or a clock saved in the image. It can also set
// an alarm that raises the device's interrupt.
//
// Registers, 32 bits each:
//   0x00 TIME_LOW        read: the time's low half (and latches the high half); write: set it
//   0x04 TIME_HIGH       read: the high half latched by the last TIME_LOW read; write: set it
//   0x08 ALARM_LOW       write: the alarm's low half, and arm the alarm
//   0x0c ALARM_HIGH      write: the alarm's high half (written first)
//   0x10 IRQ_ENABLED     bit 0: the alarm may raise the interrupt
//   0x14 CLEAR_ALARM     write: disarm the alarm
//   0x18 ALARM_STATUS    read: 1 while an alarm is armed
//   0x1c CLEAR_INTERRUPT write: lower the interrupt
import type { MmioDevice } from '../bus.js';
import { StateReader } from './state-error.js';

const LOW32 = 0xffff_ffffn;
const U64 = (1n << 64n) - 1n;
/**
 * Beyond any offset a guest can reach: a write sets its time below 2^64 ns, or (from a time
 * before 1970) moves it by less than 2^32 ns.
 */
const MAX_OFFSET = 1n << 100n;

/** Bigints as decimal strings (JSON has none). */
export interface GoldfishRtcState {
  /** The guest's time minus the host's, in ns: kept, so the guest's clock follows the host's. */
  offsetNs: string;
  latchedHigh: number;
  alarmNs: string;
  alarmArmed: boolean;
  irqEnabled: boolean;
  irqPending: boolean;
}

export class GoldfishRtc implements MmioDevice {
  /**
   * The guest's time minus the host's, in ns: a guest that sets the clock (hwclock --systohc)
   * moves its own time, never the host's.
   */
  offsetNs = 0n;
  /** TIME_HIGH as of the last TIME_LOW read, so that the two halves are of one instant. */
  latchedHigh = 0;
  alarmNs = 0n;
  alarmArmed = false;
  irqEnabled = false;
  irqPending = false;

  /** `wallClockMs` is the host's time in ms since 1970 (with a fraction). */
  constructor(
    private readonly wallClockMs: () => number,
    private readonly setIrq: (level: boolean) => void,
  ) {}

  /** The guest's time in ns since 1970. */
  nowNs(): bigint {
    const ms = this.wallClockMs();
    const whole = Math.floor(ms);
    return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6)) + this.offsetNs;
  }

  read(offset: number): number {
    switch (offset) {
      case 0x00: {
        const now = this.nowNs();
        this.latchedHigh = Number(now >> 32n);
        return Number(now & LOW32);
      }
      case 0x04:
        return this.latchedHigh;
      case 0x08:
        return Number(this.alarmNs & LOW32);
      case 0x0c:
        return Number(this.alarmNs >> 32n);
      case 0x10:
        return this.irqEnabled ? 1 : 0;
      case 0x18:
        return this.alarmArmed ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    const half = BigInt(value >>> 0);
    switch (offset) {
      case 0x00:
      case 0x04: {
        // Setting one half keeps the other half of the current time (Linux writes HIGH, then LOW).
        const now = this.nowNs();
        const set = offset === 0 ? (now & ~LOW32) | half : (half << 32n) | (now & LOW32);
        this.offsetNs += set - now;
        break;
      }
      case 0x08:
        this.alarmNs = (this.alarmNs & ~LOW32) | half;
        this.alarmArmed = true;
        this.checkAlarm(); // an alarm already past fires at once
        break;
      case 0x0c:
        this.alarmNs = (half << 32n) | (this.alarmNs & LOW32);
        break;
      case 0x10:
        this.irqEnabled = (value & 1) !== 0;
        this.updateIrq();
        break;
      case 0x14:
        this.alarmArmed = false;
        break;
      case 0x1c:
        this.irqPending = false;
        this.updateIrq();
        break;
    }
  }

  /** Fires the alarm if its time has come; the board calls it as time passes. */
  checkAlarm(): void {
    if (!this.alarmArmed || this.nowNs() < this.alarmNs) return;
    this.alarmArmed = false;
    this.irqPending = true;
    this.updateIrq();
  }

  /** Milliseconds until the armed alarm is due (Infinity without one): how long the board may sleep. */
  msUntilAlarm(): number {
    if (!this.alarmArmed) return Infinity;
    return Math.max(0, Number(this.alarmNs - this.nowNs()) / 1e6);
  }

  saveState(): GoldfishRtcState {
    return {
      offsetNs: this.offsetNs.toString(),
      latchedHigh: this.latchedHigh,
      alarmNs: this.alarmNs.toString(),
      alarmArmed: this.alarmArmed,
      irqEnabled: this.irqEnabled,
      irqPending: this.irqPending,
    };
  }

  /**
   * Takes a saved state and drives the line to match it. An alarm that came due while the state
   * was saved fires at the board's next checkAlarm.
   */
  restoreState(state: GoldfishRtcState): void {
    const r = new StateReader('goldfish-rtc', state);
    const offsetNs = r.bigint('offsetNs', -MAX_OFFSET, MAX_OFFSET);
    const latchedHigh = r.integer('latchedHigh', 0, 0xffff_ffff);
    const alarmNs = r.bigint('alarmNs', 0n, U64);
    const alarmArmed = r.boolean('alarmArmed');
    const irqEnabled = r.boolean('irqEnabled');
    const irqPending = r.boolean('irqPending');
    this.offsetNs = offsetNs;
    this.latchedHigh = latchedHigh;
    this.alarmNs = alarmNs;
    this.alarmArmed = alarmArmed;
    this.irqEnabled = irqEnabled;
    this.irqPending = irqPending;
    this.updateIrq();
  }

  private updateIrq(): void {
    this.setIrq(this.irqPending && this.irqEnabled);
  }
}
