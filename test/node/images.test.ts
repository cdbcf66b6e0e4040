// The committed boot images (src/images/<name>/dist): every file the manifest lists is there with
// its size and SHA-256, the kernel is a RISC-V Linux Image, and the initramfs holds what /init
// needs. Built by scripts/build-images.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const imagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/images');

interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

interface Manifest {
  name: string;
  kernel: ManifestFile;
  initrd: ManifestFile;
  cmdline: string;
  memoryMiB: number;
}

interface CpioEntry {
  mode: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Uint8Array;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFLNK = 0o120000;

/** The entries of a newc ("070701") cpio archive by path, as the kernel's initramfs unpacker reads it. */
function readNewc(archive: Uint8Array): Map<string, CpioEntry> {
  const text = new TextDecoder('latin1');
  const entries = new Map<string, CpioEntry>();
  const align4 = (n: number) => (n + 3) & ~3;
  let at = 0;
  for (;;) {
    assert.ok(at + 110 <= archive.length, `cpio header at ${at} runs past the archive`);
    const header = text.decode(archive.subarray(at, at + 110));
    assert.equal(header.slice(0, 6), '070701', `cpio magic at ${at}`);
    const field = (i: number) => parseInt(header.slice(6 + 8 * i, 14 + 8 * i), 16);
    const [mode, fileSize, rdevMajor, rdevMinor, nameSize] = [
      field(1),
      field(6),
      field(9),
      field(10),
      field(11),
    ];
    const name = text.decode(archive.subarray(at + 110, at + 110 + nameSize - 1));
    const dataStart = align4(at + 110 + nameSize);
    if (name === 'TRAILER!!!') return entries;
    const data = archive.subarray(dataStart, dataStart + fileSize);
    entries.set(name, { mode, rdevMajor, rdevMinor, data });
    at = align4(dataStart + fileSize);
  }
}

const manifestPaths = ['busybox'].map((name) => join(imagesDir, name, 'dist', 'manifest.json'));

for (const manifestPath of manifestPaths) {
  const manifest: Manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const dir = dirname(manifestPath);
  const read = (file: ManifestFile) => new Uint8Array(readFileSync(join(dir, file.path)));

  test(`${manifest.name}: every file in the manifest is there, with its size and SHA-256`, () => {
    assert.equal(typeof manifest.cmdline, 'string');
    assert.ok(manifest.memoryMiB > 0);
    for (const file of [manifest.kernel, manifest.initrd]) {
      const path = join(dir, file.path);
      assert.ok(existsSync(path), `${path} is missing`);
      const data = read(file);
      assert.equal(data.length, file.size, `size of ${file.path}`);
      assert.equal(createHash('sha256').update(data).digest('hex'), file.sha256, file.path);
    }
  });

  test(`${manifest.name}: the kernel is a RISC-V Linux Image`, () => {
    const image = read(manifest.kernel);
    const ascii = (at: number, length: number) =>
      new TextDecoder('latin1').decode(image.subarray(at, at + length));
    // Documentation/riscv/boot-image-header.rst: magic "RISCV\0\0\0" at 48, magic2 "RSC\x05" at 56.
    assert.equal(ascii(48, 8), 'RISCV\0\0\0');
    assert.equal(ascii(56, 4), 'RSC\x05');
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const imageSize = Number(view.getBigUint64(16, true));
    assert.ok(imageSize >= image.length, 'the header image_size covers the file');
  });

  test(`${manifest.name}: the initramfs is a gzip'd newc cpio with /init, BusyBox and /dev/console`, () => {
    const compressed = read(manifest.initrd);
    assert.deepEqual([...compressed.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
    const entries = readNewc(gunzipSync(compressed));

    const init = entries.get('init');
    assert.ok(init, 'init is in the archive');
    assert.equal(init.mode & S_IFMT, S_IFREG);
    assert.ok(init.mode & 0o100, 'init is executable');
    assert.match(new TextDecoder().decode(init.data.subarray(0, 64)), /^#!\/bin\/(busybox )?sh\n/);

    const busybox = entries.get('bin/busybox');
    assert.ok(busybox, 'bin/busybox is in the archive');
    assert.equal(busybox.mode & S_IFMT, S_IFREG);
    assert.deepEqual([...busybox.data.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], 'ELF magic');
    assert.equal(busybox.data[4], 2, 'ELFCLASS64');
    const machine = busybox.data[18] | (busybox.data[19] << 8);
    assert.equal(machine, 243, 'EM_RISCV');

    const dev = entries.get('dev');
    assert.ok(dev && (dev.mode & S_IFMT) === S_IFDIR, 'dev is a directory');
    const devConsole = entries.get('dev/console');
    assert.ok(devConsole, 'dev/console is in the archive');
    assert.equal(devConsole.mode & S_IFMT, S_IFCHR, 'dev/console is a character device');
    assert.deepEqual([devConsole.rdevMajor, devConsole.rdevMinor], [5, 1]);

    const sh = entries.get('bin/sh');
    assert.ok(sh && (sh.mode & S_IFMT) === S_IFLNK, 'bin/sh is an applet symlink');
    // gen_init_cpio stores the link target with its terminating NUL; GNU cpio does not.
    assert.equal(new TextDecoder().decode(sh.data).replace(/\0$/, ''), '/bin/busybox');
  });
}
