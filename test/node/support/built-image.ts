// The committed busybox image read back the way a test needs it: its manifest, its blobs
// (gunzipped), its root disk put back together as a file for e2fsprogs' debugfs, and an initramfs
// made from that disk's BusyBox for the tests of `--kernel FILE --initrd FILE`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { writeCpio } from '../../../src/engine/cpio.js';
import type { ImageManifest } from '../../../src/engine/image/manifest.js';
import { readLocalImage, unpackImage } from '../../../src/images/builder/unpack-image.js';

export const imagesDir = fileURLToPath(new URL('../../../src/images/', import.meta.url));

export interface BuiltImage {
  dir: string;
  manifestPath: string;
  manifest: ImageManifest;
  /** The path of blob `sha256`'s file. */
  blobPath(sha256: string): string;
  /** Blob `sha256`, gunzipped and verified. */
  blob(sha256: string): Uint8Array;
}

export function readBuiltImage(name: string): BuiltImage {
  const dir = join(imagesDir, name, 'dist');
  const manifestPath = join(dir, 'manifest.json');
  const { manifest, blob } = readLocalImage(manifestPath);
  return {
    dir,
    manifestPath,
    manifest,
    blobPath: (sha256: string) => join(dir, manifest.blobs, `${sha256}.gz`),
    blob,
  };
}

const work = mkdtempSync(join(tmpdir(), 'lt-image-'));

/** The first disk of `image` as one raw file; returns its path. */
export function diskFile(image: BuiltImage): string {
  return unpackImage(image.manifestPath, join(work, image.manifest.name)).disks[0];
}

/** Runs one debugfs request on the file system in `disk` (read-only); returns its output. */
export function debugfs(disk: string, request: string): string {
  const result = spawnSync('debugfs', ['-R', request, disk], {
    encoding: 'latin1',
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  assert.equal(result.status, 0, `debugfs -R '${request}': ${result.stderr}`);
  return result.stdout;
}

/** File `path` of the file system in `disk`, as bytes. */
export function readGuestFile(disk: string, path: string): Uint8Array {
  const out = join(work, 'dumped');
  debugfs(disk, `dump ${path} ${out}`);
  return new Uint8Array(readFileSync(out));
}

/**
 * Files for a kernel of the user's own: the busybox image's kernel, and a gzip'd initramfs with
 * that image's BusyBox and an /init that starts a shell on the console (prompt "# ").
 */
export function ownKernelAndInitrd(): { kernel: string; initrd: string } {
  const image = readBuiltImage('busybox');
  const busybox = readGuestFile(diskFile(image), '/bin/busybox');
  const init = [
    '#!/bin/busybox sh',
    // No /dev/console in this archive: init starts with no open files, so it opens the console.
    '/bin/busybox mkdir -p /dev /proc',
    '/bin/busybox mount -t devtmpfs devtmpfs /dev',
    'exec </dev/console >/dev/console 2>&1',
    '/bin/busybox --install -s /bin',
    "PS1='# ' exec /bin/busybox sh",
    '',
  ].join('\n');
  const archive = writeCpio([
    { path: '/init', mode: 0o755, data: new TextEncoder().encode(init) },
    { path: '/bin/busybox', mode: 0o755, data: busybox },
  ]);
  const kernel = join(work, 'Image');
  const initrd = join(work, 'initramfs.cpio.gz');
  writeFileSync(kernel, image.blob(image.manifest.kernel.sha256));
  writeFileSync(initrd, gzipSync(archive));
  return { kernel, initrd };
}
