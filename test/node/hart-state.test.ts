// The hart's state as data: saveState/restoreState carry a program across harts exactly, restoring
// empties the caches and recomputes what the hart derives from its state, and time continues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/engine/bus.js';
import { parseElf } from '../../src/engine/elf.js';
import { Hart, StopReason } from '../../src/engine/hart.js';
import { assembleBytes } from './support/assemble.js';

const RAM_BASE = 0x8000_0000;
const PAGE = 4096;

interface Program {
  hart: Hart;
  symbols: Map<string, number>;
  /** The host clock the hart reads, in milliseconds; tests move it by hand. */
  clock: { ms: number };
}

async function load(body: string, setup?: (ram: DataView) => void): Promise<Program> {
  const elf = parseElf(assembleBytes(body));
  const clock = { ms: 0 };
  const hart = await Hart.create({
    ramBase: RAM_BASE,
    ramSize: 4 << 20,
    bus: new Bus(),
    clock: () => clock.ms,
  });
  for (const s of elf.segments) hart.ram.set(s.data, s.paddr - RAM_BASE);
  setup?.(new DataView(hart.ram.buffer, hart.ram.byteOffset, hart.ram.byteLength));
  hart.reset(elf.entry);
  hart.stopOnStore(elf.symbols.get('tohost')!);
  return { hart, symbols: elf.symbols, clock };
}

const reportA0 = `  la t0, tohost\n  sd a0, 0(t0)\n1: j 1b`;

const registers = (hart: Hart) => Array.from({ length: 32 }, (_, i) => [hart.x(i), hart.f(i)]);

// Integer, FP and CSR state, memory, PMP, and an LR whose reservation is live at `half:`; the
// result ends with the time CSR.
const workload = `
  li t0, 1 << 13
  csrs mstatus, t0          # mstatus.FS: the FPU on
  li t0, 0x1234
  csrw pmpaddr3, t0
  la a2, buffer
  li a0, 0
  li a1, 1000
  fcvt.d.l fa0, zero
loop:
  mul t1, a1, a1
  add a0, a0, t1
  xor a0, a0, a1
  sd a0, 0(a2)
  ld t2, 0(a2)
  fcvt.d.l fa1, t2
  fadd.d fa0, fa0, fa1
  csrw mscratch, a0
  addi a1, a1, -1
  li t3, 500
  bne a1, t3, 2f
  lr.d t4, (a2)
half:
  sc.d t4, a0, (a2)
  slli t4, t4, 40           # a failed SC would show in the result
  add a0, a0, t4
2:
  bnez a1, loop
  csrr t3, mscratch
  add a0, a0, t3
  fcvt.l.d t4, fa0
  add a0, a0, t4
  csrr t3, pmpaddr3
  add a0, a0, t3
  rdtime t5
  add a0, a0, t5
${reportA0}
  .data
  .balign 8
buffer: .dword 0`;

function assertSameRam(actual: Hart, expected: Hart): void {
  const at = actual.ram.findIndex((byte, i) => byte !== expected.ram[i]);
  assert.equal(at, -1, `RAM differs at 0x${(RAM_BASE + at).toString(16)}`);
}

test('a state saved half-way and restored into a fresh hart finishes exactly as the original', async () => {
  const original = await load(workload);
  const half = BigInt(original.symbols.get('half')!);
  while (original.hart.pc !== half) original.hart.run(1);
  original.clock.ms = 7; // the guest's time at the save: 70 000 ticks of 10 MHz
  const state = original.hart.saveState();
  const ram = original.hart.ram.slice();
  original.clock.ms = 8;
  assert.equal(original.hart.run(1_000_000), StopReason.Yield);

  const restored = await load(workload);
  restored.clock.ms = 100; // a later host moment: the guest's time continues from the save
  restored.hart.ram.set(ram);
  restored.hart.restoreState(state);
  restored.clock.ms = 101;
  assert.equal(restored.hart.run(1_000_000), StopReason.Yield);

  assert.equal(restored.hart.x(30), 80_000n, 'rdtime: the saved time plus 1 ms');
  assert.equal(restored.hart.x(10), original.hart.x(10), 'the result');
  assert.deepEqual(registers(restored.hart), registers(original.hart));
  assert.equal(restored.hart.pc, original.hart.pc);
  assert.equal(restored.hart.instret, original.hart.instret);
  assertSameRam(restored.hart, original.hart);
});

// ---- restoring into a hart that holds translations of its own

const ROOT_A = 0x8010_0000;
const ROOT_B = 0x8011_0000;
const VIRTUAL = 0x8020_5008; // through root[2], L1[1], L0[5]; also a physical RAM address
const BACKING_A = 0x8012_0000;
const BACKING_B = 0x8012_1000;

/** Sv39 tables at `root`: RAM_BASE's 2 MiB identity-mapped (code), VIRTUAL's page to `backing`. */
function pageTables(ram: DataView, root: number, backing: number): void {
  const put = (pa: number, value: bigint) => ram.setBigUint64(pa - RAM_BASE, value, true);
  const pte = (pa: number, flags: number) => (BigInt(pa >>> 12) << 10n) | BigInt(flags);
  const V = 1,
    R = 2,
    W = 4,
    X = 8,
    A = 64,
    D = 128;
  put(root + 2 * 8, pte(root + PAGE, V));
  put(root + PAGE, pte(RAM_BASE, V | R | W | X | A | D));
  put(root + PAGE + 8, pte(root + 2 * PAGE, V));
  put(root + 2 * PAGE + 5 * 8, pte(backing, V | R | W | A | D));
}

const satp = (root: number) => `0x${((8n << 60n) | BigInt(root >>> 12)).toString(16)}`;

// Stops at three WFIs: in M-mode after reading VIRTUAL physically, in S-mode after reading it
// through tables A, and after reading it through tables B. Then it reads it again in S-mode and,
// after an ecall, in M-mode; a0 = the S-mode value << 16 | the M-mode value.
const translations = `
  la t0, handler
  csrw mtvec, t0
  li t1, ${VIRTUAL}
  ld a3, 0(t1)
  wfi
  li t0, 1 << 11
  csrs mstatus, t0          # mstatus.MPP = S
  la t0, supervisor
  csrw mepc, t0
  mret
supervisor:
  li t0, ${satp(ROOT_A)}
  csrw satp, t0
  sfence.vma
  ld a0, 0(t1)
  wfi
  li t0, ${satp(ROOT_B)}
  csrw satp, t0
  sfence.vma
  ld a1, 0(t1)
  wfi
  ld a2, 0(t1)
  ecall
  .balign 4
handler:
  ld a4, 0(t1)
  slli a0, a2, 16
  or a0, a0, a4
${reportA0}`;

function translationSetup(ram: DataView): void {
  pageTables(ram, ROOT_A, BACKING_A);
  pageTables(ram, ROOT_B, BACKING_B);
  ram.setBigUint64(VIRTUAL - RAM_BASE, 0x333n, true);
  ram.setBigUint64(BACKING_A - RAM_BASE + (VIRTUAL % PAGE), 0x111n, true);
  ram.setBigUint64(BACKING_B - RAM_BASE + (VIRTUAL % PAGE), 0x222n, true);
}

test('restoring empties the TLBs and recomputes the privilege keys of the hart it lands in', async () => {
  const source = await load(translations, translationSetup);
  for (let i = 0; i < 3; i++) assert.equal(source.hart.run(1000), StopReason.Wfi);
  const state = source.hart.saveState(); // S-mode, tables B
  const expected = (0x222n << 16n) | 0x333n;

  // A hart in S-mode whose TLB maps VIRTUAL through tables A.
  const throughA = await load(translations, translationSetup);
  for (let i = 0; i < 2; i++) assert.equal(throughA.hart.run(1000), StopReason.Wfi);
  throughA.hart.restoreState(state);
  assert.equal(throughA.hart.run(1000), StopReason.Yield);
  assert.equal(throughA.hart.x(10).toString(16), expected.toString(16));

  // A hart in M-mode: its keys are M-mode's until the restore recomputes them.
  const inMachineMode = await load(translations, translationSetup);
  assert.equal(inMachineMode.hart.run(1000), StopReason.Wfi);
  inMachineMode.hart.restoreState(state);
  assert.equal(inMachineMode.hart.run(1000), StopReason.Yield);
  assert.equal(inMachineMode.hart.x(10).toString(16), expected.toString(16));
});

test('restoreState refuses a truncated or foreign state and leaves the hart as it was', async () => {
  const { hart } = await load(workload);
  hart.run(100);
  const before = hart.saveState();
  assert.throws(() => hart.restoreState(before.subarray(0, before.length - 8)), RangeError);
  const foreign = before.slice();
  foreign[4] ^= 0xff; // the format version
  assert.throws(() => hart.restoreState(foreign), RangeError);
  assert.deepEqual(hart.saveState(), before);
});

test('setTime makes the time CSR continue from the given ticks', async () => {
  const { hart, clock } = await load(`  rdtime a0
${reportA0}`);
  clock.ms = 50;
  hart.setTime(5_000_000);
  assert.equal(hart.now(), 5_000_000);
  clock.ms = 52;
  assert.equal(hart.now(), 5_020_000);
  assert.equal(hart.run(100), StopReason.Yield);
  assert.equal(hart.x(10), 5_020_000n);
});
