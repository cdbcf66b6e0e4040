// The image builder (src/images/builder, `linux-terminal image build`): output per
// docs/image-format.md, byte-for-byte determinism, zero chunks, shared blobs, folder disks made
// by e2fsprogs and read back by debugfs and e2fsck, and a clear error for each bad input.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { allBlobs, parseManifest, type ImageManifest } from '../../src/engine/image/manifest.js';
import { buildImage, type BuildImageOptions } from '../../src/images/builder/build-image.js';
import { ImageBuildError } from '../../src/images/builder/image-build-error.js';
import { parseSize } from '../../src/images/builder/size.js';

const work = mkdtempSync(join(tmpdir(), 'lt-image-build-'));
after(() => rmSync(work, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => join(work, `${name}-${count++}`);

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `size` bytes that do not repeat (so no chunk of them is zeros or equals another). */
function noise(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0, i = 0; at < size; at += 32, i++)
    createHash('sha256').update(`${seed}${i}`).digest().copy(out, at);
  return out;
}

/** A file with the RISC-V Linux Image header's magic numbers and `size` bytes in all. */
function fakeKernel(seed: string, size = 20_000): string {
  const kernel = noise(size, seed);
  kernel.write('RISCV\0\0\0', 48, 'latin1');
  kernel.write('RSC\x05', 56, 'latin1');
  const path = fresh('Image');
  writeFileSync(path, kernel);
  return path;
}

function file(data: Uint8Array): string {
  const path = fresh('file');
  writeFileSync(path, data);
  return path;
}

const readBlob = (out: string, manifest: ImageManifest, hash: string) =>
  gunzipSync(readFileSync(join(out, manifest.blobs, `${hash}.gz`)));

/** Disk `i` of the image in `out`, put back together from its blobs and zeros. */
function reassemble(out: string, manifest: ImageManifest, i = 0): Buffer {
  const disk = manifest.disks[i];
  return Buffer.concat(
    disk.chunks.map((hash, n) =>
      hash
        ? readBlob(out, manifest, hash)
        : Buffer.alloc(Math.min(disk.chunkSize, disk.size - n * disk.chunkSize)),
    ),
  );
}

/** Every file below `dir` with its bytes, by relative path. */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[])
    if (statSync(join(dir, name)).isFile()) files.set(name, readFileSync(join(dir, name)));
  return files;
}

/** A small root file system with the kinds of entries mke2fs copies. */
function makeFolder(mtime: number): string {
  const root = fresh('rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'etc/hostname'), 'linux-terminal\n');
  writeFileSync(join(root, 'bin/tool'), noise(150_000, 'tool'));
  chmodSync(join(root, 'bin/tool'), 0o755);
  writeFileSync(join(root, 'a "quoted" name'), 'quotes\n');
  symlinkSync('/bin/tool', join(root, 'bin/link'));
  for (const name of ['etc/hostname', 'bin/tool', 'a "quoted" name', 'etc', 'bin', 'empty', '.'])
    utimesSync(join(root, name), mtime, mtime);
  return root;
}

function debugfs(disk: string, request: string) {
  const result = spawnSync('debugfs', ['-R', request, disk], {
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  assert.equal(result.status, 0, `debugfs -R '${request}' failed: ${result.stderr}`);
  return result.stdout;
}

async function build(options: Partial<BuildImageOptions>) {
  return buildImage({ kernel: fakeKernel('kernel'), out: fresh('out'), ...options });
}

test('the output is a manifest that parseManifest accepts and blobs named by their content', async () => {
  const disk = Buffer.concat([noise(70_000, 'a'), Buffer.alloc(70_000), noise(50_000, 'b')]);
  const initrd = noise(5000, 'initrd');
  const { manifest, manifestPath } = await build({
    initrd: file(initrd),
    disks: [file(disk.subarray(0, 180_224))], // 352 sectors
    chunkSize: 16 << 10,
    cmdline: 'console=ttyS0 quiet',
    memoryMiB: 64,
    name: 'test',
    builtFrom: { 'linux-source-6.1': '6.1.192-2', busybox: '1.35' },
  });
  const text = readFileSync(manifestPath, 'utf8');
  assert.equal(text, `${JSON.stringify(manifest, null, 2)}\n`);
  assert.deepEqual(parseManifest(text, manifestPath), manifest);
  assert.equal(manifest.name, 'test');
  assert.equal(manifest.cmdline, 'console=ttyS0 quiet');
  assert.equal(manifest.memoryMiB, 64);
  assert.equal(manifest.blobs, 'blobs/');
  assert.equal(manifest.encoding, 'gzip');
  assert.deepEqual(manifest.builtFrom, { 'linux-source-6.1': '6.1.192-2', busybox: '1.35' });
  assert.deepEqual(manifest.initrd, { size: initrd.length, sha256: sha256(initrd) });

  const out = join(manifestPath, '..');
  const names = readdirSync(join(out, 'blobs')).sort();
  const listed = allBlobs(manifest);
  assert.deepEqual(names, listed.map((b) => `${b.sha256}.gz`).sort());
  for (const blob of listed) {
    const gz = readFileSync(join(out, 'blobs', `${blob.sha256}.gz`));
    const data = gunzipSync(gz);
    assert.equal(sha256(data), blob.sha256);
    assert.equal(data.length, blob.size);
    // gzip header (RFC 1952): no file name flag, mtime 0, so the bytes depend on content only.
    assert.equal(gz[3], 0, 'FLG');
    assert.equal(gz.readUInt32LE(4), 0, 'MTIME');
  }
});

test('all-zero chunks are null and not stored; a short last chunk is kept whole', async () => {
  const chunk = 4096;
  const disk = Buffer.concat([
    Buffer.alloc(chunk), // 0: zeros
    noise(chunk, 'one'), // 1
    Buffer.alloc(2 * chunk), // 2, 3: zeros
    Buffer.alloc(chunk - 1), // 4: one byte at its end
    Buffer.from([7]),
    noise(1536, 'tail'), // 5: three sectors
  ]);
  const { manifest, manifestPath, blobsWritten } = await build({
    disks: [file(disk)],
    chunkSize: chunk,
  });
  const out = join(manifestPath, '..');
  const [d] = manifest.disks;
  assert.equal(d.size, disk.length);
  assert.equal(d.chunkSize, chunk);
  assert.equal(d.chunks.length, 6);
  assert.deepEqual(
    d.chunks.map((h) => h !== null),
    [false, true, false, false, true, true],
  );
  assert.equal(readBlob(out, manifest, d.chunks[5]!).length, 1536);
  assert.equal(blobsWritten, 4); // kernel + 3 chunks
  assert.equal(readdirSync(join(out, 'blobs')).length, 4);
  assert.ok(reassemble(out, manifest).equals(disk));
});

test('the same inputs give the same manifest and blob files, byte for byte', async () => {
  const kernel = fakeKernel('same');
  const disk = file(Buffer.concat([noise(100_000, 'disk'), Buffer.alloc(31_072)]));
  // The folder is copied twice, with different times, to show that host times do not leak in.
  const folderA = makeFolder(1_000_000_000);
  const folderB = makeFolder(1_700_000_000);
  const outA = fresh('out');
  const outB = fresh('out');
  await buildImage({ kernel, disks: [disk, folderA], out: outA, name: 'same' });
  await buildImage({ kernel, disks: [disk, folderB], out: outB, name: 'same' });
  const a = filesOf(outA);
  const b = filesOf(outB);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, data] of a) assert.ok(data.equals(b.get(name)!), `${name} differs`);
});

test('blobs already in the output folder are kept, not written again', async () => {
  const kernel = fakeKernel('shared');
  const out = fresh('out');
  const first = await buildImage({ kernel, disks: [file(noise(8192, 'one'))], out });
  assert.equal(first.blobsWritten, 2);
  assert.equal(first.blobsKept, 0);
  const kernelBlob = join(out, 'blobs', `${first.manifest.kernel.sha256}.gz`);
  utimesSync(kernelBlob, 1000, 1000); // a rewrite would change this

  const second = await buildImage({ kernel, disks: [file(noise(8192, 'two'))], out });
  assert.equal(second.manifest.kernel.sha256, first.manifest.kernel.sha256);
  assert.equal(second.blobsWritten, 1);
  assert.equal(second.blobsKept, 1);
  assert.equal(statSync(kernelBlob).mtimeMs, 1_000_000, 'the kernel blob was rewritten');
  assert.equal(readdirSync(join(out, 'blobs')).length, 3);
});

test('a folder disk is an ext2 file system owned by root that e2fsck passes', async () => {
  const folder = makeFolder(1_600_000_000);
  // As root, give a file a host owner, to show it does not reach the image.
  if (process.getuid?.() === 0) chownSync(join(folder, 'etc/hostname'), 1234, 1234);
  const { manifest, manifestPath } = await build({ disks: [folder], chunkSize: 8192 });
  const [d] = manifest.disks;
  assert.equal(d.size % 8192, 0);
  assert.ok(d.chunks.includes(null), 'the free space of a new file system is zeros');
  const disk = fresh('disk.ext2');
  writeFileSync(disk, reassemble(join(manifestPath, '..'), manifest));

  assert.equal(debugfs(disk, 'cat /etc/hostname').toString(), 'linux-terminal\n');
  assert.ok(debugfs(disk, 'cat /bin/tool').equals(noise(150_000, 'tool')));
  assert.equal(debugfs(disk, 'cat "/a ""quoted"" name"').toString(), 'quotes\n');
  assert.match(debugfs(disk, 'stat /bin/link').toString(), /Fast link dest: "\/bin\/tool"/);
  for (const path of ['/', '/etc/hostname', '/bin/tool', '/empty']) {
    const stat = debugfs(disk, `stat "${path}"`).toString();
    assert.match(stat, /User:\s+0\s+Group:\s+0\s/, `${path} is owned by root`);
    assert.match(stat, / mtime: 0x00000001:/, `${path} has mtime 1`);
    assert.match(stat, / ctime: 0x00000001:/, `${path} has ctime 1`);
  }
  assert.match(debugfs(disk, 'stat /bin/tool').toString(), /Mode:\s+0755/);
  const fsck = spawnSync('e2fsck', ['-fn', disk], {
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    encoding: 'utf8',
  });
  assert.equal(fsck.status, 0, `e2fsck found problems:\n${fsck.stdout}${fsck.stderr}`);
});

test('--disk-size sets a folder disk size, rounded up to the chunk size', async () => {
  const { manifest } = await build({ disks: [makeFolder(1)], diskSize: (1 << 20) + 1 });
  assert.equal(manifest.disks[0].size, (1 << 20) + 65536);
});

test('the default command line mounts the first disk when there is no initramfs', async () => {
  const { manifest } = await build({ disks: [file(noise(4096, 'x'))] });
  assert.equal(manifest.cmdline, 'console=ttyS0 root=/dev/vda rw');
  const { manifest: withInitrd } = await build({ initrd: file(noise(100, 'i')) });
  assert.equal(withInitrd.cmdline, 'console=ttyS0');
});

/** Checks that a build with `options` fails with `code`; returns its output folder. */
async function rejects(options: Partial<BuildImageOptions>, code: string, message: RegExp) {
  const out = fresh('refused');
  await assert.rejects(build({ out, ...options }), (error: unknown) => {
    assert.ok(error instanceof ImageBuildError, `${error}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
  return out;
}

test('bad inputs are refused with a code and a sentence, before anything is written', async () => {
  const refused = [
    await rejects({ kernel: join(work, 'no-such-Image') }, 'kernel-not-found', /no-such-Image/),
    await rejects({ kernel: file(noise(4096, 'k')) }, 'kernel-invalid', /not a RISC-V Linux/),
    await rejects({ initrd: join(work, 'nope.cpio') }, 'initrd-not-found', /nope\.cpio/),
    await rejects({ disks: [join(work, 'no-disk')] }, 'disk-not-found', /no-disk/),
    await rejects({ disks: [file(noise(1000, 'd'))] }, 'disk-size-invalid', /1000 bytes/),
    await rejects({ disks: [file(Buffer.alloc(0))] }, 'disk-size-invalid', /0 bytes/),
    await rejects({ memoryMiB: 8 }, 'memory-invalid', /from 32 to 1920/),
    await rejects({ memoryMiB: 2048 }, 'memory-invalid', /from 32 to 1920/),
    await rejects({ diskSize: 1 << 20 }, 'disk-size-invalid', /folder disks only/),
  ];
  for (const chunkSize of [2048, 12288, 8 << 20])
    refused.push(await rejects({ chunkSize }, 'chunk-size-invalid', /power of two from 4K to 4M/));
  for (const out of refused) assert.ok(!existsSync(out), `${out} was created`);

  const big = fresh('big');
  mkdirSync(big);
  writeFileSync(join(big, 'data'), noise(1 << 20, 'big'));
  const out = await rejects({ disks: [big], diskSize: 256 << 10 }, 'mke2fs-failed', /larger disk/);
  assert.deepEqual(readdirSync(out), ['blobs'], 'the scratch folder is removed');
});

test('sizes read as bytes, K, M or G', () => {
  assert.equal(parseSize('65536', 'x'), 65536);
  assert.equal(parseSize('64K', 'x'), 65536);
  assert.equal(parseSize('16M', 'x'), 16 << 20);
  assert.equal(parseSize('1g', 'x'), 1 << 30);
  assert.equal(parseSize('16MiB', 'x'), 16 << 20);
  for (const bad of ['', '1.5M', '-1', '16T', 'lots', '0'])
    assert.throws(() => parseSize(bad, '--disk-size'), /--disk-size must be a positive number/);
});

const imageCommand = fileURLToPath(new URL('../../src/cli/image-command.ts', import.meta.url));

/** Runs `linux-terminal image ...` from the sources. */
function cli(...args: string[]) {
  const script = `import(${JSON.stringify(imageCommand)}).then(async (m) => { process.exitCode = await m.imageCommand(${JSON.stringify(args)}); })`;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '' },
  });
}

test('linux-terminal image build writes the image and reports what it stored', () => {
  const folder = makeFolder(5);
  const out = fresh('cli-out');
  const kernel = fakeKernel('cli');
  const result = cli(
    'build',
    ...['--kernel', kernel, '--disk', folder, '--disk-size', '2M', '--chunk-size', '32K'],
    ...['--append', 'console=ttyS0 root=/dev/vda ro', '--memory', '96'],
    ...['--built-from', 'linux=6.1', '--built-from', 'busybox=1.35', '--out', out],
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /disk 0 +2 MiB: 64 chunks of 32 KiB, \d+ not all zeros/);
  assert.match(result.stdout, /blobs +\d+ written, 0 already there/);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.name, out.split('/').pop());
  assert.equal(manifest.memoryMiB, 96);
  assert.equal(manifest.cmdline, 'console=ttyS0 root=/dev/vda ro');
  assert.deepEqual(manifest.builtFrom, { linux: '6.1', busybox: '1.35' });
  assert.equal(manifest.disks[0].size, 2 << 20);
});

test('linux-terminal image build explains a missing option or a bad value', () => {
  const noOut = cli('build', '--kernel', fakeKernel('x'));
  assert.equal(noOut.status, 2);
  assert.match(noOut.stderr, /--out DIR is required/);
  const badSize = cli('build', '--kernel', 'k', '--chunk-size', '64X', '--out', fresh('o'));
  assert.equal(badSize.status, 2);
  assert.match(
    badSize.stderr,
    /--chunk-size must be a positive number .* not '64X' \[size-invalid\]/,
  );
  const noKernel = cli('build', '--kernel', join(work, 'missing'), '--out', fresh('o'));
  assert.equal(noKernel.status, 1);
  assert.match(noKernel.stderr, /cannot read the kernel .*missing .*\[kernel-not-found\]/);
  assert.equal(cli('frobnicate').status, 2);
});

test('a non-empty --out that holds no image of ours is refused unless --force', async () => {
  // The user's own manifest.json (another tool's), and a folder of unrelated files.
  const theirs = fresh('theirs');
  mkdirSync(theirs);
  writeFileSync(join(theirs, 'manifest.json'), '{"name": "my web app"}\n');
  const notes = fresh('notes');
  mkdirSync(notes);
  writeFileSync(join(notes, 'todo.txt'), 'buy milk\n');
  for (const out of [theirs, notes]) {
    const before = filesOf(out);
    await assert.rejects(build({ out }), (error: unknown) => {
      assert.ok(error instanceof ImageBuildError, `${error}`);
      assert.equal(error.code, 'out-not-an-image');
      assert.match(error.message, /is not empty and holds no linux-terminal image.*pass --force/);
      return true;
    });
    assert.deepEqual(filesOf(out), before, `${out} was changed`);
  }
  const forced = await build({ out: theirs, force: true });
  assert.equal(forced.manifest.format, 'linux-terminal-image');

  // An image of ours is rebuilt in place; so is a folder of only blobs (an interrupted build).
  const ours = await build({});
  const oursOut = join(ours.manifestPath, '..');
  await build({ out: oursOut });
  rmSync(join(oursOut, 'manifest.json'));
  await build({ out: oursOut });
});

test('a damaged blob already in --out is written again, not trusted', async () => {
  const kernel = fakeKernel('damaged');
  const out = fresh('out');
  const first = await buildImage({ kernel, out });
  const path = join(out, 'blobs', `${first.manifest.kernel.sha256}.gz`);
  const good = readFileSync(path);
  // Garbage, a cut-off gzip stream, and another content under the name.
  const other = readFileSync(kernel);
  other[100] ^= 1;
  for (const bad of [Buffer.from('garbage'), good.subarray(0, 1000), gzipSync(other)]) {
    writeFileSync(path, bad);
    const again = await buildImage({ kernel, out });
    assert.equal(again.blobsReplaced, 1);
    assert.equal(again.blobsKept, 0);
    assert.ok(readFileSync(path).equals(good), 'the blob was rewritten');
  }
  const intact = await buildImage({ kernel, out });
  assert.equal(intact.blobsKept, 1);
  assert.equal(intact.blobsReplaced, 0);
});

test('linux-terminal image build refuses a foreign --out and says about --force', () => {
  const out = fresh('theirs');
  mkdirSync(out);
  writeFileSync(join(out, 'manifest.json'), '{}');
  const result = cli('build', '--kernel', fakeKernel('f'), '--out', out);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /holds no linux-terminal image .*--force.* \[out-not-an-image\]/);
  assert.equal(readFileSync(join(out, 'manifest.json'), 'utf8'), '{}');
  const forced = cli('build', '--kernel', fakeKernel('f'), '--out', out, '--force');
  assert.equal(forced.status, 0, forced.stderr);
});

for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} during linux-terminal image build removes its unfinished files`, async () => {
    const folder = fresh('large');
    mkdirSync(folder);
    // Enough data that the build is still at work when the signal comes.
    for (let i = 0; i < 6; i++) writeFileSync(join(folder, `data${i}`), randomBytes(8 << 20));
    const out = fresh('out');
    const script = `import(${JSON.stringify(imageCommand)}).then(async (m) => { process.exitCode = await m.imageCommand(${JSON.stringify(['build', '--kernel', fakeKernel('sig'), '--disk', folder, '--out', out])}); })`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += data));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Wait for the scratch disk: the build is then midway.
    const deadline = Date.now() + 60_000;
    const scratch = () =>
      existsSync(out) && readdirSync(out).some((name) => name.startsWith('.build-'));
    while (!scratch()) {
      assert.ok(Date.now() < deadline, `no scratch folder appeared: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill(signal);
    assert.equal(await exited, status, stderr);
    assert.match(stderr, new RegExp(`stopped \\(${signal}\\); its unfinished files were removed`));
    const left = readdirSync(out, { recursive: true }) as string[];
    assert.deepEqual(
      left.filter((name) => name.includes('.build-') || name.endsWith('.partial')),
      [],
    );
    assert.ok(!left.includes('manifest.json'));
  });
}
