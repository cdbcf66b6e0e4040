// The committed busybox image (src/images/busybox/dist, built by scripts/build-images.mjs): every
// blob its manifest names is there and is what its name says, the kernel is a RISC-V Linux Image,
// and the root disk is an ext2 file system holding what /init and the element need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allBlobs } from '../../src/engine/image/manifest.js';
import { debugfs, diskFile, readBuiltImage, readGuestFile } from './support/built-image.js';

const image = readBuiltImage('busybox');
const { manifest } = image;

test('busybox: every blob the manifest names is there, with its size and SHA-256', () => {
  const blobs = allBlobs(manifest);
  assert.ok(blobs.length > 1);
  for (const { sha256, size } of blobs) {
    assert.ok(existsSync(image.blobPath(sha256)), `${sha256}.gz is missing`);
    const data = image.blob(sha256);
    assert.equal(data.length, size, `size of ${sha256}`);
    assert.equal(createHash('sha256').update(data).digest('hex'), sha256);
  }
  // Nothing else: the build prunes blobs the manifest no longer names.
  const named = new Set(blobs.map(({ sha256 }) => `${sha256}.gz`));
  for (const file of readdirSync(join(image.dir, manifest.blobs)))
    assert.ok(named.has(file), `${file} is not named by the manifest`);
});

test('busybox: the kernel is a RISC-V Linux Image', () => {
  const kernel = image.blob(manifest.kernel.sha256);
  const ascii = (at: number, length: number) =>
    new TextDecoder('latin1').decode(kernel.subarray(at, at + length));
  // Documentation/riscv/boot-image-header.rst: magic "RISCV\0\0\0" at 48, magic2 "RSC\x05" at 56.
  assert.equal(ascii(48, 8), 'RISCV\0\0\0');
  assert.equal(ascii(56, 4), 'RSC\x05');
  const view = new DataView(kernel.buffer, kernel.byteOffset, kernel.byteLength);
  assert.ok(Number(view.getBigUint64(16, true)) >= kernel.length, 'image_size covers the file');
});

test('busybox: the root disk is ext2 with /init, a RISC-V BusyBox and the command agent', () => {
  assert.equal(manifest.initrd, undefined, 'no initramfs: the kernel mounts the disk');
  assert.match(manifest.cmdline, /\broot=\/dev\/vda\b/);
  assert.match(manifest.cmdline, /\binit=\/init\b/);
  const disk = diskFile(image);
  const superblock = debugfs(disk, 'stats');
  assert.match(superblock, /Filesystem magic number:\s+0xEF53/);
  assert.match(superblock, /Filesystem state:\s+clean/);

  const init = new TextDecoder().decode(readGuestFile(disk, '/init'));
  assert.match(init, /^#!\/bin\/busybox sh\n/);
  assert.match(debugfs(disk, 'stat /init'), /Mode:\s+0755/);

  const busybox = readGuestFile(disk, '/bin/busybox');
  assert.deepEqual([...busybox.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], 'ELF magic');
  assert.equal(busybox[4], 2, 'ELFCLASS64');
  assert.equal(busybox[18] | (busybox[19] << 8), 243, 'EM_RISCV');
  assert.match(debugfs(disk, 'stat /bin/sh'), /Type: symlink/);

  assert.match(new TextDecoder().decode(readGuestFile(disk, '/sbin/lt-agent')), /\/dev\/hvc1/);
  for (const dir of ['/dev', '/proc', '/sys', '/tmp', '/root'])
    assert.match(debugfs(disk, `stat ${dir}`), /Type: directory/, dir);
});
