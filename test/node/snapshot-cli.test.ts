// Snapshots in the `linux-terminal` command, run from the sources: `run` starts from the image's
// snapshot unless told otherwise and says how it started; `snapshot save` writes a folder that
// `run --state` restores; `image build --snapshot` stores one in the image it builds; and every
// bad path or damaged snapshot ends with its code and the documented exit status.
import { cli } from './support/cli.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ImageManifest } from '../../src/engine/image/manifest.js';
import type { SnapshotFile } from '../../src/engine/snapshot/snapshot-file.js';
import { diskFile, readBuiltImage } from './support/built-image.js';

const builtIn = readBuiltImage('busybox');
const work = mkdtempSync(join(tmpdir(), 'lt-snapshot-cli-'));
/** The folder `snapshot save` writes in before(), shared by the tests that restore it. */
const saved = join(work, 'saved');

/** A copy of the saved folder and its snapshot.json, to damage. */
function copyOfSaved(name: string) {
  const dir = join(work, name);
  cpSync(saved, dir, { recursive: true });
  const file = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as SnapshotFile;
  const rewrite = () => writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(file));
  return { dir, file, rewrite };
}

let save: Awaited<ReturnType<typeof cli>>;
before(async () => {
  save = await cli(
    ...['snapshot', 'save', '--out', saved],
    ...['--warm', 'echo warmed > /root/warm && sync'],
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('run', () => {
  test("restores the image's snapshot by default, and --stats says so", async () => {
    const result = await cli('run', '--stats', '--', 'echo hello');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'hello\n');
    assert.match(result.stderr, /^start: restored from the image's snapshot$/m);
    assert.match(result.stderr, /^fetched: to the prompt \d+ blobs, [\d,]+ bytes; in all /m);
  });

  test('--cold boots the kernel', async () => {
    const result = await cli('run', '--cold', '--stats', '--', 'echo hello');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'hello\n');
    assert.match(result.stderr, /^start: booted cold \(--cold\)$/m);
  });

  test('--memory boots the kernel, and says why once', async () => {
    const result = await cli('run', '--memory', '96', '--stats', '--', 'echo hello');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'hello\n');
    const said = result.stderr.match(/snapshot has its own memory size, so --memory boots/g);
    assert.equal(said?.length, 1, result.stderr);
    assert.match(result.stderr, /^start: booted cold \(--memory/m);
  });

  test("an image's snapshot that cannot be restored is said, and the kernel boots", async () => {
    // The busybox image with its snapshot made for another disk; its blobs stay where they are.
    const dir = join(work, 'other-disk-image');
    mkdirSync(dir);
    const manifest = structuredClone(builtIn.manifest) as ImageManifest;
    manifest.snapshot!.disks[0].fingerprint = '0'.repeat(64);
    manifest.blobs = `${relative(dir, join(builtIn.dir, builtIn.manifest.blobs))}/`;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result = await cli(
      'run',
      '--image',
      join(dir, 'manifest.json'),
      '--stats',
      '--',
      'echo hello',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'hello\n');
    assert.match(
      result.stderr,
      /the image's snapshot could not be restored, so the machine boots cold instead: .*another disk 0.* \[snapshot-disk-mismatch\]/,
    );
    assert.match(
      result.stderr,
      /^start: booted cold: the snapshot could not be restored \[snapshot-disk-mismatch\]$/m,
    );
  });
});

describe('snapshot save and run --state', () => {
  test('snapshot save writes snapshot.json, its blobs and a working set', () => {
    assert.equal(save.status, 0, save.stderr);
    assert.match(save.stdout, /wrote .*snapshot\.json \(image 'busybox'\)/);
    const file = JSON.parse(readFileSync(join(saved, 'snapshot.json'), 'utf8')) as SnapshotFile;
    assert.equal(file.format, 'linux-terminal-snapshot');
    assert.equal(file.image, 'busybox');
    assert.ok(file.workingSet.length > 0);
    assert.ok(existsSync(join(saved, 'blobs', `${file.state.sha256}.gz`)));
    // The warm-up's own pages, beyond those of the working-set pack, as one more pack.
    assert.ok(file.warmPages && file.warmPages.length > 0, 'no warm pages');
    assert.equal(file.warmPack!.size, file.warmPages.length * 4096);
    assert.ok(existsSync(join(saved, 'blobs', `${file.warmPack!.sha256}.gz`)));
    assert.ok(!file.warmPages.some((page) => file.workingSetPages!.includes(page)));
  });

  test('run --state restores that machine: the warm-up wrote its file', async () => {
    const result = await cli('run', '--state', saved, '--stats', '--', 'cat /root/warm');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'warmed\n');
    assert.match(result.stderr, new RegExp(`^start: restored from the snapshot in ${saved}$`, 'm'));
  });

  test('a snapshot for another disk: exit status 2 with its code, and nothing runs', async () => {
    const { dir, file, rewrite } = copyOfSaved('other-disk');
    file.disks[0].fingerprint = 'e'.repeat(64);
    rewrite();
    const result = await cli('run', '--state', dir, '--', 'echo ran');
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /the snapshot in .* could not be restored: .* \[snapshot-disk-mismatch\]/,
    );
  });

  test('a damaged RAM chunk: the restored machine stops with its code, exit status 2', async () => {
    const { dir, file, rewrite } = copyOfSaved('damaged-ram');
    // The first chunk of the working set: the one the guest needs first. Without the packs,
    // which would bring the pages of it the guest needs, verified on their own.
    delete file.workingSetPages;
    delete file.workingSetPack;
    delete file.warmPages;
    delete file.warmPack;
    rewrite();
    const sha256 = file.ram.chunks[file.workingSet[0]]!;
    writeFileSync(
      join(dir, 'blobs', `${sha256}.gz`),
      gzipSync(new Uint8Array(file.ram.chunkSize).fill(1)),
    );
    const result = await cli('run', '--state', dir, '--', 'echo ran');
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /the restored machine stopped: RAM chunk \d+ .* \[snapshot-chunk-mismatch\]/,
    );
  });
});

describe('bad paths and options: exit status 2 with a code', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      '--state of no folder',
      () => ['run', '--state', join(work, 'none'), '--', 'true'],
      /\[file-not-found\]/,
    ],
    [
      '--state of a file',
      () => ['run', '--state', builtIn.manifestPath, '--', 'true'],
      /\[not-a-folder\]/,
    ],
    [
      '--state of a folder without snapshot.json',
      () => ['run', '--state', work, '--', 'true'],
      /no snapshot at .* \[manifest-not-found\]/,
    ],
    [
      '--state with --cold',
      () => ['run', '--state', saved, '--cold', '--', 'true'],
      /--state restores a snapshot and --cold boots the kernel/,
    ],
    [
      'snapshot save into a folder of other things',
      () => ['snapshot', 'save', '--out', builtIn.dir],
      /\[out-not-an-image\]/,
    ],
    [
      'snapshot save of a missing image',
      () => ['snapshot', 'save', '--image', join(work, 'none.json'), '--out', join(work, 'x')],
      /\[file-not-found\]/,
    ],
    ['snapshot save without --out', () => ['snapshot', 'save'], /--out DIR is required/],
  ];
  for (const [name, args, error] of cases)
    test(name, async () => {
      const result = await cli(...args());
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, error);
    });
});

describe('image build --snapshot', () => {
  test('stores a snapshot in the image it builds, which run then restores', async () => {
    const kernel = join(work, 'Image');
    writeFileSync(kernel, builtIn.blob(builtIn.manifest.kernel.sha256));
    const out = join(work, 'own-image');
    const build = await cli(
      ...['image', 'build', '--kernel', kernel, '--disk', diskFile(builtIn)],
      ...['--append', builtIn.manifest.cmdline, '--name', 'own', '--out', out],
      ...['--snapshot', '--warm', 'echo warmed > /root/warm && sync'],
    );
    assert.equal(build.status, 0, build.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ImageManifest;
    assert.equal(manifest.version, 2);
    assert.ok(manifest.snapshot!.workingSet.length > 0);
    const result = await cli(
      'run',
      '--image',
      join(out, 'manifest.json'),
      '--stats',
      '--',
      'cat /root/warm',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'warmed\n');
    assert.match(result.stderr, /^start: restored from the image's snapshot$/m);
  });

  test('--warm without --snapshot is a bad option', async () => {
    const result = await cli(
      'image',
      'build',
      '--kernel',
      'k',
      '--warm',
      'true',
      '--out',
      join(work, 'y'),
    );
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--warm runs before a snapshot is saved: it needs --snapshot/);
  });
});
