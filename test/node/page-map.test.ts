// The hart's page map: an access to a page marked missing stops run() with no effect, and the
// instruction runs again once the page is present; writes mark pages dirty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/engine/bus.js';
import { parseElf } from '../../src/engine/elf.js';
import { Hart, StopReason } from '../../src/engine/hart.js';
import { PAGE_DIRTY, PAGE_SIZE } from '../../src/engine/page-map.js';
import { assembleBytes } from './support/assemble.js';

const RAM_BASE = 0x8000_0000;
const RAM_SIZE = 4 << 20;
const DATA = 0x8001_0000; // a data page; the page after it is DATA + PAGE_SIZE

interface Program {
  hart: Hart;
  symbols: Map<string, number>;
}

async function load(body: string, setup?: (ram: DataView) => void): Promise<Program> {
  const elf = parseElf(assembleBytes(body));
  // A clock that stands still, so that two harts running the same program hold the same state.
  const hart = await Hart.create({
    ramBase: RAM_BASE,
    ramSize: RAM_SIZE,
    bus: new Bus(),
    clock: () => 0,
  });
  for (const s of elf.segments) hart.ram.set(s.data, s.paddr - RAM_BASE);
  setup?.(new DataView(hart.ram.buffer, hart.ram.byteOffset, hart.ram.byteLength));
  hart.reset(elf.entry);
  hart.stopOnStore(elf.symbols.get('tohost')!);
  return { hart, symbols: elf.symbols };
}

/** Everything an instruction could have changed: the hart state and all of RAM. */
function snapshot(hart: Hart) {
  return { pc: hart.pc, instret: hart.instret, state: hart.saveState(), ram: hart.ram.slice() };
}

/** Compares two snapshots, naming the first RAM byte that differs rather than printing 4 MiB. */
function assertSame(actual: ReturnType<typeof snapshot>, expected: ReturnType<typeof snapshot>) {
  assert.equal(actual.pc, expected.pc, 'pc');
  assert.equal(actual.instret, expected.instret, 'instret');
  assert.equal(
    Buffer.from(actual.state).toString('hex'),
    Buffer.from(expected.state).toString('hex'),
    'registers and CSRs',
  );
  const at = actual.ram.findIndex((byte, i) => byte !== expected.ram[i]);
  assert.equal(at, -1, `RAM differs at 0x${(RAM_BASE + at).toString(16)}`);
}

/** Steps `hart` one instruction at a time until its pc is `label`. */
function stepTo({ hart, symbols }: Program, label: string): void {
  const target = BigInt(symbols.get(label)!);
  for (let steps = 0; hart.pc !== target; steps++) {
    assert.ok(steps < 100_000, `never reached ${label}`);
    hart.run(1);
  }
}

/**
 * Runs `body` with the pages at `missing` (guest-physical) marked missing and their content
 * taken out of RAM, as a lazily restored machine has them. The run must stop at the instruction
 * labelled `target` reporting `address`, with every register, CSR and byte of RAM exactly as a
 * reference run has them before that instruction; after the pages are put back it must finish
 * exactly as the reference does.
 */
async function checkStop(
  body: string,
  missing: number[],
  address: number,
  setup?: (ram: DataView) => void,
): Promise<void> {
  const reference = await load(body, setup);
  stepTo(reference, 'target');
  const beforeTarget = snapshot(reference.hart);
  assert.equal(reference.hart.run(100_000), StopReason.Yield);
  const finished = snapshot(reference.hart);

  const { hart } = await load(body, setup);
  const content = missing.map((pa) => hart.ram.slice(pa - RAM_BASE, pa - RAM_BASE + PAGE_SIZE));
  for (const pa of missing) {
    hart.ram.fill(0, pa - RAM_BASE, pa - RAM_BASE + PAGE_SIZE);
    hart.pageMap.markMissing(pa - RAM_BASE, PAGE_SIZE);
  }
  hart.flushTranslations();
  assert.equal(hart.run(100_000), StopReason.PageMissing);
  assert.equal(hart.missingAddress.toString(16), address.toString(16));
  missing.forEach((pa, i) => {
    hart.ram.set(content[i], pa - RAM_BASE);
    hart.pageMap.markPresent(pa - RAM_BASE, PAGE_SIZE);
  });
  assertSame(snapshot(hart), beforeTarget);
  assert.equal(hart.run(100_000), StopReason.Yield);
  assertSame(snapshot(hart), finished);
}

const reportA0 = `  la t0, tohost\n  sd a0, 0(t0)\n1: j 1b`;
const fpOn = `  li t1, 1 << 13\n  csrs mstatus, t1`; // mstatus.FS = initial
const withData = (ram: DataView) => {
  ram.setBigUint64(DATA - RAM_BASE + 8, 0x1234n, true);
  ram.setBigUint64(DATA - RAM_BASE + PAGE_SIZE - 8, 0x1111_2222_3333_4444n, true);
  ram.setBigUint64(DATA - RAM_BASE + PAGE_SIZE, 0x5555_6666_7777_8888n, true);
};

test('a load from a missing page stops with its address and no effect, then completes', () =>
  checkStop(
    `  li t0, ${DATA + 8}\n  li a0, 77\ntarget:\n  ld a0, 0(t0)\n  addi a0, a0, 1\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

test('a load across a page boundary stops at the first byte of the missing page', () =>
  checkStop(
    `  li t0, ${DATA + PAGE_SIZE - 4}\n  li a0, 77\ntarget:\n  ld a0, 0(t0)\n${reportA0}`,
    [DATA + PAGE_SIZE],
    DATA + PAGE_SIZE,
    withData,
  ));

test('a floating-point load from a missing page leaves the f register as it was', () =>
  checkStop(
    `${fpOn}\n  li t0, ${DATA + 8}\n  fcvt.d.l fa0, t0\ntarget:\n  fld fa0, 0(t0)\n  fmv.x.d a0, fa0\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

test('a store to a missing page stops before writing', () =>
  checkStop(
    `  li t0, ${DATA + 8}\n  li a0, 99\ntarget:\n  sd a0, 0(t0)\n  ld a0, 0(t0)\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

test('a store across into a missing page writes neither page', () =>
  checkStop(
    `  li t0, ${DATA + PAGE_SIZE - 4}\n  li a0, -1\ntarget:\n  sd a0, 0(t0)\n  ld a0, -4(t0)\n${reportA0}`,
    [DATA + PAGE_SIZE],
    DATA + PAGE_SIZE,
    withData,
  ));

test('a floating-point store to a missing page stops before writing', () =>
  checkStop(
    `${fpOn}\n  li t0, ${DATA + 8}\n  fcvt.d.l fa0, t0\ntarget:\n  fsd fa0, 0(t0)\n  ld a0, 0(t0)\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

test('fetching from a missing page stops at the first instruction there', () =>
  checkStop(
    `  li a0, 5\n  la t0, target\n  jr t0\n  .balign 4096\ntarget:\n  addi a0, a0, 1\n${reportA0}`,
    [RAM_BASE + PAGE_SIZE],
    RAM_BASE + PAGE_SIZE,
  ));

test('a 4-byte instruction whose upper half is on a missing page stops at its start', () =>
  checkStop(
    `  li a0, 5\n  j target\n  .org 0xffe\ntarget:\n  .option push\n  .option norvc\n  addi a0, a0, 1\n  .option pop\n${reportA0}`,
    [RAM_BASE + PAGE_SIZE],
    RAM_BASE + PAGE_SIZE,
  ));

test('an AMO on a missing page neither reads nor writes, then completes', () =>
  checkStop(
    `  li t0, ${DATA + 8}\n  li a1, 3\n  li a0, 77\ntarget:\n  amoadd.d a0, a1, (t0)\n  ld a1, 0(t0)\n  add a0, a0, a1\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

test('LR on a missing page takes no reservation until it runs again, so the SC after succeeds', () =>
  checkStop(
    `  li t0, ${DATA + 8}\n  li a1, 3\n  li a0, 77\ntarget:\n  lr.d a0, (t0)\n  sc.d a2, a1, (t0)\n  slli a2, a2, 32\n  add a0, a0, a2\n${reportA0}`,
    [DATA],
    DATA + 8,
    withData,
  ));

// ---- Sv39: S-mode with page tables the test writes, code identity-mapped by a 2 MiB megapage.

const ROOT = 0x8010_0000;
const L1 = ROOT + PAGE_SIZE;
const L0 = ROOT + 2 * PAGE_SIZE;
const VIRTUAL = 0x8020_5008; // through root[2], L1[1], L0[5]
const BACKING = 0x8012_0000; // the physical page VIRTUAL maps to
const V = 1n,
  R = 2n,
  W = 4n,
  X = 8n,
  A = 64n,
  D = 128n;

const pte = (pa: number, flags: bigint) => (BigInt(pa >>> 12) << 10n) | flags;

/** Page tables at `root`: RAM_BASE's 2 MiB identity-mapped, VIRTUAL's page to `backing`. */
function pageTables(root: number, backing: number, leafFlags = V | R | W | A | D) {
  return (ram: DataView) => {
    const put = (pa: number, value: bigint) => ram.setBigUint64(pa - RAM_BASE, value, true);
    put(root + 2 * 8, pte(root + PAGE_SIZE, V));
    put(root + PAGE_SIZE + 0 * 8, pte(RAM_BASE, V | R | W | X | A | D));
    put(root + PAGE_SIZE + 1 * 8, pte(root + 2 * PAGE_SIZE, V));
    put(root + 2 * PAGE_SIZE + 5 * 8, pte(backing, leafFlags));
  };
}

const satp = (root: number) => `0x${((8n << 60n) | BigInt(root >>> 12)).toString(16)}`;
const toSupervisor = `  li t0, 1 << 11\n  csrs mstatus, t0\n  la t0, supervisor\n  csrw mepc, t0\n  mret\nsupervisor:`;

function sv39Load(targetAtFetch: boolean): string {
  return `${toSupervisor}
  li t0, ${satp(ROOT)}
  csrw satp, t0
${targetAtFetch ? 'target:' : ''}
  sfence.vma
  li t0, ${VIRTUAL}
  li a0, 77
${targetAtFetch ? '' : 'target:'}
  ld a0, 0(t0)
  addi a0, a0, 1
${reportA0}`;
}

const sv39Setup = (ram: DataView) => {
  pageTables(ROOT, BACKING, V | R | W)(ram); // A clear: the walk sets it
  ram.setBigUint64(BACKING - RAM_BASE + (VIRTUAL % PAGE_SIZE), 0xabcdn, true);
};

test('a page-table walk that reads a PTE on a missing page stops at that PTE', () =>
  checkStop(sv39Load(false), [L0], L0 + 5 * 8, sv39Setup));

test('an instruction fetch whose walk meets a missing root table stops at the root PTE', () =>
  checkStop(sv39Load(true), [ROOT], ROOT + 2 * 8, sv39Setup));

test('a load through Sv39 from a missing data page stops at its physical address', () =>
  checkStop(sv39Load(false), [BACKING], BACKING + (VIRTUAL % PAGE_SIZE), (ram) => {
    pageTables(ROOT, BACKING)(ram); // A and D already set: the walk writes nothing
    ram.setBigUint64(BACKING - RAM_BASE + (VIRTUAL % PAGE_SIZE), 0xabcdn, true);
  }));

// ---- dirty tracking

const dirty = (hart: Hart, pa: number) =>
  (hart.pageMap.bytes[(pa - RAM_BASE) / PAGE_SIZE] & PAGE_DIRTY) !== 0;

test('stores and AMOs mark their page dirty; after clearDirty the next store marks it again', async () => {
  const { hart } = await load(`
  li t0, ${DATA}
  sd t0, 0(t0)
  wfi
  sd t0, 8(t0)
  wfi
  li t1, ${DATA + PAGE_SIZE}
  amoadd.d zero, t0, (t1)
  wfi
  ld a0, 0(t1)
${reportA0}`);
  assert.equal(hart.run(1000), StopReason.Wfi);
  assert.ok(dirty(hart, DATA), 'the stored-to page');
  assert.ok(!dirty(hart, DATA + PAGE_SIZE), 'a page nobody wrote');
  assert.ok(!dirty(hart, RAM_BASE), 'the code page, only fetched');
  hart.clearDirty();
  assert.ok(!dirty(hart, DATA));
  assert.equal(hart.run(1000), StopReason.Wfi); // the second store would hit the write TLB
  assert.ok(dirty(hart, DATA), 'stored to again after clearDirty');
  assert.ok(!dirty(hart, DATA + PAGE_SIZE));
  assert.equal(hart.run(1000), StopReason.Wfi);
  assert.ok(dirty(hart, DATA + PAGE_SIZE), 'the AMO page');
});

test('a page-table walk that sets the accessed bit marks the page-table page dirty', async () => {
  const { hart } = await load(sv39Load(false), sv39Setup);
  assert.equal(hart.run(1000), StopReason.Yield);
  assert.equal(hart.x(10), 0xabcen);
  assert.ok(dirty(hart, L0), 'the leaf PTE got its A bit');
  assert.ok(!dirty(hart, L1), 'a table only read');
  assert.ok(!dirty(hart, BACKING), 'a page only loaded from');
});
