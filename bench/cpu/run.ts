// `npm run bench:cpu`: runs the CPU benchmark guest (bench.c) on the engine and, where
// qemu-system-riscv64 is installed, on QEMU's virt machine, and prints instructions, wall time,
// MIPS and the ratio. A benchmark: it prints figures and asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBareMetal } from '../../src/engine/bare-metal.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../../build/bench/cpu.elf', import.meta.url));
const sources = ['start.S', 'bench.c', 'link.ld'].map((name) => here + name);
const runs = Number(process.env.BENCH_RUNS ?? 3);

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

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

build();
const elf = readFileSync(out);
console.log(`guest: ${out} (${elf.length} bytes); ${runs} runs each, median reported\n`);

const engineTimes: number[] = [];
let instructions = 0;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const result = await runBareMetal(elf, { maxInstructions: 10_000_000_000 });
  const seconds = (performance.now() - started) / 1000;
  if (result.outcome !== 'pass') {
    console.error(
      `bench:cpu: the guest did not finish on the engine: ${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
    process.exit(1);
  }
  instructions = Number(result.instructions);
  engineTimes.push(seconds);
}
const engineSeconds = median(engineTimes);
const engineMips = instructions / engineSeconds / 1e6;
console.log(
  `engine  ${instructions.toLocaleString('en')} instructions  ${engineSeconds.toFixed(3)} s  ${engineMips.toFixed(1)} MIPS`,
);

const qemu = 'qemu-system-riscv64';
if (spawnSync(qemu, ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log(`qemu    not installed (Debian package qemu-system-misc); no comparison`);
} else {
  const qemuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(
      qemu,
      ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '64M', '-kernel', out],
      {
        stdio: 'ignore',
        timeout: 120_000,
      },
    );
    qemuTimes.push((performance.now() - started) / 1000);
    if (result.status !== 0) {
      console.error(`bench:cpu: QEMU exited with ${result.status ?? result.signal}`);
      process.exit(1);
    }
  }
  const qemuSeconds = median(qemuTimes);
  console.log(
    `qemu    ${instructions.toLocaleString('en')} instructions  ${qemuSeconds.toFixed(3)} s  ${(instructions / qemuSeconds / 1e6).toFixed(1)} MIPS (TCG, process start included)`,
  );
  console.log(`ratio   engine takes ${(engineSeconds / qemuSeconds).toFixed(1)}x QEMU's time`);
}
