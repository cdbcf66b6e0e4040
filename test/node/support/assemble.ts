// Builds small bare-metal RISC-V programs for tests with Debian's cross toolchain
// (gcc-riscv64-linux-gnu), linked at 0x80000000 with a `tohost` doubleword.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'lt-asm-'));
const linkerScript = join(dir, 'link.ld');
writeFileSync(
  linkerScript,
  'ENTRY(_start)\nSECTIONS {\n  . = 0x80000000;\n  .text : { *(.text*) }\n  .data : { *(.data*) }\n  .tohost : { *(.tohost) }\n}\n',
);
let count = 0;

/** Assembles `body` (the code after `_start:`) and returns the ELF's path. */
export function assemble(body: string): string {
  const name = `p${count++}`;
  const source = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  writeFileSync(
    source,
    `  .globl _start\n_start:\n${body}\n  .section .tohost, "aw", @progbits\n  .align 3\n  .globl tohost\ntohost: .dword 0\n`,
  );
  const cc = spawnSync(
    'riscv64-linux-gnu-gcc',
    [
      '-march=rv64gc',
      '-mabi=lp64d',
      '-nostdlib',
      '-nostartfiles',
      '-static',
      '-Wl,--build-id=none',
      '-T',
      linkerScript,
      source,
      '-o',
      elf,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(
    cc.status,
    0,
    `riscv64-linux-gnu-gcc failed (install gcc-riscv64-linux-gnu): ${cc.stderr ?? cc.error}`,
  );
  return elf;
}

/** Assembles `body` and returns the ELF's bytes. */
export function assembleBytes(body: string): Uint8Array {
  return readFileSync(assemble(body));
}

/** Code that reports `value` through tohost and then spins. */
export const report = (value: number): string =>
  `  la t0, tohost\n  li t1, ${value}\n  sd t1, 0(t0)\n1: j 1b`;
