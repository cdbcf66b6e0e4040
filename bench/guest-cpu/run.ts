// `npm run bench:guest-cpu`: a CPU-bound C program (workload.c, compiled here with
// riscv64-linux-gnu-gcc -O2 -static) run under Linux in the busybox guest, on the engine with the
// translator, on the engine without it (--no-jit), and on QEMU (TCG) with the same kernel, disks
// and command line, in one run. Every side is a process spawned the same way and driven through
// its console: the program's own figure (CLOCK_MONOTONIC around its work, the guest clock
// following the host's) and the wall time from spawn to the command's end. The checksums must
// agree on every side. A benchmark: it prints figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInManifest } from '../../src/engine/node/images.js';
import { buildImage } from '../../src/images/builder/build-image.js';
import { qemuVirtArgs } from '../../src/images/builder/qemu-command.js';
import { unpackImage } from '../../src/images/builder/unpack-image.js';
import { startConsoleProcess } from '../support/console-process.js';
import { cliSupports, engineCli, startupSeconds } from '../support/engine-cli.js';
import { QEMU, hasQemu } from '../support/qemu.js';
import { benchRuns, median, spread } from '../support/stats.js';

const source = fileURLToPath(new URL('workload.c', import.meta.url));
const work = fileURLToPath(new URL('../../build/bench/guest-cpu/', import.meta.url));
const runs = benchRuns(3);
/** Scales the workload's every kernel (workload.c's argv[1]). */
const scale = process.env.BENCH_SCALE ?? '1';

/** The program, in a folder that becomes the bench image's second disk. */
function compile(): string {
  const folder = join(work, 'files');
  const program = join(folder, 'guest-cpu');
  if (existsSync(program) && statSync(program).mtimeMs >= statSync(source).mtimeMs) return folder;
  mkdirSync(folder, { recursive: true });
  const cc = 'riscv64-linux-gnu-gcc';
  const result = spawnSync(cc, ['-O2', '-static', '-Wall', '-o', program, source], {
    stdio: 'inherit',
  });
  if (result.error || result.status !== 0) {
    console.error(`bench:guest-cpu: compiling ${source} needs ${cc} (gcc-riscv64-linux-gnu).`);
    process.exit(1);
  }
  return folder;
}

/**
 * The busybox image with one more disk (/dev/vdb, ext2) holding the program: both the engine and
 * QEMU boot this one image, the engine from its manifest, QEMU from its files unpacked.
 */
async function benchImage(files: string) {
  const busybox = unpackImage(builtInManifest('busybox'), join(work, 'busybox'));
  const out = join(work, 'image');
  rmSync(out, { recursive: true, force: true });
  const { manifestPath } = await buildImage({
    kernel: busybox.kernel,
    disks: [busybox.disks[0], files],
    cmdline: busybox.manifest.cmdline,
    memoryMiB: busybox.manifest.memoryMiB,
    name: 'bench-guest-cpu',
    out,
  });
  return { manifestPath, qemuFiles: unpackImage(manifestPath, join(work, 'qemu')) };
}

interface Run {
  /** Seconds the program measured around its work, in the guest. */
  work: number;
  /** Per kernel: its result (hex) and seconds. */
  kernels: Map<string, { result: string; seconds: number }>;
  checksum: string;
  /** Wall seconds from spawn to the shell prompt, and to the command's end. */
  toPrompt: number;
  toDone: number;
}

const command = `mkdir -p /tmp/bench && mount -t ext2 -o ro /dev/vdb /tmp/bench && /tmp/bench/guest-cpu ${scale}`;

function parse(output: string): Omit<Run, 'toPrompt' | 'toDone'> {
  const kernels = new Map<string, { result: string; seconds: number }>();
  let checksum: string | undefined;
  let seconds: number | undefined;
  for (const line of output.split('\n')) {
    const [name, value, time] = line.trim().split(' ');
    if (name === 'checksum') checksum = value;
    else if (name === 'seconds') seconds = Number(value);
    else if (time !== undefined) kernels.set(name, { result: value, seconds: Number(time) });
  }
  if (checksum === undefined || seconds === undefined)
    throw new Error(`the workload's output has no checksum or seconds:\n${output}`);
  return { work: seconds, kernels, checksum };
}

async function runOnce(program: string, args: string[]): Promise<Run> {
  const guest = startConsoleProcess(program, args);
  try {
    await guest.session.ready(180_000);
    const toPrompt = (performance.now() - guest.started) / 1000;
    const { output, exitCode } = await guest.session.exec(command, { timeoutMs: 900_000 });
    const toDone = (performance.now() - guest.started) / 1000;
    if (exitCode !== 0) throw new Error(`the workload failed (exit ${exitCode}):\n${output}`);
    return { ...parse(output), toPrompt, toDone };
  } finally {
    await guest.stop();
  }
}

const files = compile();
const { manifestPath, qemuFiles } = await benchImage(files);

const cli = engineCli();
const engine = (...extra: string[]) => [...cli.args, 'shell', '--image', manifestPath, ...extra];
const hasNoJit = cliSupports(cli, 'shell', '--no-jit');
const sides: { name: string; program: string; args: string[] }[] = hasNoJit
  ? [
      { name: 'engine, translator', program: cli.command, args: engine() },
      { name: 'engine, interpreter', program: cli.command, args: engine('--no-jit') },
    ]
  : [{ name: 'engine (its default)', program: cli.command, args: engine() }];
if (hasQemu()) sides.push({ name: 'qemu (TCG)', program: QEMU, args: qemuVirtArgs(qemuFiles) });

console.log(`workload: ${source}, scale ${scale}; guest: busybox image + /dev/vdb, cold boot`);
console.log(`engine: ${cli.label}; its start alone: ${startupSeconds(cli).toFixed(2)} s`);
if (!hasNoJit)
  console.log(
    'TODO (issue 13): `linux-terminal shell` has no --no-jit yet, so the translator and the interpreter cannot be told apart: one engine side, the default',
  );
console.log(`${runs} runs per side, interleaved; median (min–max) seconds\n`);

const results = new Map(sides.map((side) => [side.name, [] as Run[]]));
for (let i = 0; i < runs; i++)
  for (const side of sides) {
    const run = await runOnce(side.program, side.args);
    results.get(side.name)!.push(run);
    console.log(
      `  ${side.name}: run ${i + 1}, work ${run.work.toFixed(3)} s, spawn to done ${run.toDone.toFixed(3)} s, checksum ${run.checksum}`,
    );
  }

// The same program on the same input: any difference is a wrong result on some side.
const checksums = new Set([...results.values()].flat().map((r) => r.checksum));
if (checksums.size !== 1) {
  console.error('\nbench:guest-cpu: the sides do not agree on the checksum:');
  for (const [name, all] of results)
    for (const r of all)
      console.error(
        `  ${name.padEnd(22)} ${r.checksum}  ${[...r.kernels].map(([k, v]) => `${k} ${v.result}`).join('  ')}`,
      );
  process.exit(1);
}

const column = (text: string, width = 24) => text.padStart(width);
console.log(
  `\n${'side'.padEnd(22)}${column('work in the guest')}${column('spawn to prompt')}${column('spawn to done')}`,
);
for (const [name, all] of results)
  console.log(
    `${name.padEnd(22)}${column(spread(all.map((r) => r.work)))}${column(spread(all.map((r) => r.toPrompt)))}${column(spread(all.map((r) => r.toDone)))}`,
  );

const kernels = [...results.values()][0][0].kernels.keys();
console.log(`\n${'kernel, work'.padEnd(22)}${sides.map((s) => column(s.name, 22)).join('')}`);
for (const kernel of kernels)
  console.log(
    `${kernel.padEnd(22)}${sides.map((s) => column(median(results.get(s.name)!.map((r) => r.kernels.get(kernel)!.seconds)).toFixed(3), 22)).join('')}`,
  );

const workOf = (name: string) => median(results.get(name)?.map((r) => r.work) ?? []);
const doneOf = (name: string) => median(results.get(name)?.map((r) => r.toDone) ?? []);
console.log(`\nchecksum ${[...checksums][0]} on every side and run`);
if (hasNoJit)
  console.log(
    `translator speed-up over the interpreter: ${(workOf('engine, interpreter') / workOf('engine, translator')).toFixed(2)}x (work), ${(doneOf('engine, interpreter') / doneOf('engine, translator')).toFixed(2)}x (spawn to done)`,
  );
if (results.has('qemu (TCG)'))
  for (const side of sides.filter((s) => s.program !== QEMU))
    console.log(
      `${side.name} takes ${(workOf(side.name) / workOf('qemu (TCG)')).toFixed(2)}x QEMU's time (work), ${(doneOf(side.name) / doneOf('qemu (TCG)')).toFixed(2)}x (spawn to done)`,
    );
