// `npm run bench:cpu`: runs the bare-metal CPU benchmark guest (bench.c, machine mode: no Linux,
// no paging, no interrupts) on the engine, with the translator and without it (--no-jit), and,
// where qemu-system-riscv64 is installed, on QEMU's virt machine. Every side is a process,
// timed the same way: wall time from spawn to exit, start-up included (the engine through its
// `linux-terminal elf` command). The engine's in-process time, without any process start, is
// printed apart. A benchmark: it prints figures and asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBareMetal } from '../../src/engine/bare-metal.js';
import { cliSupports, engineCli, startupSeconds } from '../support/engine-cli.js';
import { QEMU, hasQemu } from '../support/qemu.js';
import { benchRuns, median, spread } from '../support/stats.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../../build/bench/cpu.elf', import.meta.url));
const sources = ['start.S', 'bench.c', 'link.ld'].map((name) => here + name);
const runs = benchRuns();
const maxInstructions = 10_000_000_000;

function build(): void {
  if (existsSync(out) && sources.every((s) => statSync(s).mtimeMs <= statSync(out).mtimeMs)) return;
  mkdirSync(fileURLToPath(new URL('../../build/bench/', import.meta.url)), { recursive: true });
  const cc = 'riscv64-linux-gnu-gcc';
  const args = [
    '-O2',
    '-march=rv64gc',
    '-mabi=lp64d',
    '-mcmodel=medany',
    '-nostdlib',
    '-nostartfiles',
    '-static',
    '-ffreestanding',
    '-fno-builtin',
    '-Wl,--build-id=none',
    '-Wl,--no-warn-rwx-segments',
    '-T',
    here + 'link.ld',
    here + 'start.S',
    here + 'bench.c',
    '-o',
    out,
  ];
  const result = spawnSync(cc, args, { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(
      `bench:cpu: building the guest needs ${cc} (Debian package gcc-riscv64-linux-gnu).`,
    );
    process.exit(1);
  }
}

/** Wall seconds from spawn to exit; a run that does not finish as `finished` says ends the bench. */
function timeProcess(
  name: string,
  program: string,
  args: string[],
  finished: (status: number | null, stdout: string) => boolean,
): number {
  const started = performance.now();
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  if (result.error || !finished(result.status, result.stdout)) {
    console.error(
      `bench:cpu: ${name} did not finish the guest (exit ${result.status ?? result.signal}): ${result.error?.message ?? result.stdout + result.stderr}`,
    );
    process.exit(1);
  }
  return seconds;
}

build();
const elf = readFileSync(out);
const cli = engineCli();
const elfArgs = [...cli.args, 'elf', out, '--max-instructions', String(maxInstructions)];
const passed = (status: number | null, stdout: string) => status === 0 && stdout.includes('PASS');
const sides = cliSupports(cli, 'elf', '--no-jit')
  ? [
      { name: 'engine, translator', program: cli.command, args: elfArgs, finished: passed },
      {
        name: 'engine, interpreter',
        program: cli.command,
        args: [...elfArgs, '--no-jit'],
        finished: passed,
      },
    ]
  : [{ name: 'engine (its default)', program: cli.command, args: elfArgs, finished: passed }];
if (hasQemu())
  sides.push({
    name: 'qemu (TCG)',
    program: QEMU,
    args: ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '64M', '-kernel', out],
    // start.S powers QEMU off through the SiFive test device: exit status 0.
    finished: (status) => status === 0,
  });

// The instruction count, and the engine's time with no process around it.
const inProcess: number[] = [];
let instructions = 0;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const result = await runBareMetal(elf, { maxInstructions });
  inProcess.push((performance.now() - started) / 1000);
  if (result.outcome !== 'pass') {
    console.error(`bench:cpu: the guest did not finish in-process: ${result.outcome}`);
    process.exit(1);
  }
  instructions = Number(result.instructions);
}

console.log(
  `guest: ${out} (${elf.length} bytes), ${instructions.toLocaleString('en')} instructions`,
);
console.log(`engine: ${cli.label}; its start alone: ${startupSeconds(cli).toFixed(2)} s`);
console.log(
  `${runs} runs per side, interleaved; wall seconds from spawn to exit, median (min–max)\n`,
);

const times = new Map(sides.map((side) => [side.name, [] as number[]]));
for (let i = 0; i < runs; i++)
  for (const side of sides)
    times.get(side.name)!.push(timeProcess(side.name, side.program, side.args, side.finished));

const mips = (seconds: number) => `${(instructions / seconds / 1e6).toFixed(1)} MIPS`;
for (const [name, values] of times)
  console.log(`${name.padEnd(22)}${spread(values).padStart(26)}  ${mips(median(values))}`);
console.log(
  `\nin-process (runBareMetal in this process, no process start: not comparable with the rows\nabove): engine, its default ${spread(inProcess)} s, ${mips(median(inProcess))}`,
);

const of = (name: string) => median(times.get(name) ?? []);
console.log('');
if (times.has('engine, interpreter'))
  console.log(
    `translator speed-up over the interpreter: ${(of('engine, interpreter') / of('engine, translator')).toFixed(2)}x`,
  );
if (times.has('qemu (TCG)'))
  for (const side of sides.filter((s) => s.program !== QEMU))
    console.log(`${side.name} takes ${(of(side.name) / of('qemu (TCG)')).toFixed(2)}x QEMU's time`);
