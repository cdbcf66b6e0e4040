// The translator (src/engine/jit/) beyond the ISA programs (isa.test.ts runs those translated and
// in lock-step): Linux booted with every unit checked against the interpreter, translated code
// dropped when a device writes its page, and a code cache that evicts under a small budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bus } from '../../src/engine/bus.js';
import { Hart } from '../../src/engine/hart.js';
import { runBareMetal } from '../../src/engine/bare-metal.js';
import { VirtMachine, type MachineExit } from '../../src/engine/board/virt-machine.js';
import { ConsoleSession } from '../../src/engine/console-session.js';
import { openDisk } from '../../src/engine/disks/open-disk.js';
import { BlobFetcher } from '../../src/engine/image/blob-fetcher.js';
import { fileFetch } from '../../src/engine/node/file-fetch.js';
import { loadBootImage } from '../../src/engine/node/images.js';
import { assembleBytes, report } from './support/assemble.js';

const RAM_BASE = 0x8000_0000;
const root = fileURLToPath(new URL('../../', import.meta.url));

test('Linux boots to a shell with every translated unit checked against the interpreter', async () => {
  const image = await loadBootImage({ cold: true });
  assert.ok(image.kernel instanceof Uint8Array, 'a cold boot has its kernel fetched');
  assert.ok(image.initrd === undefined || image.initrd instanceof Uint8Array);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const session = new ConsoleSession((text) => machine.sendInput(encoder.encode(text)));
  const machine = await VirtMachine.create({
    kernel: image.kernel,
    initrd: image.initrd,
    cmdline: image.cmdline,
    memoryMiB: image.memoryMiB,
    disks: image.disks?.map((source) => openDisk(source, new BlobFetcher({ fetch: fileFetch }))),
    onOutput: (data) => session.receive(decoder.decode(data, { stream: true })),
    // A low threshold translates most of the boot; lock-step replays each unit in the
    // interpreter and throws (a LockstepError out of run()) at the first difference.
    jit: { threshold: 5, lockstep: true },
  });
  const exit: Promise<MachineExit> = machine.run();
  const failed = exit.then(
    (e) => Promise.reject(new Error(`the machine stopped: ${JSON.stringify(e)}`)),
    (error: unknown) => Promise.reject(error as Error),
  );
  try {
    await Promise.race([session.ready(120_000), failed]);
    const result = await Promise.race([session.exec('echo $((6 * 7)); uname -m'), failed]);
    assert.deepEqual(result, { output: '42\nriscv64\n', exitCode: 0 });
    const stats = machine.hart.jitStats()!;
    assert.ok(stats.unitsCompiled > 100, JSON.stringify(stats));
    assert.ok(stats.translatedInstructions > 1_000_000, JSON.stringify(stats));
  } finally {
    machine.stop();
    await exit.catch(() => undefined);
  }
});

/** A hart running `words` (RV64 instructions) from RAM_BASE, translated at first entry. */
async function hartWith(words: number[], jit = { threshold: 0 }) {
  const hart = await Hart.create({ ramBase: RAM_BASE, ramSize: 1 << 20, bus: new Bus(), jit });
  const view = new DataView(hart.ram.buffer, hart.ram.byteOffset);
  words.forEach((w, k) => view.setUint32(4 * k, w, true));
  hart.reset(RAM_BASE);
  return { hart, view };
}

const ADDI_A0_A0_1 = 0x00150513; // addi a0, a0, 1
const ADDI_A0_A0_2 = 0x00250513; // addi a0, a0, 2
const JAL_BACK_4 = 0xffdff06f; // jal x0, -4

test('a device write to a page of translated code drops its units', async () => {
  const { hart, view } = await hartWith([ADDI_A0_A0_1, JAL_BACK_4]);
  hart.run(1000); // 500 rounds of the loop, translated
  assert.equal(hart.x(10), 500n);
  assert.ok(hart.jitStats()!.translatedInstructions > 0);
  // The loop's first instruction rewritten the way a device writes RAM (virtio DMA goes through
  // GuestMemory, which marks the pages in the page map).
  view.setUint32(0, ADDI_A0_A0_2, true);
  hart.pageMap.markDirty(0, 4);
  hart.setX(10, 0n);
  hart.pc = BigInt(RAM_BASE);
  hart.run(1000);
  assert.equal(hart.x(10), 1000n, 'the old translation ran after its page was written');
});

test("a snapshot's hot code is translated at once when primed, but not from a missing page", async () => {
  // A threshold the loop never reaches: only priming translates it.
  const jit = { threshold: 1_000_000 };
  const { hart } = await hartWith([ADDI_A0_A0_1, JAL_BACK_4], jit);
  hart.run(1000);
  assert.equal(hart.jitStats()!.translatedInstructions, 0);
  assert.deepEqual(hart.hotCode(), []);

  // The page not in RAM yet (a restore's, still being fetched): nothing is taken.
  hart.pageMap.markMissing(0, 4096);
  assert.equal(hart.primeCode([0]), 0);
  hart.pageMap.markPresent(0, 4096);
  assert.equal(hart.primeCode([0, 2 * 2 ** 20, 3]), 1, 'only the offset in RAM, and even');
  assert.equal(hart.primeCode([0]), 0, 'an entry already queued is taken once');
  // Compiled off the thread between two slices, then entered.
  for (let i = 0; i < 50 && hart.jitStats()!.unitsCompiled === 0; i++) {
    hart.run(1000);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  hart.run(1000);
  assert.ok(hart.jitStats()!.translatedInstructions > 0, JSON.stringify(hart.jitStats()));
  // What a snapshot of this hart would keep: the loop's entry.
  assert.deepEqual(hart.hotCode(), [0]);

  // Primed on a hart that never ran it: translated before it is entered even once.
  const fresh = await hartWith([ADDI_A0_A0_1, JAL_BACK_4], jit);
  assert.equal(fresh.hart.primeCode(hart.hotCode()), 1);
  for (let i = 0; i < 50 && fresh.hart.jitStats()!.unitsCompiled === 0; i++) {
    fresh.hart.run(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  fresh.hart.run(1000);
  assert.equal(fresh.hart.x(10), 500n);
  assert.ok(fresh.hart.jitStats()!.translatedInstructions > 0);
});

/** An ISA test program, built here too: test files run in parallel with isa.test.ts. */
function isaProgram(name: string): Uint8Array {
  const build = spawnSync(process.execPath, ['scripts/build-isa-tests.mjs', '--variant=emu'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `building the ISA tests failed:\n${build.stdout}${build.stderr}`);
  return readFileSync(`${root}build/isa/${name}.elf`);
}

test('the hot entries of a page make one unit, entered at each, exactly as interpreted', async () => {
  // The whole program is one page: its hot entries, queued in one slice, are one batch.
  const program = isaProgram('rv64ud-random');
  const result = await runBareMetal(program, { jit: { threshold: 1, lockstep: true } });
  assert.equal(result.outcome, 'pass');
  const { unitsCompiled, entriesCompiled, translatedInstructions } = result.jit!;
  assert.equal(unitsCompiled, 1, JSON.stringify(result.jit));
  assert.ok(entriesCompiled > 10, JSON.stringify(result.jit));
  assert.ok(translatedInstructions > 100_000, JSON.stringify(result.jit));
});

test('entries crowded out of a full unit are translated in a unit of their own', async () => {
  // g's loop falls through into a straight run of 1,600 compressed instructions, which fills its
  // unit (MAX_UNIT_INSTRUCTIONS); h's loop, further down the same page and queued in the same
  // batch, is left out of it.
  const loop = (label: number) => [
    '  li t0, 1000',
    `${label}:`,
    '  c.addi a0, 1',
    '  addi t0, t0, -1',
    `  bnez t0, ${label}b`,
  ];
  const program = assembleBytes(
    [
      '  li s0, 6000',
      '  li a0, 0',
      '2:',
      '  call g',
      '  call h',
      '  addi s0, s0, -1',
      '  bnez s0, 2b',
      `  li t1, ${6000 * (1000 + 1600 + 1000)}`,
      '  bne a0, t1, 3f',
      report(1),
      '3:',
      report(3),
      '  .balign 4096',
      'g:',
      ...loop(4),
      '  .rept 1600',
      '  c.addi a0, 1',
      '  .endr',
      '  ret',
      'h:',
      ...loop(5),
      '  ret',
    ].join('\n'),
  );
  const result = await runBareMetal(program, { jit: { threshold: 1 } });
  assert.equal(result.outcome, 'pass');
  const share = Number(result.jit!.translatedInstructions) / Number(result.instructions);
  // Left interpreted, h's loop would be more than a quarter of the work.
  assert.ok(share > 0.85, `${(share * 100).toFixed(1)}% translated: ${JSON.stringify(result.jit)}`);
});

/**
 * A loop that calls `pages` functions, each on a page of its own (so each is a unit of its own),
 * 2000 times, and passes if they added one each time.
 */
function manyPages(pages: number): Uint8Array {
  const ks = Array.from({ length: pages }, (_, k) => k);
  return assembleBytes(
    [
      '  li s0, 2000',
      '  li a0, 0',
      '2:',
      ...ks.map((k) => `  call f${k}`),
      '  addi s0, s0, -1',
      '  bnez s0, 2b',
      `  li t1, ${2000 * pages}`,
      '  bne a0, t1, 3f',
      report(1),
      '3:',
      report(3),
      ...ks.flatMap((k) => ['  .balign 4096', `f${k}:`, '  addi a0, a0, 1', '  ret']),
    ].join('\n'),
  );
}

test('under eviction pressure the threshold rises, and the program still passes', async () => {
  const program = manyPages(40);
  const crowded = await runBareMetal(program, { jit: { threshold: 1, cacheBytes: 16 * 1024 } });
  assert.equal(crowded.outcome, 'pass');
  const { threshold, evictions } = crowded.jit!;
  assert.ok(evictions >= 16, `only ${evictions} evictions`);
  assert.ok(threshold > 1 && threshold <= 16, `threshold ${threshold}`);
  // Room for every unit: the threshold stays.
  const roomy = await runBareMetal(program, { jit: { threshold: 1 } });
  assert.equal(roomy.outcome, 'pass');
  assert.equal(roomy.jit!.threshold, 1);
});

test('the code cache evicts the oldest units under a small budget and the program still passes', async () => {
  const program = isaProgram('rv64ui-alu');
  const result = await runBareMetal(program, { jit: { threshold: 0, cacheBytes: 64 * 1024 } });
  assert.equal(result.outcome, 'pass');
  assert.ok(result.outcome === 'pass' && result.jit!.evictions > 0, JSON.stringify(result.jit));
  assert.ok(result.outcome === 'pass' && result.jit!.residentBytes <= 64 * 1024);
});
