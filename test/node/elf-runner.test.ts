// The bare-metal runner as a user meets it: `linux-terminal elf` on programs that pass, fail,
// never finish, or are not RISC-V ELF files at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, report } from './support/assemble.js';

const cli = fileURLToPath(new URL('../../bin/linux-terminal.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'elf-runner-'));

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'elf', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('a passing program prints PASS and exits 0', () => {
  const result = run(assemble(report(1)));
  assert.equal(result.stdout.trim(), 'PASS');
  assert.equal(result.status, 0);
});

test('a failing program prints FAIL with its case number and exits 1', () => {
  const result = run(assemble(report((7 << 1) | 1)));
  assert.equal(result.stdout.trim(), 'FAIL 7');
  assert.equal(result.status, 1);
});

test('a runaway program stops at the instruction limit with a clear message', () => {
  const result = run(assemble('1: j 1b'), '--max-instructions', '100000');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /did not report through tohost within 100000 instructions/);
});

test('--trace prints pc, bits and disassembly for each step', () => {
  const result = run(assemble(`  li a0, 5\n  addi a0, a0, -1\n${report(1)}`), '--trace');
  assert.equal(result.status, 0);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], /^0000000080000000 {2}4515 {6}addi a0, zero, 5$/);
  assert.match(lines[1], /^0000000080000002 {2}157d {6}addi a0, a0, -1$/);
  assert.equal(lines.at(-1), 'PASS');
});

test('a file that is not an ELF gets a clear error, not a crash', () => {
  const file = join(dir, 'not-elf.bin');
  writeFileSync(file, 'hello, world\n'.repeat(10));
  const result = run(file);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /not an ELF file/);
});

test('an ELF for another architecture gets a clear error', () => {
  const result = run(process.execPath); // the host's node binary: an x86-64 or arm64 ELF
  assert.equal(result.status, 2);
  assert.match(result.stderr, /not RISC-V/);
});

test('a missing file gets a clear error', () => {
  const result = run(join(dir, 'nothing-here.elf'));
  assert.equal(result.status, 2);
  assert.match(result.stderr, /cannot read .*ENOENT/);
});
