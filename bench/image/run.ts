// `npm run bench:image`: what a lazily read image costs to boot, headless in Node.
// 1. The busybox image re-chunked at several chunk sizes: blobs and compressed bytes fetched to
//    the first prompt, against what the image stores. (This is how the default chunk size was
//    chosen: fewer requests against fewer bytes.)
// 2. The same root file system on a 256 MiB disk that also holds 96 MiB of files boot never
//    reads: chunks fetched to the prompt against chunks in the disk.
// A benchmark: it prints figures and asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestShell } from '../../src/engine/node/guest-shell.js';
import { builtInManifest, loadBootImage } from '../../src/engine/node/images.js';
import { buildImage } from '../../src/images/builder/build-image.js';
import { unpackImage } from '../../src/images/builder/unpack-image.js';
import { formatSize } from '../../src/images/builder/size.js';

const work = mkdtempSync(join(tmpdir(), 'bench-image-'));
const busybox = unpackImage(builtInManifest('busybox'), join(work, 'busybox'));

interface Cost {
  blobs: number;
  bytes: number;
  seconds: number;
}

/**
 * Boots the image at `manifestPath` to its prompt; the disk chunks fetched (the machine thread's
 * fetcher: the kernel is loaded before, apart), and how long it took.
 */
async function bootCost(manifestPath: string): Promise<Cost> {
  const started = performance.now();
  const guest = new GuestShell(await loadBootImage({ image: manifestPath }));
  try {
    await guest.ready();
    const seconds = (performance.now() - started) / 1000;
    const { blobs, bytes } = await guest.thread.fetched();
    return { blobs, bytes, seconds };
  } finally {
    await guest.terminate();
  }
}

function storedBytes(folder: string): number {
  return readdirSync(join(folder, 'blobs')).reduce(
    (sum, name) => sum + statSync(join(folder, 'blobs', name)).size,
    0,
  );
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(2)} MiB`;

console.log('1. busybox image by chunk size: disk chunks fetched to the first prompt\n');
console.log(
  `${'chunk'.padEnd(8)}${pad('chunks', 8)}${pad('stored', 8)}${pad('fetched', 9)}${pad('fetched bytes', 15)}${pad('stored bytes', 14)}${pad('boot s', 8)}`,
);
for (const chunkSize of [16 << 10, 64 << 10, 256 << 10, 1 << 20]) {
  const out = join(work, `chunks-${chunkSize}`);
  const { manifest, manifestPath } = await buildImage({
    kernel: busybox.kernel,
    disks: busybox.disks,
    chunkSize,
    cmdline: busybox.manifest.cmdline,
    memoryMiB: busybox.manifest.memoryMiB,
    name: 'busybox',
    out,
  });
  const disk = manifest.disks[0];
  const cost = await bootCost(manifestPath);
  console.log(
    `${formatSize(chunkSize).padEnd(8)}${pad(disk.chunks.length, 8)}${pad(disk.chunks.filter(Boolean).length, 8)}${pad(cost.blobs, 9)}${pad(mib(cost.bytes), 15)}${pad(mib(storedBytes(out)), 14)}${pad(cost.seconds.toFixed(2), 8)}`,
  );
}

console.log('\n2. a 256 MiB root disk holding 96 MiB that boot does not read (64 KiB chunks)\n');
const rootfs = join(work, 'rootfs');
mkdirSync(rootfs);
const dump = spawnSync('debugfs', ['-R', `rdump / ${rootfs}`, busybox.disks[0]], {
  encoding: 'utf8',
  env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
});
if (dump.status !== 0) throw new Error(`debugfs rdump failed: ${dump.stderr}`);
mkdirSync(join(rootfs, 'opt/data'), { recursive: true });
for (let i = 0; i < 12; i++) writeFileSync(join(rootfs, `opt/data/part${i}`), randomBytes(8 << 20));
const large = join(work, 'large');
const { manifest, manifestPath } = await buildImage({
  kernel: busybox.kernel,
  disks: [rootfs],
  diskSize: 256 << 20,
  cmdline: busybox.manifest.cmdline,
  memoryMiB: busybox.manifest.memoryMiB,
  name: 'large',
  out: large,
});
const disk = manifest.disks[0];
const stored = disk.chunks.filter(Boolean).length;
const cost = await bootCost(manifestPath);
const chunksFetched = cost.blobs;
console.log(`disk chunks: ${disk.chunks.length}, stored (not zero): ${stored}`);
console.log(
  `fetched to the prompt: ${chunksFetched} chunks (${((100 * chunksFetched) / stored).toFixed(1)}% of those stored), ${mib(cost.bytes)} compressed, of ${mib(storedBytes(large))} stored in all (kernel included); boot ${cost.seconds.toFixed(2)} s`,
);
rmSync(work, { recursive: true, force: true });
