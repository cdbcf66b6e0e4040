// Device state as data: each device, driven into a state of some substance through its
// registers, saves plain data that survives JSON, and a fresh device restored from it behaves
// the same (same register reads, same interrupt level) without the guest doing anything. A
// malformed state throws StateError naming the device and field, and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clint } from '../../src/engine/devices/clint.js';
import { GoldfishRtc } from '../../src/engine/devices/goldfish-rtc.js';
import { InputQueue } from '../../src/engine/devices/input-queue.js';
import { Plic } from '../../src/engine/devices/plic.js';
import { StateError } from '../../src/engine/devices/state-error.js';
import { Syscon } from '../../src/engine/devices/syscon.js';
import { Uart16550 } from '../../src/engine/devices/uart16550.js';
import { type BlockBackend, VirtioBlock } from '../../src/engine/devices/virtio/block.js';
import { VirtioConsole } from '../../src/engine/devices/virtio/console.js';
import { VirtioEntropy } from '../../src/engine/devices/virtio/entropy.js';
import { CommandChannel, CommandError } from '../../src/engine/command-channel.js';
import {
  BUFFERS,
  INTERRUPT_CONFIG,
  INTERRUPT_STATUS,
  INTERRUPT_USED,
  STATUS,
  TestDriver,
  guestRam,
} from './support/virtio-driver.js';

/**
 * Through JSON and back, as a saved machine travels. Bytes (Uint8Array) go as base64, the one
 * thing JSON cannot carry as it is; everything else must already be plain data.
 */
function throughJson<T>(state: T): T {
  const text = JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
  );
  return JSON.parse(text, (_key, value: unknown) =>
    value && typeof value === 'object' && '$bytes' in value
      ? new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'))
      : value,
  ) as T;
}

/** The interrupt line as a device drives it: its last level. */
function line() {
  const levels: boolean[] = [];
  return {
    set: (level: boolean) => void levels.push(level),
    get level() {
      return levels.at(-1);
    },
    get calls() {
      return levels.length;
    },
  };
}

function assertStateError(restore: () => void, device: string, field: string): void {
  assert.throws(restore, (error: unknown) => {
    assert.ok(error instanceof StateError, `StateError, got ${String(error)}`);
    assert.match(error.message, new RegExp(device));
    assert.match(error.message, new RegExp(field.replace(/[[\].]/g, '\\$&')));
    return true;
  });
}

const bytes = (n: number, seed = 3) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

// --- UART ---------------------------------------------------------------------------------

function uart() {
  const irq = line();
  const sent: number[] = [];
  return { uart: new Uart16550((b) => sent.push(b), irq.set), irq, sent };
}

/** Every register the driver can read without side effects, and with DLAB set, the divisor. */
function uartRegisters(u: Uart16550): number[] {
  const plain = [1, 3, 4, 5, 6, 7].map((offset) => u.read(offset));
  const lcr = u.read(3);
  u.write(3, 1, lcr | 0x80);
  const divisor = [u.read(0), u.read(1)];
  u.write(3, 1, lcr);
  return [...plain, ...divisor];
}

test('UART: registers, receive FIFO and backlog survive a save; the line is re-driven', () => {
  const a = uart();
  a.uart.write(3, 1, 0x80); // DLAB
  a.uart.write(0, 1, 0x0c);
  a.uart.write(1, 1, 0x01);
  a.uart.write(3, 1, 0x03); // 8N1
  a.uart.write(2, 1, 0x07); // FIFO on
  a.uart.write(4, 1, 0x0b);
  a.uart.write(7, 1, 0x5a);
  a.uart.write(1, 1, 0x01); // receive interrupt
  a.uart.receive(bytes(5000)); // more than the FIFO: the rest waits in the backlog
  for (let i = 0; i < 10; i++) a.uart.read(0);
  const state = throughJson(a.uart.saveState());

  const b = uart();
  b.uart.restoreState(state);
  assert.equal(b.irq.level, true, 'receive interrupt raised by the restore itself');
  assert.deepEqual(uartRegisters(b.uart), uartRegisters(a.uart));
  assert.equal(b.uart.read(2), a.uart.read(2), 'IIR');
  const drain = (u: Uart16550) => {
    const out: number[] = [];
    while (u.read(5) & 1) out.push(u.read(0));
    return out;
  };
  const rest = drain(a.uart);
  assert.equal(rest.length, 4990);
  assert.deepEqual(drain(b.uart), rest);
  assert.equal(b.irq.level, a.irq.level);
});

test('UART: a THRE interrupt owed survives', () => {
  const a = uart();
  a.uart.write(1, 1, 0x02);
  const b = uart();
  b.uart.restoreState(throughJson(a.uart.saveState()));
  assert.equal(b.irq.level, true);
  assert.equal(b.uart.read(2) & 0x0f, 0x02);
});

test('UART: a malformed state throws StateError and changes nothing', () => {
  const a = uart();
  a.uart.write(7, 1, 0x42);
  const good = a.uart.saveState();
  const b = uart();
  b.uart.write(7, 1, 0x11);
  assertStateError(() => b.uart.restoreState({ ...good, scr: 300 }), 'uart16550', 'scr');
  assertStateError(
    () => b.uart.restoreState({ ...good, backlog: { bytes: [1, 2] as unknown as Uint8Array } }),
    'uart16550',
    'backlog.bytes',
  );
  assertStateError(
    () => b.uart.restoreState({ ...good, thrPending: 'yes' as unknown as boolean }),
    'uart16550',
    'thrPending',
  );
  assertStateError(() => b.uart.restoreState(null as never), 'uart16550', 'state');
  assert.equal(b.uart.read(7), 0x11, 'scratch register untouched');
  assert.equal(b.irq.calls, 0, 'line untouched');
});

// --- CLINT --------------------------------------------------------------------------------

test('CLINT: msip and mtimecmp survive; the software interrupt is re-driven', () => {
  let now = 1_000_000;
  const changes: number[] = [];
  const a = new Clint(
    () => now,
    () => {},
  );
  a.write(0, 4, 1);
  a.write(0x4004, 4, 0x12);
  a.write(0x4000, 4, 0x3456_789a);
  const b = new Clint(
    () => now,
    () => changes.push(b.msip),
  );
  b.restoreState(throughJson(a.saveState()));
  assert.deepEqual(changes, [1], 'onChange called with msip set');
  for (const offset of [0, 0x4000, 0x4004, 0xbff8]) assert.equal(b.read(offset), a.read(offset));
  assert.equal(b.timerPending, false);
  now = 0x12_3456_789a;
  assert.equal(b.timerPending, true);
  assertStateError(() => b.restoreState({ msip: 2, mtimecmp: 0 }), 'clint', 'msip');
  assertStateError(() => b.restoreState({ msip: 0, mtimecmp: -1 }), 'clint', 'mtimecmp');
  assert.equal(b.msip, 1);
});

// --- PLIC ---------------------------------------------------------------------------------

function plic() {
  const outputs = [line(), line()];
  return { plic: new Plic((context, level) => outputs[context].set(level)), outputs };
}

const CLAIM_S = 0x201004;

test('PLIC: priorities, enables, thresholds, levels and claims survive; outputs re-driven', () => {
  const a = plic();
  a.plic.write(4 * 1, 4, 1); // UART-like source 1
  a.plic.write(4 * 10, 4, 5);
  a.plic.write(4 * 11, 4, 3);
  a.plic.write(0x2080, 4, (1 << 1) | (1 << 10) | (1 << 11)); // S context enables
  a.plic.write(0x201000, 4, 2); // S threshold: source 1 (priority 1) is masked
  a.plic.setLevel(1, true);
  a.plic.setLevel(10, true);
  a.plic.setLevel(11, true);
  assert.equal(a.plic.read(CLAIM_S), 10); // claimed, not completed
  const b = plic();
  b.plic.restoreState(throughJson(a.plic.saveState()));
  assert.equal(b.outputs[1].level, true, 'source 11 still pending for S');
  assert.equal(b.outputs[0].level, false);
  for (const offset of [4, 40, 44, 0x1000, 0x2000, 0x2080, 0x200000, 0x201000])
    assert.equal(b.plic.read(offset), a.plic.read(offset), `0x${offset.toString(16)}`);
  // The same claims, in the same order, on both.
  assert.equal(b.plic.read(CLAIM_S), a.plic.read(CLAIM_S));
  assert.equal(b.plic.read(CLAIM_S), 0);
  // Completing 10 with its line still high makes it pending again, on both.
  a.plic.write(CLAIM_S, 4, 10);
  b.plic.write(CLAIM_S, 4, 10);
  assert.equal(b.plic.read(CLAIM_S), a.plic.read(CLAIM_S));
  assert.equal(b.outputs[1].level, a.outputs[1].level);
});

test('PLIC: devices setting their levels again after the restore change nothing', () => {
  const a = plic();
  a.plic.write(4 * 3, 4, 1);
  a.plic.write(0x2080, 4, 1 << 3);
  a.plic.setLevel(3, true);
  a.plic.read(CLAIM_S);
  const state = a.plic.saveState();
  const b = plic();
  b.plic.restoreState(throughJson(state));
  b.plic.setLevel(3, true);
  assert.deepEqual(b.plic.saveState(), state);
});

test('PLIC: a malformed state throws StateError and changes nothing', () => {
  const good = plic().plic.saveState();
  const b = plic();
  b.plic.write(4 * 2, 4, 6);
  assertStateError(() => b.plic.restoreState({ ...good, priority: [1, 2] }), 'plic', 'priority');
  assertStateError(() => b.plic.restoreState({ ...good, level: -1 }), 'plic', 'level');
  const withoutLevel: Partial<typeof good> = { ...good };
  delete withoutLevel.level;
  assertStateError(() => b.plic.restoreState(withoutLevel as never), 'plic', 'level');
  assert.equal(b.plic.read(8), 6);
});

// --- Goldfish RTC -------------------------------------------------------------------------

test('RTC: the guest clock offset, the alarm and the interrupt survive', () => {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const irqA = line();
  const a = new GoldfishRtc(() => clock.ms, irqA.set);
  // The guest sets its clock an hour ahead, arms an alarm that fires, and latches TIME_HIGH.
  const target = BigInt(clock.ms + 3_600_000) * 1_000_000n;
  a.write(0x04, 4, Number(target >> 32n));
  a.write(0x00, 4, Number(target & 0xffff_ffffn));
  a.write(0x10, 4, 1);
  const alarm = target + 1_000n;
  a.write(0x0c, 4, Number(alarm >> 32n));
  a.write(0x08, 4, Number(alarm & 0xffff_ffffn));
  clock.ms += 1;
  a.checkAlarm();
  assert.equal(irqA.level, true);
  a.write(0x0c, 4, 0x7fff_ffff); // a second alarm, far away, armed
  a.write(0x08, 4, 5);
  a.read(0x00);
  const state = throughJson(a.saveState());
  assert.equal(typeof state.offsetNs, 'string');

  const irqB = line();
  const b = new GoldfishRtc(() => clock.ms, irqB.set);
  b.restoreState(state);
  assert.equal(irqB.level, true, 'interrupt raised by the restore');
  for (const offset of [0x04, 0x08, 0x0c, 0x10, 0x18]) assert.equal(b.read(offset), a.read(offset));
  assert.equal(b.nowNs(), a.nowNs(), 'same guest time for the same host time');
  b.write(0x1c, 4, 0);
  assert.equal(irqB.level, false);
  assertStateError(
    () => b.restoreState({ ...state, offsetNs: '12abc' }),
    'goldfish-rtc',
    'offsetNs',
  );
  assertStateError(() => b.restoreState({ ...state, alarmNs: '-1' }), 'goldfish-rtc', 'alarmNs');
  assert.equal(b.nowNs(), a.nowNs());
});

// --- syscon, input queue --------------------------------------------------------------------

test('syscon: an empty state round-trips; anything but an object is refused', () => {
  const syscon = new Syscon(() => {});
  syscon.restoreState(throughJson(syscon.saveState()));
  assertStateError(() => syscon.restoreState('x' as never), 'syscon', 'state');
});

test('input queue: its bytes survive, in order, across chunks', () => {
  const a = new InputQueue(100);
  a.push(bytes(30, 1));
  a.push(bytes(30, 2));
  a.drop(10);
  const b = new InputQueue(100);
  b.restoreState(throughJson(a.saveState()));
  assert.equal(b.length, 50);
  assert.deepEqual(
    b.saveState().bytes,
    Uint8Array.from([...bytes(30, 1).slice(10), ...bytes(30, 2)]),
  );
  assertStateError(
    () => new InputQueue(10).restoreState({ bytes: new Uint8Array(11) }),
    'input-queue',
    'bytes',
  );
});

// --- virtio -------------------------------------------------------------------------------

/** A copy of guest RAM with a second device set up over it, as a restored machine has. */
function ramCopy(from: TestDriver) {
  const copy = guestRam();
  copy.ram.set(from.memory.ram);
  return copy.memory;
}

function transportRegisters(driver: TestDriver): number[] {
  const t = driver.transport;
  const out = [0x000, 0x004, 0x008, 0x070, INTERRUPT_STATUS, 0x0fc, 0x100, 0x102, 0x104].map((o) =>
    t.read(o, 4),
  );
  for (let q = 0; q < t.queues.length; q++) {
    t.write(0x030, 4, q);
    out.push(t.read(0x034, 4), t.read(0x044, 4));
  }
  for (const sel of [0, 1]) {
    t.write(0x014, 4, sel);
    out.push(t.read(0x010, 4));
  }
  return out;
}

test('virtio console: transport, queues, window size and pending input survive', () => {
  const outA: string[] = [];
  const consoleA = new VirtioConsole((d) => outA.push(new TextDecoder().decode(d)));
  const a = new TestDriver(consoleA, guestRam().memory).setUp();
  consoleA.resize(132, 43);
  // Output the guest sent, and input it has posted no buffer for yet.
  a.put(BUFFERS, new TextEncoder().encode('$ '));
  a.offer(1, [{ address: BUFFERS, length: 2 }]);
  a.notify(1);
  consoleA.receive(new TextEncoder().encode('ls\n'));
  assert.deepEqual(outA, ['$ ']);
  assert.equal(a.interruptStatus, INTERRUPT_USED | INTERRUPT_CONFIG);
  const transportState = throughJson(a.transport.saveState());
  const consoleState = throughJson(consoleA.saveState());

  const outB: string[] = [];
  const consoleB = new VirtioConsole((d) => outB.push(new TextDecoder().decode(d)));
  const b = new TestDriver(consoleB, ramCopy(a)).continueFrom(a);
  consoleB.restoreState(consoleState);
  b.transport.restoreState(transportState);
  assert.equal(b.irq, true, 'the interrupt line is high again, as the status says');
  assert.deepEqual(transportRegisters(b), transportRegisters(a));
  // The guest posts a receive buffer and sends more output: both devices answer alike.
  for (const [driver, out] of [
    [a, outA],
    [b, outB],
  ] as const) {
    driver.acknowledge();
    driver.offer(0, [{ address: BUFFERS + 0x100, length: 16, write: true }]);
    driver.notify(0);
    driver.put(BUFFERS + 0x200, new TextEncoder().encode('file'));
    driver.offer(1, [{ address: BUFFERS + 0x200, length: 4 }]);
    driver.notify(1);
    assert.deepEqual(out.at(-1), 'file');
  }
  assert.deepEqual(b.used(0), a.used(0));
  assert.deepEqual(b.used(1), a.used(1));
  assert.deepEqual(b.bytes(BUFFERS + 0x100, 3), new TextEncoder().encode('ls\n'));
  assert.equal(b.irq, a.irq);
});

test('virtio transport: a device that needs a reset still needs it after a restore', () => {
  const a = new TestDriver(new VirtioEntropy(), guestRam().memory, { onFault: () => {} }).setUp();
  a.offer(0, [{ address: 0, length: 8, write: true }]); // outside RAM
  a.notify(0);
  const b = new TestDriver(new VirtioEntropy(), ramCopy(a));
  b.transport.restoreState(throughJson(a.transport.saveState()));
  assert.equal(b.status, a.status);
  assert.equal(b.status & 64, 64, 'NEEDS_RESET');
  assert.equal(b.irq, true);
  // Writing a status without the reset does not clear NEEDS_RESET (only writing 0 does).
  b.transport.write(STATUS, 4, 15);
  assert.equal(b.status & 64, 64, 'NEEDS_RESET');
});

test('virtio entropy: served the same after a restore (its state is its transport)', () => {
  const a = new TestDriver(new VirtioEntropy(), guestRam().memory).setUp();
  a.offer(0, [{ address: BUFFERS, length: 8, write: true }]);
  a.notify(0);
  const b = new TestDriver(new VirtioEntropy(), ramCopy(a)).continueFrom(a);
  b.transport.restoreState(throughJson(a.transport.saveState()));
  b.offer(0, [{ address: BUFFERS + 8, length: 8, write: true }]);
  b.notify(0);
  assert.deepEqual(b.used(0), [
    { id: 0, length: 8 },
    { id: 1, length: 8 },
  ]);
});

test('virtio transport: a malformed state throws StateError and changes nothing', () => {
  const a = new TestDriver(new VirtioConsole(() => {}), guestRam().memory).setUp();
  const good = a.transport.saveState();
  const b = new TestDriver(new VirtioConsole(() => {}), guestRam().memory);
  const device = 'virtio-mmio';
  assertStateError(
    () => b.transport.restoreState({ ...good, queues: [good.queues[0]] }),
    device,
    'queues',
  );
  assertStateError(
    () =>
      b.transport.restoreState({
        ...good,
        queues: [good.queues[0], { ...good.queues[1], size: 65 }],
      }),
    device,
    'queues[1].size',
  );
  assertStateError(
    () =>
      b.transport.restoreState({
        ...good,
        queues: [{ ...good.queues[0], lastAvail: 1.5 }, good.queues[1]],
      }),
    device,
    'queues[0].lastAvail',
  );
  assertStateError(() => b.transport.restoreState({ ...good, status: 256 }), device, 'status');
  assert.equal(b.status, 0, 'still the fresh device');
  assert.equal(b.transport.queues[0].size, 0);
  const consoleB = new VirtioConsole(() => {});
  assertStateError(
    () => consoleB.restoreState({ cols: 80, rows: -1, pendingInput: { bytes: new Uint8Array(1) } }),
    'virtio-console',
    'rows',
  );
  assertStateError(
    () => consoleB.restoreState({ cols: 80, rows: 24 } as never),
    'virtio-console',
    'pendingInput',
  );
});

test('virtio block: idle() resolves only once no request is in flight', async () => {
  let finish!: () => void;
  const backend: BlockBackend = {
    size: 4096,
    read: () =>
      new Promise<Uint8Array>((resolve) => (finish = () => resolve(new Uint8Array(512).fill(7)))),
    write: () => {},
  };
  const block = new VirtioBlock(backend);
  const driver = new TestDriver(block, guestRam().memory).setUp();
  await block.idle(); // nothing in flight: at once
  const header = new Uint8Array(16);
  driver.put(BUFFERS, header); // a read of sector 0
  driver.offer(0, [
    { address: BUFFERS, length: 16 },
    { address: BUFFERS + 0x200, length: 512, write: true },
    { address: BUFFERS + 0x100, length: 1, write: true },
  ]);
  driver.notify(0);
  let idle = false;
  const waiting = block.idle().then(() => (idle = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(idle, false, 'a read is in flight');
  finish();
  await waiting;
  assert.equal(driver.used(0).length, 1, 'completed before idle resolved');
  // Its transport's state is then the whole of it.
  const b = new TestDriver(new VirtioBlock(backend), ramCopy(driver));
  b.transport.restoreState(throughJson(driver.transport.saveState()));
  assert.deepEqual(transportRegisters(b), transportRegisters(driver));
});

// --- command channel ------------------------------------------------------------------------

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (data: Uint8Array) => new TextDecoder().decode(data);

test('command channel: the hello, the next id and a partial line survive; busy refuses to save', async () => {
  const a = new CommandChannel(() => {});
  a.receive(encode('lt-agent ready\n'));
  const done = a.run('true');
  a.receive(encode('c1 0 0\n'));
  await done;
  const running = a.run('sleep 1');
  assert.throws(
    () => a.saveState(),
    (error: unknown) => error instanceof CommandError && error.code === 'busy',
  );
  a.receive(encode('c2 0 0\n'));
  await running;
  a.receive(encode('noise wi')); // a line cut by the save
  const state = throughJson(a.saveState());

  const sent: string[] = [];
  const b = new CommandChannel((data) => sent.push(decode(data as Uint8Array)));
  b.restoreState(state);
  b.receive(encode('thout end\n'));
  const result = b.run('echo hi');
  assert.equal(sent.length, 1, 'sent at once: the agent is ready');
  assert.match(sent[0], /^c3 /, 'ids go on from the saved channel');
  b.receive(encode('c3 0 3\nhi\n'));
  assert.deepEqual(await result, { exitCode: 0, output: 'hi\n', truncated: false });
  assertStateError(() => b.restoreState({ ...state, next: 0 }), 'command-channel', 'next');
});

test('command channel: a restored channel whose agent was not ready waits for the hello', () => {
  const sent: string[] = [];
  const a = new CommandChannel(() => {});
  a.receive(encode('lt-agent re')); // the hello, cut by the save
  const b = new CommandChannel((data) => sent.push(decode(data as Uint8Array)));
  b.restoreState(throughJson(a.saveState()));
  void b.run('true');
  assert.equal(sent.length, 0);
  b.receive(encode('ady\n'));
  assert.equal(sent.length, 1, 'the rest of the hello completes it');
});
