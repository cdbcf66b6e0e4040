// The Goldfish RTC's registers as Linux's rtc-goldfish driver uses them: reading the time, setting
// it, and an alarm that raises the interrupt until cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoldfishRtc } from '../../src/engine/devices/goldfish-rtc.js';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;

function rtcAt(startMs: number) {
  const clock = { ms: startMs };
  const irq: boolean[] = [];
  const rtc = new GoldfishRtc(
    () => clock.ms,
    (level) => irq.push(level),
  );
  /** The time as the driver reads it: TIME_LOW first, then the latched TIME_HIGH. */
  const readNs = () => {
    const low = rtc.read(TIME_LOW);
    return (BigInt(rtc.read(TIME_HIGH)) << 32n) | BigInt(low);
  };
  return { rtc, clock, irq, readNs };
}

test("reads the host's time in nanoseconds, both halves of one instant", () => {
  const { clock, readNs, rtc } = rtcAt(Date.UTC(2026, 11, 2, 13, 0, 0) + 0.25);
  assert.equal(readNs(), BigInt(Date.UTC(2026, 11, 2, 13, 0, 0)) * 1_000_000n + 250_000n);
  // TIME_HIGH is what the last TIME_LOW read latched, even when the time has moved on since.
  const low = rtc.read(TIME_LOW);
  clock.ms += 10_000; // the low half wraps every 4.3 s
  assert.equal(
    (BigInt(rtc.read(TIME_HIGH)) << 32n) | BigInt(low),
    BigInt(Date.UTC(2026, 11, 2, 13, 0, 0)) * 1_000_000n + 250_000n,
  );
});

test("setting the time (high, then low, as Linux does) moves the guest's clock, which then runs on", () => {
  const { rtc, clock, readNs } = rtcAt(1_700_000_000_000);
  const wanted = 946_684_800n * 1_000_000_000n; // 2000-01-01
  rtc.write(TIME_HIGH, 4, Number(wanted >> 32n));
  rtc.write(TIME_LOW, 4, Number(wanted & 0xffff_ffffn));
  assert.equal(readNs(), wanted);
  clock.ms += 1500;
  assert.equal(readNs(), wanted + 1_500_000_000n);
});

test('an alarm raises the interrupt when due, and only while enabled and not cleared', () => {
  const { rtc, clock, irq, readNs } = rtcAt(1_700_000_000_000);
  const due = readNs() + 2_000_000_000n;
  rtc.write(ALARM_HIGH, 4, Number(due >> 32n));
  rtc.write(ALARM_LOW, 4, Number(due & 0xffff_ffffn));
  rtc.write(IRQ_ENABLED, 4, 1);
  assert.equal(rtc.read(ALARM_STATUS), 1);
  assert.equal(rtc.msUntilAlarm(), 2000);

  clock.ms += 1999;
  rtc.checkAlarm();
  assert.equal(irq.at(-1), false);
  clock.ms += 1;
  rtc.checkAlarm();
  assert.equal(irq.at(-1), true);
  assert.equal(rtc.read(ALARM_STATUS), 0);
  assert.equal(rtc.msUntilAlarm(), Infinity);

  rtc.write(CLEAR_INTERRUPT, 4, 1);
  assert.equal(irq.at(-1), false);
});

test('an alarm already past fires at once; a cleared one never', () => {
  const { rtc, clock, irq, readNs } = rtcAt(1_700_000_000_000);
  rtc.write(IRQ_ENABLED, 4, 1);
  const past = readNs() - 1n;
  rtc.write(ALARM_HIGH, 4, Number(past >> 32n));
  rtc.write(ALARM_LOW, 4, Number(past & 0xffff_ffffn));
  assert.equal(irq.at(-1), true);
  rtc.write(CLEAR_INTERRUPT, 4, 1);

  const later = readNs() + 1_000_000n;
  rtc.write(ALARM_HIGH, 4, Number(later >> 32n));
  rtc.write(ALARM_LOW, 4, Number(later & 0xffff_ffffn));
  rtc.write(CLEAR_ALARM, 4, 1);
  clock.ms += 5;
  rtc.checkAlarm();
  assert.equal(irq.at(-1), false);
});
