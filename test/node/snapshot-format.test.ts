// The snapshot format (docs/image-format.md, Snapshots): manifest version 2 and its `snapshot`
// section, snapshot.json, the one-file bundle, RAM chunking, and writing snapshots to disk.
// Every bad input gives its code, a bundle bomb included, in bounded time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { DEFAULT_TIMEOUTS } from '../../src/engine/image/bounded-fetch.js';
import { ImageError, type ImageErrorCode } from '../../src/engine/image/image-error.js';
import {
  type DiskManifest,
  type ImageManifest,
  allBlobs,
  parseManifest,
} from '../../src/engine/image/manifest.js';
import { fileFetch } from '../../src/engine/node/file-fetch.js';
import { PAGE_DIRTY, PAGE_MISSING, PageMap } from '../../src/engine/page-map.js';
import { chunkRam } from '../../src/engine/snapshot/ram-chunks.js';
import {
  MAX_BUNDLE_BYTES,
  packSnapshot,
  unpackSnapshot,
} from '../../src/engine/snapshot/snapshot-bundle.js';
import {
  type SnapshotDescription,
  fetchSnapshotFile,
  parseSnapshotFile,
} from '../../src/engine/snapshot/snapshot-file.js';
import {
  type SnapshotManifest,
  checkSnapshotFits,
  diskFingerprint,
  snapshotBlobs,
  snapshotProblem,
} from '../../src/engine/snapshot/snapshot-manifest.js';
import { withWorkingSet } from '../../src/images/builder/image-snapshot.js';
import { buildImage } from '../../src/images/builder/build-image.js';
import {
  addSnapshotToImage,
  writeSnapshotFolder,
} from '../../src/images/builder/snapshot-files.js';

const work = mkdtempSync(join(tmpdir(), 'lt-snapshot-format-'));
after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
/** `size` bytes that depend on `seed`, none of them a run of zeros. */
const bytes = (seed: string, size: number) => {
  const out = new Uint8Array(size);
  for (let at = 0, i = 0; at < size; at += 32, i++)
    out.set(
      createHash('sha256')
        .update(`${seed}${i}`)
        .digest()
        .subarray(0, size - at),
      at,
    );
  return out;
};

const KERNEL = { size: 20_000, sha256: sha256(bytes('kernel', 20_000)) };
const DISK: DiskManifest = {
  size: 4 * 65536,
  chunkSize: 65536,
  chunks: [sha256(bytes('d0', 65536)), null, sha256(bytes('d2', 65536)), null],
};

/** A snapshot of a 32 MiB machine in 64 KiB chunks, with its blobs. */
async function sample(): Promise<{ snapshot: SnapshotManifest; blobs: Map<string, Uint8Array> }> {
  const blobs = new Map<string, Uint8Array>();
  const blob = (seed: string, size: number) => {
    const data = bytes(seed, size);
    blobs.set(sha256(data), data);
    return sha256(data);
  };
  const state = blob('state', 3000);
  const chunks: (string | null)[] = new Array(512).fill(null);
  chunks[0] = blob('ram0', 65536);
  chunks[7] = blob('ram7', 65536);
  chunks[8] = chunks[0]; // the same content twice: one blob
  const snapshot: SnapshotManifest = {
    state: { size: 3000, sha256: state },
    memoryMiB: 32,
    ram: { chunkSize: 65536, chunks },
    disks: [
      {
        fingerprint: await diskFingerprint(DISK),
        pageSize: 4096,
        written: [
          [1, blob('page1', 4096)],
          [40, null],
        ],
      },
    ],
    workingSet: [7, 0, 3],
    kernel: KERNEL.sha256,
  };
  return { snapshot, blobs };
}

function manifest(version: number, snapshot?: SnapshotManifest): ImageManifest {
  return {
    format: 'linux-terminal-image',
    version: version as 1 | 2,
    name: 'sample',
    architecture: 'riscv64',
    kernel: KERNEL,
    cmdline: 'console=ttyS0',
    memoryMiB: 32,
    disks: [DISK],
    blobs: 'blobs/',
    encoding: 'gzip',
    ...(snapshot && { snapshot }),
  };
}

const description = (snapshot: SnapshotManifest): SnapshotDescription => ({
  format: 'linux-terminal-snapshot',
  version: 1,
  image: 'sample',
  ...snapshot,
});

async function rejectsWith(promise: Promise<unknown>, code: ImageErrorCode, message?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImageError, `not an ImageError: ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

function throwsWith(run: () => unknown, code: ImageErrorCode, message?: RegExp) {
  return rejectsWith(Promise.resolve().then(run), code, message);
}

test('a version 1 manifest still loads, without a snapshot even if it has a field of that name', async () => {
  const { snapshot } = await sample();
  const parsed = parseManifest(JSON.stringify(manifest(1, snapshot)), 'm');
  assert.equal(parsed.version, 1);
  assert.equal(parsed.snapshot, undefined);
  assert.deepEqual(allBlobs(parsed).length, 3); // kernel, two disk chunks
  await throwsWith(
    () => parseManifest(JSON.stringify(manifest(3)), 'm'),
    'manifest-version',
    /version 3.*reads versions 1 and 2/,
  );
});

test('a version 2 manifest with a snapshot round-trips, and lists the snapshot blobs', async () => {
  const { snapshot, blobs } = await sample();
  const m = manifest(2, snapshot);
  const parsed = parseManifest(JSON.stringify(m), 'm');
  assert.deepEqual(parsed, m);
  assert.deepEqual(parseManifest(JSON.stringify(manifest(2)), 'm').snapshot, undefined);
  // state, two RAM chunks (one named twice), one written page: each once, with its size
  const listed = new Map(allBlobs(parsed).map((b) => [b.sha256, b.size]));
  assert.equal(listed.size, 3 + blobs.size);
  for (const [hash, data] of blobs) assert.equal(listed.get(hash), data.length, hash);
  await checkSnapshotFits(parsed.snapshot!, parsed);
});

test('each malformed snapshot field is refused with a sentence naming it', async () => {
  const { snapshot } = await sample();
  const cases: [string, (s: SnapshotManifest) => void, RegExp][] = [
    ['state missing', (s) => delete (s as Partial<SnapshotManifest>).state, /"snapshot.state"/],
    ['state too large', (s) => (s.state.size = 513 << 20), /"snapshot.state"/],
    ['bad state hash', (s) => (s.state.sha256 = 'ABC'), /"snapshot.state"/],
    ['memory not a size', (s) => (s.memoryMiB = 31.5), /"snapshot.memoryMiB"/],
    ['kernel not a hash', (s) => (s.kernel = 'x'), /"snapshot.kernel"/],
    ['chunk size not 2^n', (s) => (s.ram.chunkSize = 65535), /"snapshot.ram.chunkSize"/],
    ['chunk size too small', (s) => (s.ram.chunkSize = 2048), /"snapshot.ram.chunkSize"/],
    ['too few chunks', (s) => s.ram.chunks.pop(), /must list 512 chunks/],
    [
      'chunks for another memory size',
      (s) => (s.memoryMiB = 64),
      /"snapshot.ram.chunks" must list 1024/,
    ],
    ['a chunk not a hash', (s) => (s.ram.chunks[3] = 'zz'), /"snapshot.ram.chunks"/],
    ['disks not a list', (s) => ((s as { disks: unknown }).disks = {}), /"snapshot.disks"/],
    ['bad fingerprint', (s) => (s.disks[0].fingerprint = ''), /disks\[0\].fingerprint/],
    ['page size', (s) => (s.disks[0].pageSize = 1000), /disks\[0\].pageSize/],
    ['written not pairs', (s) => s.disks[0].written.push([50] as never), /\[page, SHA-256/],
    ['written repeated', (s) => s.disks[0].written.push([40, null]), /increasing order/],
    ['written unsorted', (s) => s.disks[0].written.unshift([9, null]), /increasing order/],
    ['written negative', (s) => (s.disks[0].written[0][0] = -1), /increasing order/],
    ['working set out of range', (s) => s.workingSet.push(512), /from 0 to 511, not 512/],
    ['working set fraction', (s) => s.workingSet.push(1.5), /"snapshot.workingSet"/],
    ['working set repeated', (s) => s.workingSet.push(7), /lists chunk 7 twice/],
    ['hot code not a list', (s) => ((s as { hotCode: unknown }).hotCode = 7), /"snapshot.hotCode"/],
    ['hot code past RAM', (s) => (s.hotCode = [0, 32 * 2 ** 20]), /below 33554432, not 33554432/],
    ['hot code odd', (s) => (s.hotCode = [3]), /even RAM offsets.*not 3/],
  ];
  for (const [name, spoil, message] of cases) {
    const s: SnapshotManifest = structuredClone(snapshot);
    spoil(s);
    await throwsWith(
      () => parseManifest(JSON.stringify(manifest(2, s)), 'm'),
      'manifest-invalid',
      message,
    ).catch((error) => assert.fail(`${name}: ${error.message}`));
  }
});

test('a snapshot that does not fit its image leaves the manifest usable, and is refused at restore', async () => {
  const { snapshot } = await sample();
  const cases: [string, (s: SnapshotManifest) => void, RegExp][] = [
    ['another kernel', (s) => (s.kernel = 'b'.repeat(64)), /another kernel/],
    [
      'another disk count',
      (s) => s.disks.push({ ...s.disks[0] }),
      /taken with 2 disk\(s\), the image has 1/,
    ],
    ['a page past the disk', (s) => s.disks[0].written.push([64, null]), /page 64 of disk 0/],
  ];
  for (const [name, spoil, message] of cases) {
    const s: SnapshotManifest = structuredClone(snapshot);
    spoil(s);
    const parsed = parseManifest(JSON.stringify(manifest(2, s)), 'm');
    await rejectsWith(
      checkSnapshotFits(parsed.snapshot!, parsed),
      'snapshot-disk-mismatch',
      message,
    ).catch((error: Error) => {
      throw new Error(`${name}: ${error.message}`);
    });
  }
});

test('a snapshot taken on another disk does not fit: snapshot-disk-mismatch', async () => {
  const { snapshot } = await sample();
  const other = structuredClone(DISK);
  other.chunks[1] = other.chunks[0]; // same size, same chunk size, another content
  assert.notEqual(await diskFingerprint(other), await diskFingerprint(DISK));
  await rejectsWith(
    checkSnapshotFits(snapshot, { ...manifest(2), disks: [other] }),
    'snapshot-disk-mismatch',
    /another disk 0/,
  );
  await rejectsWith(
    checkSnapshotFits(snapshot, { ...manifest(2), kernel: { size: 1, sha256: 'c'.repeat(64) } }),
    'snapshot-disk-mismatch',
    /another kernel/,
  );
  // The fingerprint is the hash of the documented canonical text.
  const text = JSON.stringify([DISK.size, DISK.chunkSize, DISK.chunks]);
  assert.equal(await diskFingerprint(DISK), sha256(new TextEncoder().encode(text)));
});

test('snapshot.json: parsed and checked, with its own codes', async () => {
  const { snapshot } = await sample();
  const file = { ...description(snapshot), blobs: 'blobs/', encoding: 'gzip' };
  assert.deepEqual(parseSnapshotFile(JSON.stringify(file), 's'), file);
  const bad: [unknown, ImageErrorCode, RegExp][] = [
    ['{"format": "linux-terminal-snap', 'snapshot-corrupt', /not JSON/],
    [{ ...file, format: 'linux-terminal-image' }, 'snapshot-corrupt', /"format"/],
    [{ ...file, version: 2 }, 'snapshot-version', /version 2/],
    [{ ...file, image: 5 }, 'snapshot-corrupt', /"image"/],
    [{ ...file, blobs: 'file:///etc/' }, 'snapshot-corrupt', /"blobs"/],
    [{ ...file, encoding: 'br' }, 'snapshot-corrupt', /"encoding"/],
    [{ ...file, workingSet: [0, 0] }, 'snapshot-corrupt', /twice/],
  ];
  for (const [value, code, message] of bad)
    await throwsWith(
      () => parseSnapshotFile(typeof value === 'string' ? value : JSON.stringify(value), 's'),
      code,
      message,
    );
});

test('a bundle round-trips: the description and every blob, checked', async () => {
  const { snapshot, blobs } = await sample();
  const bundle = await packSnapshot(description(snapshot), blobs);
  const inflated = gunzipSync(bundle);
  assert.equal(new TextDecoder().decode(inflated.subarray(0, 8)), 'LTSNAP01');
  const unpacked = await unpackSnapshot(bundle);
  assert.deepEqual(unpacked.manifest, description(snapshot));
  assert.deepEqual(unpacked.blobs, blobs);
  // Every blob the snapshot names is needed.
  const fewer = new Map(blobs);
  fewer.delete(snapshot.state.sha256);
  await assert.rejects(packSnapshot(description(snapshot), fewer), /blob .* is missing/);
});

/** A bundle's inflated bytes, changed by `spoil`, gzip'd again. */
async function respoiled(spoil: (inflated: Buffer) => Uint8Array): Promise<Uint8Array> {
  const { snapshot, blobs } = await sample();
  return gzipSync(spoil(gunzipSync(await packSnapshot(description(snapshot), blobs))));
}

/** A bundle with `header` (the JSON after the preamble) and then `body`. */
function bundleOf(header: unknown, body = new Uint8Array(0), magic = 'LTSNAP01') {
  const json = Buffer.from(JSON.stringify(header));
  const preamble = Buffer.alloc(12);
  preamble.write(magic, 'latin1');
  preamble.writeUInt32LE(json.length, 8);
  return Buffer.concat([preamble, json, body]);
}

test('a bad bundle gives its code: truncated, flipped, wrong magic, wrong version', async () => {
  const { snapshot, blobs } = await sample();
  const bundle = await packSnapshot(description(snapshot), blobs);
  // The gzip stream cut off
  await rejectsWith(unpackSnapshot(bundle.subarray(0, bundle.length >> 1)), 'snapshot-corrupt');
  // A whole gzip stream of a cut-off bundle, cut in a blob and in the header
  for (const keep of [-1, 200])
    await rejectsWith(
      unpackSnapshot(await respoiled((b) => b.subarray(0, keep < 0 ? b.length + keep : keep))),
      'snapshot-corrupt',
      /cut short|not JSON/,
    );
  // A byte of the last blob flipped
  await rejectsWith(
    unpackSnapshot(
      await respoiled((b) => {
        b[b.length - 1] ^= 1;
        return b;
      }),
    ),
    'snapshot-chunk-mismatch',
  );
  // Bytes after the last blob
  await rejectsWith(
    unpackSnapshot(await respoiled((b) => Buffer.concat([b, Buffer.from([0])]))),
    'snapshot-corrupt',
    /past its last blob/,
  );
  // Not gzip, not a bundle, another version of one
  await rejectsWith(unpackSnapshot(new TextEncoder().encode('{}')), 'snapshot-corrupt', /gzip/);
  await rejectsWith(
    unpackSnapshot(await respoiled((b) => (b.write('XXSNAP', 'latin1'), b))),
    'snapshot-corrupt',
    /magic/,
  );
  await rejectsWith(
    unpackSnapshot(await respoiled((b) => (b.write('LTSNAP02', 'latin1'), b))),
    'snapshot-version',
    /version 02/,
  );
  // A header that does not list exactly the snapshot's blobs
  const header = { ...description(snapshot), included: [] as [string, number][] };
  await rejectsWith(unpackSnapshot(gzipSync(bundleOf(header))), 'snapshot-corrupt', /lacks/);
  header.included = snapshotBlobs(snapshot).map((b) => [b.sha256, b.size]);
  header.included.push(['d'.repeat(64), 1]);
  await rejectsWith(
    unpackSnapshot(gzipSync(bundleOf(header))),
    'snapshot-corrupt',
    /does not name/,
  );
});

/**
 * A gzip stream of `prefix` and then `mebibytes` MiB of zeros, built without compressing them:
 * one deflate segment of 1 MiB of zeros, ended by a full flush (Z_FULL_FLUSH: byte-aligned, no
 * history kept), is repeated, then an empty final block (RFC 1951, 3.2.3). About 1 KB per MiB.
 */
function gzipBomb(prefix: Uint8Array, mebibytes: number): Buffer {
  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const zeros = deflateRawSync(Buffer.alloc(1 << 20), flush);
  return Buffer.concat([
    head,
    deflateRawSync(prefix, flush),
    ...new Array<Buffer>(mebibytes).fill(zeros),
    deflateRawSync(Buffer.alloc(0)), // the final block
    Buffer.alloc(8), // CRC and size, never reached
  ]);
}

test(
  'a bundle bomb is refused in bounded time, whatever it would inflate to',
  { timeout: 20_000 },
  async () => {
    const { snapshot, blobs } = await sample();
    const inflated = gunzipSync(await packSnapshot(description(snapshot), blobs));
    // 8 GiB of zeros after a valid bundle: refused at the first byte past its last blob.
    const bomb = gzipBomb(inflated, 8192);
    assert.ok(bomb.length < 16 << 20, `${bomb.length}`);
    let started = performance.now();
    await rejectsWith(unpackSnapshot(bomb), 'snapshot-corrupt', /past its last blob/);
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
    // Zeros where the magic should be.
    started = performance.now();
    await rejectsWith(
      unpackSnapshot(gzipBomb(new Uint8Array(0), 8192)),
      'snapshot-corrupt',
      /magic/,
    );
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
    // A header longer than 64 MiB.
    const preamble = Buffer.alloc(12);
    preamble.write('LTSNAP01', 'latin1');
    preamble.writeUInt32LE(0xffff_ffff, 8);
    started = performance.now();
    await rejectsWith(
      unpackSnapshot(gzipBomb(preamble, 8192)),
      'snapshot-corrupt',
      /header claims/,
    );
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
    // A header whose blobs add up to more than a bundle may hold: 1920 MiB of RAM in distinct
    // 4 MiB chunks, a 512 MiB state and 40 written pages of 4 MiB.
    const fake = (i: number) => i.toString(16).padStart(64, '0');
    const greedy: SnapshotManifest = {
      ...snapshot,
      state: { size: 512 << 20, sha256: 'f'.repeat(64) },
      memoryMiB: 1920,
      ram: { chunkSize: 4 << 20, chunks: Array.from({ length: 480 }, (_, i) => fake(i)) },
      disks: [
        {
          ...snapshot.disks[0],
          pageSize: 4 << 20,
          written: Array.from({ length: 40 }, (_, i) => [i, fake(1000 + i)] as [number, string]),
        },
      ],
    };
    const claimed = snapshotBlobs(greedy).reduce((sum, b) => sum + b.size, 0);
    assert.ok(claimed > MAX_BUNDLE_BYTES);
    const greedyHeader = {
      ...description(greedy),
      included: snapshotBlobs(greedy).map((b) => [b.sha256, b.size]),
    };
    started = performance.now();
    await rejectsWith(
      unpackSnapshot(gzipBomb(bundleOf(greedyHeader), 8192)),
      'snapshot-corrupt',
      /claims more than/,
    );
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
  },
);

test('chunkRam names chunks by their hash, skips zero chunks, and hands out views', async () => {
  const chunk = 64 << 10;
  const ram = new Uint8Array(64 * chunk);
  ram.set(bytes('a', chunk), 3 * chunk);
  ram.set(bytes('a', chunk), 9 * chunk); // the same content: one blob
  ram[20 * chunk + chunk - 1] = 1; // one byte at a chunk's very end
  const { chunks, blobs } = await chunkRam(ram, chunk);
  assert.equal(chunks.length, 64);
  const named = chunks.flatMap((name, i) => (name ? [i] : []));
  assert.deepEqual(named, [3, 9, 20]);
  assert.equal(chunks[3], sha256(bytes('a', chunk)));
  assert.equal(chunks[9], chunks[3]);
  assert.equal(chunks[20], sha256(ram.subarray(20 * chunk, 21 * chunk)));
  assert.equal(blobs.size, 2);
  const view = blobs.get(chunks[20]!)!;
  assert.equal(view.buffer, ram.buffer, 'a view of RAM, not a copy');
  assert.equal(view.byteOffset, 20 * chunk);
  // Unaligned RAM (no word view) gives the same names.
  const unaligned = new Uint8Array(ram.length + 1).subarray(1);
  unaligned.set(ram);
  assert.deepEqual((await chunkRam(unaligned, chunk)).chunks, chunks);
  await assert.rejects(chunkRam(ram.subarray(1), chunk), RangeError);
});

test('chunkRam with a previous snapshot: clean chunks keep their name, written ones are hashed', async () => {
  const chunk = 64 << 10;
  const ram = new Uint8Array(8 * chunk);
  const previous = ['1'.repeat(64), null, '2'.repeat(64), null, null, null, null, '3'.repeat(64)];
  const pageMap = new PageMap(new Uint8Array(ram.length / 4096));
  pageMap.markMissing(0, chunk); // chunk 0 not fetched yet: its RAM is zeros, its name stays
  ram.set(bytes('new', chunk), 2 * chunk); // chunk 2 written since
  pageMap.markDirty(2 * chunk + 4096, 10);
  pageMap.markDirty(5 * chunk, 1); // chunk 5 written, with zeros
  ram.set(bytes('old', chunk), 7 * chunk); // chunk 7 present, clean
  const { chunks, blobs } = await chunkRam(ram, chunk, { chunks: previous, pageMap });
  assert.deepEqual(chunks, [
    '1'.repeat(64),
    null,
    sha256(bytes('new', chunk)),
    null,
    null,
    null,
    null,
    '3'.repeat(64),
  ]);
  assert.ok(!blobs.has('1'.repeat(64)), 'a missing chunk has no bytes to give');
  assert.equal(blobs.get('3'.repeat(64))?.byteOffset, 7 * chunk);
  assert.ok(blobs.has(sha256(bytes('new', chunk))));
  // A written chunk with pages still missing cannot be named.
  pageMap.bytes[1] |= PAGE_DIRTY;
  assert.equal(pageMap.bytes[0] & PAGE_MISSING, PAGE_MISSING);
  await assert.rejects(chunkRam(ram, chunk, { chunks: previous, pageMap }), /chunk 0 was written/);
  await assert.rejects(chunkRam(ram, chunk, { chunks: [], pageMap }), RangeError);
});

test('a snapshot written to its own folder, and into an image', async () => {
  const { snapshot, blobs } = await sample();
  const out = join(work, 'saved');
  const result = await writeSnapshotFolder(out, description(snapshot), blobs);
  assert.equal(result.blobsWritten, blobs.size);
  const text = readFileSync(join(out, 'snapshot.json'), 'utf8');
  assert.deepEqual(parseSnapshotFile(text, 'snapshot.json'), result.snapshot);
  for (const [hash, data] of blobs)
    assert.deepEqual(
      new Uint8Array(gunzipSync(readFileSync(join(out, 'blobs', `${hash}.gz`)))),
      data,
    );
  // Read back as the CLI reads it (run --state), through the bounded loader.
  const url = pathToFileURL(join(out, 'snapshot.json'));
  assert.deepEqual(await fetchSnapshotFile(url, fileFetch, DEFAULT_TIMEOUTS), result.snapshot);
  await rejectsWith(
    fetchSnapshotFile(new URL('missing.json', url), fileFetch, DEFAULT_TIMEOUTS),
    'manifest-not-found',
  );
  // Again into the same folder: every blob kept.
  const again = await writeSnapshotFolder(out, description(snapshot), blobs);
  assert.deepEqual([again.blobsWritten, again.blobsKept], [0, blobs.size]);
  // A blob whose content is not its name is never written.
  const wrong = new Map(blobs);
  wrong.set(snapshot.state.sha256, bytes('other', 3000));
  await assert.rejects(
    writeSnapshotFolder(join(work, 'wrong'), description(snapshot), wrong),
    /hashing to/,
  );
  // Someone else's folder is refused.
  const theirs = join(work, 'theirs');
  mkdirSync(theirs);
  writeFileSync(join(theirs, 'notes.txt'), '');
  await assert.rejects(writeSnapshotFolder(theirs, description(snapshot), blobs), {
    code: 'out-not-an-image',
    message: /holds no linux-terminal snapshot \(no snapshot.json of ours\)/,
  });

  // Into an image built from a kernel and a disk: the manifest becomes version 2.
  const kernel = bytes('kernel', 20_000);
  kernel.set(new TextEncoder().encode('RISCV\0\0\0RSC\x05'), 48);
  const disk = bytes('disk', 65536 * 2);
  writeFileSync(join(work, 'Image'), kernel);
  writeFileSync(join(work, 'disk.img'), disk);
  const image = await buildImage({
    kernel: join(work, 'Image'),
    disks: [join(work, 'disk.img')],
    memoryMiB: 32,
    out: join(work, 'image'),
  });
  const fitted: SnapshotManifest = {
    ...structuredClone(snapshot),
    kernel: image.manifest.kernel.sha256,
    disks: [{ ...snapshot.disks[0], fingerprint: await diskFingerprint(image.manifest.disks[0]) }],
  };
  fitted.disks[0].written = [[1, snapshot.disks[0].written[0][1]]];
  const added = await addSnapshotToImage(image.manifestPath, fitted, blobs);
  const reread = parseManifest(readFileSync(image.manifestPath, 'utf8'), 'm');
  assert.equal(reread.version, 2);
  assert.deepEqual(reread.snapshot, fitted);
  assert.deepEqual(reread, added.manifest);
  for (const blob of allBlobs(reread))
    assert.ok(existsSync(join(work, 'image', 'blobs', `${blob.sha256}.gz`)), blob.sha256);
  // Not onto another image's disks.
  await rejectsWith(
    addSnapshotToImage(image.manifestPath, snapshot, blobs),
    'snapshot-disk-mismatch',
  );
});

test('a working-set pack holds the working set pages in order, is checked, and is a blob of the snapshot', async () => {
  const { snapshot, blobs } = await sample();
  // Pages 113 and 114 are in chunk 7; page 1 in chunk 0.
  const packed = await withWorkingSet(snapshot, blobs, {
    chunks: [7, 0],
    pages: [114, 1, 113],
    warmPages: [],
    hotCode: [],
  });
  assert.equal(packed.warmPack, undefined, 'no warm-up, no warm pack');
  assert.equal(packed.hotCode, undefined, 'no hot code, none listed');
  const pack = blobs.get(packed.workingSetPack!.sha256)!;
  const chunk7 = blobs.get(snapshot.ram.chunks[7]!)!;
  const chunk0 = blobs.get(snapshot.ram.chunks[0]!)!;
  assert.equal(pack.length, 3 * 4096);
  assert.deepEqual(pack.subarray(0, 4096), chunk7.subarray(2 * 4096, 3 * 4096));
  assert.deepEqual(pack.subarray(4096, 8192), chunk0.subarray(4096, 8192));
  assert.deepEqual(pack.subarray(8192), chunk7.subarray(4096, 8192));
  assert.deepEqual(packed.workingSet, [7, 0]);
  assert.equal(snapshotProblem(packed), undefined);
  assert.ok(snapshotBlobs(packed).some((b) => b.sha256 === packed.workingSetPack!.sha256));
  assert.match(
    snapshotProblem({ ...packed, workingSetPack: { ...packed.workingSetPack!, size: 4096 } })!,
    /"workingSetPack" must be the 3 pages of "workingSetPages"/,
  );
  assert.match(
    snapshotProblem({ ...packed, workingSetPages: [114, 1, 48] })!,
    /page 48, in a chunk of zeros/,
  );
  assert.match(snapshotProblem({ ...packed, workingSetPages: [1, 1, 2] })!, /page 1 twice/);
  assert.match(snapshotProblem({ ...packed, workingSetPages: undefined })!, /go together/);
  // A persisted session's machine names the pack with -1 for slots it must not use, any number
  // of them; other negative numbers are not page indices.
  assert.equal(snapshotProblem({ ...packed, workingSetPages: [-1, 1, -1] }), undefined);
  assert.match(
    snapshotProblem({ ...packed, workingSetPages: [-2, 1, 113] })!,
    /must hold RAM page indices, not -2/,
  );
});

test('a warm pack holds the pages the warm-up touched, is checked, and is a blob of the snapshot', async () => {
  const { snapshot, blobs } = await sample();
  const packed = await withWorkingSet(snapshot, blobs, {
    chunks: [7, 0],
    pages: [114, 1],
    warmPages: [113, 2],
    hotCode: [0x2000, 0x1ffe],
  });
  // The trial restore's hot code replaces the machine's own.
  assert.deepEqual(packed.hotCode, [0x2000, 0x1ffe]);
  const warm = blobs.get(packed.warmPack!.sha256)!;
  const chunk7 = blobs.get(snapshot.ram.chunks[7]!)!;
  const chunk0 = blobs.get(snapshot.ram.chunks[0]!)!;
  assert.deepEqual(packed.warmPages, [113, 2]);
  assert.equal(warm.length, 2 * 4096);
  assert.deepEqual(warm.subarray(0, 4096), chunk7.subarray(4096, 8192));
  assert.deepEqual(warm.subarray(4096), chunk0.subarray(2 * 4096, 3 * 4096));
  assert.equal(snapshotProblem(packed), undefined);
  assert.ok(snapshotBlobs(packed).some((b) => b.sha256 === packed.warmPack!.sha256));
  assert.match(
    snapshotProblem({ ...packed, warmPack: { ...packed.warmPack!, size: 4096 } })!,
    /"warmPack" must be the 2 pages of "warmPages"/,
  );
  assert.match(
    snapshotProblem({ ...packed, warmPages: [113, 48] })!,
    /page 48, in a chunk of zeros/,
  );
  assert.match(
    snapshotProblem({ ...packed, warmPages: undefined })!,
    /"warmPages" and "warmPack" go together/,
  );
});
