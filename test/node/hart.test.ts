// The hart's host interface: why run() stops, device access through the bus, interrupt lines,
// and state visible in linear memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus, type MmioDevice } from '../../src/engine/bus.js';
import { parseElf } from '../../src/engine/elf.js';
import { Hart, StopReason } from '../../src/engine/hart.js';
import { assembleBytes, report } from './support/assemble.js';

const RAM_BASE = 0x8000_0000;

async function boot(body: string, bus = new Bus()): Promise<Hart> {
  const elf = parseElf(assembleBytes(body));
  const hart = await Hart.create({ ramBase: RAM_BASE, ramSize: 1 << 20, bus });
  for (const s of elf.segments) hart.ram.set(s.data, s.paddr - RAM_BASE);
  hart.reset(elf.entry);
  return hart;
}

test('run(budget) stops when the budget is spent, with instret counting retired instructions', async () => {
  const hart = await boot('1: addi a0, a0, 1\n  j 1b');
  assert.equal(hart.run(1000), StopReason.Budget);
  assert.equal(hart.instret, 1000n);
  assert.equal(hart.x(10), 500n);
});

test('WFI with no interrupt pending returns to the host past the wfi', async () => {
  const hart = await boot(`  wfi\n${report(1)}`);
  assert.equal(hart.run(100), StopReason.Wfi);
  assert.equal(hart.pc, BigInt(RAM_BASE + 4));
});

test('an interrupt line raised by the host is taken at the next run', async () => {
  const hart = await boot(`
  la t0, handler
  csrw mtvec, t0
  li t0, 1 << 11          # mie.MEIE
  csrw mie, t0
  csrsi mstatus, 8         # mstatus.MIE
1: wfi
  j 1b
  .align 2                 # mtvec's low bits are its mode
handler:
  csrr a0, mcause
  ${report(1)}`);
  assert.equal(hart.run(1000), StopReason.Wfi);
  hart.setInterruptLines(1 << 11);
  hart.run(1000);
  assert.equal(hart.x(10), (1n << 63n) | 11n);
});

test('stores to a watched address stop the run (the tohost convention)', async () => {
  const elf = parseElf(assembleBytes(report(1)));
  const hart = await Hart.create({ ramBase: RAM_BASE, ramSize: 1 << 20, bus: new Bus() });
  for (const s of elf.segments) hart.ram.set(s.data, s.paddr - RAM_BASE);
  hart.reset(elf.entry);
  hart.stopOnStore(elf.symbols.get('tohost')!);
  assert.equal(hart.run(1_000_000), StopReason.Yield);
  assert.ok(hart.instret < 10n);
});

test('ecall from S-mode returns to the host when host calls are enabled (SBI in the host)', async () => {
  const hart = await boot(`
  li t0, 1 << 11           # mstatus.MPP = S
  csrs mstatus, t0
  la t0, supervisor
  csrw mepc, t0
  mret
supervisor:
  li a7, 0x10
  ecall
  ${report(1)}`);
  hart.setSlot(hart.layout.HOST_CALLS, 1n);
  assert.equal(hart.run(1000), StopReason.HostCall);
  assert.equal(hart.privilege, 1);
  assert.equal(hart.x(17), 0x10n);
  hart.pc += 4n; // the host answered the call and moves past the ecall
  hart.run(1000);
  assert.equal(hart.x(6), 1n); // report's `li t1, 1` ran: execution went on after the ecall
});

test('device accesses reach the bus with their offset and size; 8-byte ones as two words', async () => {
  const writes: string[] = [];
  const device: MmioDevice = {
    read: (offset, size) =>
      offset === 4 ? 0x12345678 : offset === 8 ? 0x9abcdef0 : offset === 12 ? 0x0fedcba9 : size,
    write: (offset, size, value) => void writes.push(`${offset}/${size}=${value.toString(16)}`),
  };
  const bus = new Bus();
  bus.map(0x1000_0000, 0x100, 'test device', device);
  const hart = await boot(
    `
  li t0, 0x10000000
  li t1, 0x41
  sb t1, 0(t0)
  li t1, -1
  sw t1, 16(t0)
  lw a0, 4(t0)
  ld a1, 8(t0)
  lbu a2, 2(t0)
  ${report(1)}`,
    bus,
  );
  hart.run(100);
  assert.deepEqual(writes, ['0/1=41', '16/4=ffffffff']);
  assert.equal(hart.x(10), 0x12345678n);
  assert.equal(hart.x(11), 0x0fedcba99abcdef0n);
  assert.equal(hart.x(12), 1n);
});

test('an access to an address nobody maps raises an access fault with the address in mtval', async () => {
  const hart = await boot(`
  la t0, handler
  csrw mtvec, t0
  li t0, 0x20000000
  lw a0, 0(t0)
  j .
  .align 2                 # mtvec's low bits are its mode
handler:
  csrr a0, mcause
  csrr a1, mtval
  ${report(1)}`);
  hart.run(100);
  assert.equal(hart.x(10), 5n); // load access fault
  assert.equal(hart.x(11), 0x2000_0000n);
});

test('RAM sizes that are not whole pages are refused with a clear error', async () => {
  await assert.rejects(
    Hart.create({ ramBase: RAM_BASE, ramSize: 1000, bus: new Bus() }),
    /multiple of 4 KiB/,
  );
});
