// `npm run bench:boot`: boot-to-prompt time and two guest workloads (md5sum of 8 MiB from
// /dev/zero, a shell arithmetic loop) on the engine, with the translator and without it
// (--no-jit), and, where qemu-system-riscv64 is installed, on QEMU's virt machine with the same
// kernel and disk. Every side is a process driven through its console the same way: boot is
// timed from spawn to the first prompt that answers, each workload from typing it to the prompt
// after it. Then, in the same run, the engine restoring the image's snapshot against booting it
// cold (time to a prompt that answers, and the bytes fetched before it), for busybox and, when it
// is built, Debian. A benchmark: it prints figures.
import { qemuVirtArgs } from '../../src/images/builder/qemu-command.js';
import { unpackImage } from '../../src/images/builder/unpack-image.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleProcess } from '../support/console-process.js';
import { cliSupports, engineCli, startupSeconds } from '../support/engine-cli.js';
import { headlessEngine } from '../support/headless-engine.js';
import { QEMU, hasQemu } from '../support/qemu.js';
import { benchRuns, median, spread } from '../support/stats.js';

// The built engine, as the command-line tool runs it (bundled worker thread).
const { GuestShell, builtInManifest, loadBootImage } = await headlessEngine();

const workloads = [
  { name: 'md5sum of 8 MiB', command: 'dd if=/dev/zero bs=1048576 count=8 2>/dev/null | md5sum' },
  {
    name: 'shell loop, 20000 rounds',
    command: 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i',
  },
];
const runs = benchRuns(3);

interface Figures {
  boot: number;
  work: number[];
}

/** Boots `program` to its prompt and runs the workloads; seconds from its spawn, and each's. */
async function measure(program: string, args: string[]): Promise<Figures> {
  const guest = startConsoleProcess(program, args);
  try {
    // ready() returns once the prompt answered a first command (stty), on every side.
    await guest.session.ready();
    const boot = (performance.now() - guest.started) / 1000;
    const work: number[] = [];
    for (const w of workloads) {
      const t = performance.now();
      const result = await guest.session.exec(w.command);
      if (result.exitCode !== 0) throw new Error(`${w.name} failed: ${result.output}`);
      work.push((performance.now() - t) / 1000);
    }
    return { boot, work };
  } finally {
    await guest.stop();
  }
}

const cli = engineCli();
const shell = [...cli.args, 'shell', '--cold'];
const sides = cliSupports(cli, 'shell', '--no-jit')
  ? [
      { name: 'engine, translator', program: cli.command, args: shell },
      { name: 'engine, interpreter', program: cli.command, args: [...shell, '--no-jit'] },
    ]
  : [{ name: 'engine (its default)', program: cli.command, args: shell }];
if (hasQemu()) {
  // QEMU boots files: the image's blobs put back together once.
  const files = unpackImage(builtInManifest('busybox'), mkdtempSync(join(tmpdir(), 'bench-boot-')));
  sides.push({ name: 'qemu (TCG)', program: QEMU, args: qemuVirtArgs(files) });
}

console.log(`busybox image, cold boot; engine: ${cli.label}`);
console.log(`the engine command's start alone: ${startupSeconds(cli).toFixed(2)} s`);
console.log(`${runs} runs per side, interleaved; median (min–max) seconds\n`);
const figures = new Map(sides.map((side) => [side.name, [] as Figures[]]));
for (let i = 0; i < runs; i++)
  for (const side of sides) figures.get(side.name)!.push(await measure(side.program, side.args));

const rows = [
  { name: 'spawn to prompt', of: (f: Figures) => f.boot },
  ...workloads.map((w, i) => ({ name: w.name, of: (f: Figures) => f.work[i] })),
];
console.log(`${'measure'.padEnd(26)}${sides.map((s) => s.name.padStart(24)).join('')}`);
for (const row of rows)
  console.log(
    `${row.name.padEnd(26)}${sides.map((s) => spread(figures.get(s.name)!.map(row.of)).padStart(24)).join('')}`,
  );
const qemu = figures.get('qemu (TCG)');
if (qemu)
  for (const side of sides.filter((s) => s.program !== QEMU)) {
    const ours = figures.get(side.name)!;
    const ratios = rows.map(
      (row) => `${row.name}: ${(median(ours.map(row.of)) / median(qemu.map(row.of))).toFixed(2)}x`,
    );
    console.log(`${side.name} / qemu  ${ratios.join('; ')}`);
  }

// ---- snapshot restore against cold boot, same run

interface StartFigures {
  seconds: number;
  bytes: number;
  restored: boolean;
  /** After the prompt: seconds for `python3 -c pass` (Debian only). */
  python?: number;
}

/**
 * From loading the image to a prompt that answers a command (the session's ready(), which types
 * one and waits for the next prompt), and the bytes of blobs fetched by then (as stored, gzip'd).
 */
async function start(image: string, cold: boolean, python: boolean): Promise<StartFigures> {
  const started = performance.now();
  const guest = new GuestShell(await loadBootImage({ image, cold }));
  try {
    await guest.ready();
    const seconds = (performance.now() - started) / 1000;
    const { bytes } = await guest.thread.fetched();
    const figures: StartFigures = { seconds, bytes, restored: guest.restored === true };
    if (python) {
      const t = performance.now();
      const result = await guest.exec('python3 -c pass');
      if (result.exitCode !== 0) throw new Error(`python3 -c pass failed: ${result.output}`);
      figures.python = (performance.now() - t) / 1000;
    }
    return figures;
  } finally {
    await guest.terminate();
  }
}

for (const image of ['busybox', 'debian']) {
  if (!existsSync(builtInManifest(image))) {
    console.log(`\n${image}: not built, skipped`);
    continue;
  }
  if (!(await loadBootImage({ image })).snapshot) {
    console.log(`\n${image}: the image has no snapshot, skipped`);
    continue;
  }
  const python = image === 'debian';
  const cold: StartFigures[] = [];
  const restored: StartFigures[] = [];
  // Interleaved, so that both see the same machine load.
  for (let i = 0; i < runs; i++) {
    cold.push(await start(image, true, python));
    restored.push(await start(image, false, python));
  }
  if (!restored.every((f) => f.restored)) throw new Error(`${image}: the snapshot did not restore`);
  const c = median(cold.map((f) => f.seconds));
  const r = median(restored.map((f) => f.seconds));
  console.log(
    `\n${image}: engine against engine, in this process from loading the image to a prompt that\nanswers; ${runs} runs, median (min–max) seconds`,
  );
  console.log(`  cold boot        ${spread(cold.map((f) => f.seconds))}`);
  console.log(`  snapshot restore ${spread(restored.map((f) => f.seconds))}`);
  console.log(`  restore / cold   ${(r / c).toFixed(2)}x`);
  console.log(
    `  bytes fetched before the prompt: cold ${median(cold.map((f) => f.bytes)).toLocaleString('en')}, restore ${median(restored.map((f) => f.bytes)).toLocaleString('en')}`,
  );
  if (python)
    console.log(
      `  python3 -c pass after the prompt: cold ${spread(cold.map((f) => f.python!))}, restore ${spread(restored.map((f) => f.python!))}`,
    );
}
