// `npm run bench:boot`: boot-to-prompt time and two guest workloads (md5sum of 8 MiB from
// /dev/zero, a shell arithmetic loop) on the engine and, where qemu-system-riscv64 is installed,
// on QEMU's virt machine with the same kernel and initramfs; then, in the same run, the engine
// restoring the image's snapshot against booting it cold (time to a prompt that answers, and the
// bytes fetched before it), for busybox and, when it is built, Debian. A benchmark: it prints
// figures.
import { spawn, spawnSync } from 'node:child_process';
import { ConsoleSession, GuestError } from '../../src/engine/console-session.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';
import { builtInManifest, loadBootImage } from '../../src/engine/node/images.js';
import { qemuVirtArgs } from '../../src/images/builder/qemu-command.js';
import { unpackImage } from '../../src/images/builder/unpack-image.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const workloads = [
  { name: 'md5sum of 8 MiB', command: 'dd if=/dev/zero bs=1048576 count=8 2>/dev/null | md5sum' },
  {
    name: 'shell loop, 20000 rounds',
    command: 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i',
  },
];
const runs = Number(process.env.BENCH_RUNS ?? 3);

interface Figures {
  boot: number;
  work: number[];
}

async function measure(session: ConsoleSession, close: () => Promise<unknown>): Promise<Figures> {
  const started = performance.now();
  try {
    await session.ready();
    const boot = (performance.now() - started) / 1000;
    const work: number[] = [];
    for (const w of workloads) {
      const t = performance.now();
      const result = await session.exec(w.command);
      if (result.exitCode !== 0) throw new Error(`${w.name} failed: ${result.output}`);
      work.push((performance.now() - t) / 1000);
    }
    return { boot, work };
  } finally {
    await close();
  }
}

async function engine(): Promise<Figures> {
  const guest = new GuestShell(await loadBootImage({ cold: true }));
  return measure(guest, () => guest.terminate());
}

/** QEMU boots files: the image's blobs put back together once. */
const qemuFiles = unpackImage(
  builtInManifest('busybox'),
  mkdtempSync(join(tmpdir(), 'bench-boot-')),
);

async function qemu(): Promise<Figures> {
  const args = qemuVirtArgs(qemuFiles);
  const child = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const session = new ConsoleSession((text) => child.stdin.write(text));
  const decoder = new TextDecoder();
  child.stdout.on('data', (chunk: Buffer) =>
    session.receive(decoder.decode(chunk, { stream: true })),
  );
  child.on('exit', () => session.fail(new GuestError('guest-exited', 'QEMU exited')));
  return measure(session, async () => {
    child.kill();
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarise(all: Figures[]): Figures {
  return {
    boot: median(all.map((f) => f.boot)),
    work: workloads.map((_, i) => median(all.map((f) => f.work[i]))),
  };
}

async function repeat(what: () => Promise<Figures>): Promise<Figures> {
  const all: Figures[] = [];
  for (let i = 0; i < runs; i++) all.push(await what());
  return summarise(all);
}

console.log(`busybox image, ${runs} runs each, median seconds\n`);
const ours = await repeat(engine);
const hasQemu = spawnSync('qemu-system-riscv64', ['--version'], { stdio: 'ignore' }).status === 0;
const theirs = hasQemu ? await repeat(qemu) : undefined;

const rows = [
  ['boot to prompt', ours.boot, theirs?.boot] as const,
  ...workloads.map((w, i) => [w.name, ours.work[i], theirs?.work[i]] as const),
];
console.log(
  `${'measure'.padEnd(28)}${'engine'.padStart(10)}${'qemu'.padStart(10)}${'engine/qemu'.padStart(14)}`,
);
for (const [name, a, b] of rows) {
  console.log(
    `${name.padEnd(28)}${a.toFixed(3).padStart(10)}${(b === undefined ? '-' : b.toFixed(3)).padStart(10)}${(b === undefined ? '-' : `${(a / b).toFixed(2)}x`).padStart(14)}`,
  );
}
if (!hasQemu)
  console.log(
    '\nqemu-system-riscv64 is not installed (Debian package qemu-system-misc): no comparison',
  );

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

const spread = (values: number[]) =>
  `${median(values).toFixed(3)} (${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)})`;

const { existsSync } = await import('node:fs');
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
  console.log(`\n${image}: to a prompt that answers, ${runs} runs, median (min–max) seconds`);
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
