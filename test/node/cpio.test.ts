// The initramfs archives the Worker appends for <linux-file>, read back by GNU cpio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCpio } from '../../src/engine/cpio.js';

test('GNU cpio unpacks the files, their folders and modes', () => {
  const archive = writeCpio([
    { path: '/root/hello.py', mode: 0o644, data: new TextEncoder().encode('print("hello")\n') },
    {
      path: '/usr/local/bin/run.sh',
      mode: 0o755,
      data: new TextEncoder().encode('#!/bin/sh\necho run\n'),
    },
    { path: '/empty', mode: 0o600, data: new Uint8Array(0) },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cpio-'));
  const result = spawnSync('cpio', ['-idm', '--quiet'], { cwd: dir, input: archive });
  assert.equal(result.status, 0, `cpio failed: ${result.stderr}`);
  assert.equal(readFileSync(join(dir, 'root/hello.py'), 'utf8'), 'print("hello")\n');
  assert.equal(statSync(join(dir, 'usr/local/bin/run.sh')).mode & 0o777, 0o755);
  assert.equal(statSync(join(dir, 'root/hello.py')).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'empty')).size, 0);
  assert.ok(statSync(join(dir, 'usr/local')).isDirectory());
});
