// `linux-terminal run` as a user meets it: output and exit status, and a clear error with a
// non-zero exit for every way a boot can go wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ownKernelAndInitrd, readBuiltImage } from './support/built-image.js';

const cli = fileURLToPath(new URL('../../bin/linux-terminal.js', import.meta.url));
const builtIn = readBuiltImage('busybox');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('prints the command output and exits with its status', () => {
  const result = run('--', 'echo hello from $(uname -m); exit 7');
  assert.equal(result.stdout, 'hello from riscv64\n');
  assert.equal(result.status, 7);
});

test('--stats reports boot time, instructions and MIPS on stderr', () => {
  const result = run('--stats', '--', 'true');
  assert.equal(result.status, 0);
  assert.match(
    result.stderr,
    /boot to prompt [\d.]+ s \([\d,]+ instructions\); total [\d.]+ s, [\d,]+ instructions, [\d.]+ MIPS/,
  );
});

test('an unknown image name is a clear error', () => {
  const result = run('--image', 'no-such-image', '--', 'true');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /there is no built-in image 'no-such-image'/);
});

test('a corrupt blob is refused before it runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  cpSync(builtIn.dir, dir, { recursive: true });
  // Another content under the kernel's name: a well-formed gzip stream whose bytes hash wrong.
  const kernel = builtIn.blob(builtIn.manifest.kernel.sha256);
  kernel[kernel.length - 1] ^= 0xff;
  writeFileSync(join(dir, 'blobs', `${builtIn.manifest.kernel.sha256}.gz`), gzipSync(kernel));
  const result = run('--image', join(dir, 'manifest.json'), '--', 'true');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /is corrupt: its content hashes to [0-9a-f]{64}, not [0-9a-f]{64}/);
  assert.match(result.stderr, /\[chunk-hash-mismatch\]/);
});

test('a kernel that is not a RISC-V Linux Image is a clear error', () => {
  const result = run('--kernel', process.execPath, '--', 'true');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /not a RISC-V Linux Image/);
});

test('a kernel and initramfs of your own boot to their shell', () => {
  const { kernel, initrd } = ownKernelAndInitrd();
  const result = run('--kernel', kernel, '--initrd', initrd, '--', 'echo own $((6 * 7))');
  assert.equal(result.stdout, 'own 42\n');
  assert.equal(result.status, 0);
});

test('a kernel panic is reported with its message', () => {
  const append = 'console=ttyS0 root=/dev/vda rootfstype=ext2 init=/does/not/exist';
  const result = run('--append', append, '--', 'true');
  assert.equal(result.status, 3);
  assert.match(result.stderr, /the guest kernel panicked: Kernel panic - not syncing/);
});

test('a guest that never shows a prompt ends at the time limit', () => {
  // Everything after "--" on the kernel command line goes to init: here init just sleeps.
  const { kernel, initrd } = ownKernelAndInitrd();
  const append = 'console=ttyS0 rdinit=/bin/busybox -- sleep 1000';
  const result = run(
    '--kernel',
    kernel,
    '--initrd',
    initrd,
    '--append',
    append,
    '--timeout',
    '5',
    '--',
    'true',
  );
  assert.equal(result.status, 4);
  assert.match(result.stderr, /did not reach a shell prompt within 5 s/);
});

test('memory sizes out of range are refused', () => {
  for (const memory of ['8', '100000', 'lots']) {
    const result = run('--memory', memory, '--', 'true');
    assert.equal(result.status, 2, memory);
    assert.match(result.stderr, /--memory must be a whole number of MiB from 32 to 1920/);
  }
});
