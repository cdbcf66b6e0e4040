// The image loader against a hostile server (test/support/fault-server.js) serving the real
// busybox image: every stall ends as `network-timeout` in bounded time, a decompression bomb as
// `chunk-too-large` at once and in bounded memory, blob bases are only http(s) or relative, a
// chunk that cannot be read after the prompt is an I/O error the guest survives, and a kernel that
// dies for want of its disk is reported as the disk error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtMachine, type MachineExit } from '../../src/engine/board/virt-machine.js';
import { ConsoleSession } from '../../src/engine/console-session.js';
import { DiskFailures, type DiskFailure } from '../../src/engine/disks/disk-failures.js';
import { openDisk } from '../../src/engine/disks/open-disk.js';
import { BlobFetcher, gunzip, sha256Hex } from '../../src/engine/image/blob-fetcher.js';
import { ImageError } from '../../src/engine/image/image-error.js';
import { fetchManifest, loadImage } from '../../src/engine/image/load-image.js';
import { type ImageManifest, parseManifest } from '../../src/engine/image/manifest.js';
import { loadBootImage } from '../../src/engine/node/images.js';
import { type FaultServer, decompressionBomb, startFaultServer } from '../support/fault-server.js';
import { readBuiltImage } from './support/built-image.js';
import { rejectsWithImageError } from './support/blob-server.js';

const image = readBuiltImage('busybox');
// The image without its snapshot: these tests are about loading and booting it (manifests made
// from it with other kernels or disks would not fit the snapshot anyway).
const manifest: ImageManifest = { ...image.manifest, snapshot: undefined };
const kernelPath = `blobs/${manifest.kernel.sha256}.gz`;
const chunkPath = (i: number) => `blobs/${manifest.disks[0].chunks[i]}.gz`;
/** Small timeouts, so that a stall is found in a fraction of a second. */
const timeouts = { firstByteMs: 300, idleMs: 300 };
const fetcher = () => new BlobFetcher({ timeouts, retries: 1, backoffMs: 10 });

let server: FaultServer;
before(async () => {
  server = await startFaultServer(image.dir);
  await decompressionBomb(); // made once, before any test times itself
});
after(() => server.close());

/** Runs `body`, failing if it takes `ms` or more (a hang fails too); returns its result. */
async function within<T>(ms: number, body: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([body(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const load = () => loadImage(server.url('manifest.json'), fetcher());

test('the image loads from the fault server when nothing is wrong', async () => {
  const loaded = await load();
  assert.equal(loaded.kernel.length, manifest.kernel.size);
});

for (const fault of ['stall', 'stall-body'] as const) {
  test(`a manifest request that meets ${fault} is network-timeout within its timeout`, async () => {
    server.fault('manifest.json', fault);
    try {
      await within(1500, () =>
        rejectsWithImageError(load(), 'network-timeout', /image manifest at .*manifest\.json/),
      );
    } finally {
      server.clearFaults();
    }
  });

  test(`a kernel request that meets ${fault} is network-timeout after its retries`, async () => {
    server.fault(kernelPath, fault);
    try {
      // 2 attempts of 300 ms, 10 ms apart.
      await within(2000, () => rejectsWithImageError(load(), 'network-timeout', /image file/));
      assert.equal(server.requests.filter((r) => r.path === kernelPath).length >= 2, true);
    } finally {
      server.clearFaults();
    }
  });
}

test('the stalled requests are given up: no response is left waiting on the server', async () => {
  server.fault(kernelPath, 'stall');
  try {
    await within(2000, () => rejectsWithImageError(load(), 'network-timeout'));
    // The client aborts its request; the server sees the connection close.
    for (let i = 0; i < 50 && server.hanging > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.hanging, 0);
  } finally {
    server.clearFaults();
  }
});

test('a slow server is not a stalled one: a chunk sent 1 KiB every 20 ms arrives', async () => {
  const i = manifest.disks[0].chunks.findIndex((h) => h !== null);
  server.fault(chunkPath(i), 'slow');
  try {
    const ref = { sha256: manifest.disks[0].chunks[i]!, size: manifest.disks[0].chunkSize };
    const data = await fetcher().get(server.url(chunkPath(i)), ref);
    assert.equal(await sha256Hex(data), ref.sha256);
  } finally {
    server.clearFaults();
  }
});

test('a kernel download that dies halfway is chunk-truncated after its retries', async () => {
  server.fault(kernelPath, 'die');
  try {
    await rejectsWithImageError(load(), 'chunk-truncated', /broke off/);
  } finally {
    server.clearFaults();
  }
});

test('a manifest that is an HTML page under 200, a 404 or a 500 has its own code', async () => {
  try {
    server.fault('manifest.json', 'html');
    await rejectsWithImageError(
      load(),
      'manifest-invalid',
      /not JSON \(it starts "<!doctype html>/,
    );
    server.clearFaults();
    server.fault('manifest.json', '404');
    await rejectsWithImageError(load(), 'manifest-not-found', /HTTP 404/);
    server.clearFaults();
    server.fault('manifest.json', '500');
    await rejectsWithImageError(load(), 'server-error', /HTTP 500/);
  } finally {
    server.clearFaults();
  }
});

/** Runs `body` while sampling the process's resident memory; returns its result and the peak growth. */
async function measuringMemory<T>(body: () => Promise<T>): Promise<{ result: T; grewMiB: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const result = await body();
    return { result, grewMiB: (Math.max(peak, process.memoryUsage.rss()) - before) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

test('a decompression bomb under a 64 KiB chunk is chunk-too-large at once, in bounded memory', async () => {
  const i = manifest.disks[0].chunks.findIndex((h) => h !== null);
  server.fault(chunkPath(i), 'bomb');
  const asked = () => server.requests.filter((r) => r.path === chunkPath(i)).length;
  const askedBefore = asked();
  try {
    const ref = { sha256: manifest.disks[0].chunks[i]!, size: 64 << 10 };
    assert.equal(manifest.disks[0].chunkSize, 64 << 10);
    const { grewMiB } = await measuringMemory(() =>
      within(3000, () =>
        rejectsWithImageError(
          fetcher().get(server.url(chunkPath(i)), ref),
          'chunk-too-large',
          /larger than its manifest allows/,
        ),
      ),
    );
    // The bomb itself is 1 MiB; inflating it whole would take 1 GiB.
    assert.ok(grewMiB < 128, `memory grew by ${grewMiB.toFixed(0)} MiB`);
    // Not retried: a bomb stays a bomb.
    assert.equal(asked() - askedBefore, 1);
  } finally {
    server.clearFaults();
  }
});

test('a decompression bomb under the kernel is chunk-too-large at once, in bounded memory', async () => {
  server.fault(kernelPath, 'bomb');
  try {
    const { grewMiB } = await measuringMemory(() =>
      within(3000, () =>
        rejectsWithImageError(
          load(),
          'chunk-too-large',
          new RegExp(`over ${manifest.kernel.size}`),
        ),
      ),
    );
    assert.ok(grewMiB < 128, `memory grew by ${grewMiB.toFixed(0)} MiB`);
  } finally {
    server.clearFaults();
  }
});

test('gunzip stops at the declared size however far the stream would go', async () => {
  const bomb = new Uint8Array(await decompressionBomb());
  await within(1000, () =>
    rejectsWithImageError(gunzip(bomb, new URL('http://x/bomb.gz'), 4 << 20), 'chunk-too-large'),
  );
});

/** The busybox manifest with `blobs` replaced. */
function withBlobs(blobs: string): string {
  return JSON.stringify({ ...manifest, blobs } satisfies ImageManifest);
}

for (const blobs of [
  'file:///etc/passwd?',
  'file:///dev/zero?',
  'file:///tmp/blobs/',
  'blobs/?x=',
  'blobs/#frag/',
  'ftp://127.0.0.1/blobs/',
  'FiLe:///etc/',
  ' file:///etc/',
  'javascript:alert(1)//',
]) {
  test(`a manifest whose blob base is ${JSON.stringify(blobs)} is refused`, async () => {
    assert.throws(
      () => parseManifest(withBlobs(blobs), 'm'),
      (e: unknown) => e instanceof ImageError && e.code === 'manifest-invalid',
    );
    // Served, it is refused before any blob is asked for.
    server.put('odd/manifest.json', withBlobs(blobs));
    const asked = server.requests.length;
    await rejectsWithImageError(
      loadImage(server.url('odd/manifest.json'), fetcher()),
      'manifest-invalid',
      /"blobs"/,
    );
    assert.equal(server.requests.length, asked + 1, 'only the manifest was requested');
  });
}

test('a local manifest (the CLI) with a file: blob base with a query does not read local files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-faults-'));
  const path = join(dir, 'manifest.json');
  writeFileSync(path, withBlobs('file:///dev/zero?'));
  try {
    await rejectsWithImageError(loadBootImage({ image: path }), 'manifest-invalid', /"blobs"/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the CLI reads local files with the same caps: /dev/zero as a manifest or as a blob', async () => {
  await within(5000, () =>
    rejectsWithImageError(loadBootImage({ image: '/dev/zero' }), 'manifest-invalid', /64 MiB/),
  );
  // A local image whose kernel blob is (a link to) an endless file.
  const dir = mkdtempSync(join(tmpdir(), 'lt-faults-'));
  try {
    const kernel = { size: 4096, sha256: 'a'.repeat(64) };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, kernel, disks: [] }));
    mkdirSync(join(dir, 'blobs'));
    symlinkSync('/dev/zero', join(dir, 'blobs', `${kernel.sha256}.gz`));
    await within(5000, () =>
      rejectsWithImageError(
        loadBootImage({ image: join(dir, 'manifest.json') }),
        'chunk-too-large',
        /larger than its manifest allows/,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('blob bases that are relative, or absolute http(s) on another host, are followed', async () => {
  for (const blobs of ['blobs/', './blobs/', '../dist/blobs/', 'https://cdn.example/blobs/'])
    assert.equal(parseManifest(withBlobs(blobs), 'm').blobs, blobs);
  // A manifest on one server whose blobs are on another host (the fault server's image).
  const other = await startFaultServer(join(image.dir, 'nothing-here'));
  try {
    other.put('manifest.json', withBlobs(server.url('blobs/').href));
    const loaded = await loadImage(other.url('manifest.json'), fetcher());
    assert.equal(loaded.kernel.length, manifest.kernel.size);
    assert.ok(server.requests.some((r) => r.path === kernelPath));
    assert.equal(
      loaded.disks?.[0] && 'blobBase' in loaded.disks[0] && loaded.disks[0].blobBase,
      server.url('blobs/').href,
    );
  } finally {
    await other.close();
  }
});

test('without Web Crypto (a non-secure origin) SHA-256 gives the same digests', async () => {
  const kernel = image.blob(manifest.kernel.sha256);
  const expected = createHash('sha256').update(kernel).digest('hex');
  assert.equal(await sha256Hex(kernel), expected);
  const real = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
  // What a page on http://192.168.1.2/ sees: crypto without subtle.
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: () => {} },
    configurable: true,
  });
  try {
    assert.equal(globalThis.crypto.subtle, undefined);
    assert.equal(await sha256Hex(kernel), expected);
    assert.equal(await sha256Hex(new Uint8Array(0)), createHash('sha256').digest('hex'));
    // And a whole image loads and verifies that way.
    const loaded = await load();
    assert.equal(loaded.kernel.length, manifest.kernel.size);
  } finally {
    Object.defineProperty(globalThis, 'crypto', real);
  }
});

/**
 * The busybox image booted in this process from the fault server, with small timeouts: its
 * console session, the disk failures seen, and its exit when it ends.
 */
async function bootFromServer(manifestPath = 'manifest.json') {
  const disks = fetcher();
  const loaded = await loadImage(server.url(manifestPath), disks);
  const failures = new DiskFailures();
  const seen: DiskFailure[] = [];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  // Typed into only after the prompt, when `machine` exists.
  const session = new ConsoleSession((text) => machine.sendInput(encoder.encode(text)));
  const machine = await VirtMachine.create({
    kernel: loaded.kernel,
    cmdline: `${loaded.cmdline} quiet`,
    memoryMiB: loaded.memoryMiB,
    disks: loaded.disks?.map((source) => openDisk(source, disks)),
    onDiskError: (error) => seen.push(failures.record(error)),
    onOutput: (data) => session.receive(decoder.decode(data, { stream: true })),
  });
  const exit: Promise<MachineExit> = machine.run();
  return { machine, session, failures, seen, exit };
}

test('a chunk that stalls after the prompt is an I/O error in the guest, which goes on', async () => {
  // The root disk again as /dev/vdb: a disk the boot does not read, whose chunks (held apart
  // from vda's) are fetched only when the guest reads them after the prompt.
  const disk = manifest.disks[0];
  server.put(
    'two-disks/manifest.json',
    JSON.stringify({ ...manifest, blobs: '../blobs/', disks: [disk, disk] }),
  );
  const { machine, session, seen } = await bootFromServer('two-disks/manifest.json');
  try {
    await session.ready(120_000);
    const last = disk.chunks.findLastIndex((h) => h !== null);
    server.fault(chunkPath(last), 'stall');
    const blocks = (last * disk.chunkSize) / 4096;
    const read = await within(10_000, () =>
      session.exec(`dd if=/dev/vdb of=/dev/null bs=4096 skip=${blocks} count=1 2>&1`, {
        timeoutMs: 20_000,
      }),
    );
    assert.notEqual(read.exitCode, 0, read.output);
    assert.match(read.output, /I\/O error/i);
    assert.ok(
      seen.length > 0 && seen.every((f) => f.code === 'network-timeout'),
      JSON.stringify(seen),
    );
    // The machine goes on.
    assert.deepEqual(await session.exec('echo still here'), {
      output: 'still here\n',
      exitCode: 0,
    });
  } finally {
    server.clearFaults();
    machine.stop();
  }
});

for (const [fault, code] of [
  ['stall', 'network-timeout'],
  ['404', 'chunk-not-found'],
  ['bomb', 'chunk-too-large'],
] as const) {
  test(`a first chunk that meets ${fault} stops the kernel, reported as ${code}`, async () => {
    // Chunk 0 holds the ext2 superblock: the kernel cannot mount its root without it.
    assert.ok(manifest.disks[0].chunks[0]);
    server.fault(chunkPath(0), fault);
    try {
      const { exit, failures } = await bootFromServer();
      const ended = await within(60_000, () => exit);
      assert.equal(ended.reason, 'panic');
      const fatal = failures.panic((ended as { message: string }).message);
      assert.equal(fatal.code, code);
      assert.match(fatal.message, /The Linux kernel stopped after a disk read failed: .*blobs\//);
      assert.match(fatal.message, /Kernel panic/);
    } finally {
      server.clearFaults();
    }
  });
}

test('a panic with no disk error before it stays kernel-panic', () => {
  assert.deepEqual(
    new DiskFailures().panic('Kernel panic - not syncing: Attempted to kill init!'),
    {
      code: 'kernel-panic',
      message:
        'The Linux kernel stopped with an error: Kernel panic - not syncing: Attempted to kill init!',
    },
  );
});

test('fetchManifest honours the timeouts it is given', async () => {
  server.fault('manifest.json', 'stall');
  try {
    await within(1000, () =>
      rejectsWithImageError(
        fetchManifest(server.url('manifest.json'), undefined, { firstByteMs: 200, idleMs: 200 }),
        'network-timeout',
      ),
    );
  } finally {
    server.clearFaults();
  }
});
