// Save and restore of a whole machine, in Node, on the busybox image: a machine is booted cold,
// given a file in RAM (/tmp is tmpfs) and one on its root disk, saved with MachineThread.save()
// into a folder (writeSnapshotFolder, as `snapshot save` writes it) and restored from it with
// loadBootImage({state}). The restored guest answers as the saved one did, with the host's time
// and a random state of its own; a snapshot that does not fit or is damaged gives its code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread, type ThreadEvent } from '../../src/engine/node/machine-thread.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotFile,
} from '../../src/engine/snapshot/snapshot-file.js';
import { writeSnapshotFolder } from '../../src/images/builder/snapshot-files.js';

const work = mkdtempSync(join(tmpdir(), 'lt-snapshot-'));
/** The saved machine, shared by every test (none of them changes it). */
const saved = join(work, 'saved');
/** What a command printed before the save; the restored guest must print the same. */
const DETERMINISTIC = 'cat /tmp/note; seq 1 500 | md5sum; ls /root';
let before_: string;
/** When the save was taken (host ms). */
let savedAt: number;
const threads = new Set<MachineThread>();

/** A machine restored from `folder` (or booted cold, if its snapshot cannot be restored). */
async function restore(folder = saved): Promise<MachineThread> {
  const thread = new MachineThread(await loadBootImage({ state: folder }));
  threads.add(thread);
  return thread;
}

/** Every event of `thread` until it says 'booted' or fails. */
function startEvents(thread: MachineThread): Promise<ThreadEvent[]> {
  return new Promise((resolve) => {
    const events: ThreadEvent[] = [];
    const off = thread.on((event) => {
      if (event.type === 'output' || event.type === 'stats') return;
      events.push(event);
      if (event.type === 'booted' || event.type === 'error') {
        off();
        resolve(events);
      }
    });
  });
}

/** A copy of the saved folder, to damage. */
function copyOfSaved(name: string): {
  dir: string;
  file: SnapshotFile;
  blob(sha256: string): string;
} {
  const dir = join(work, name);
  cpSync(saved, dir, { recursive: true });
  const file = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as SnapshotFile;
  return { dir, file, blob: (sha256) => join(dir, 'blobs', `${sha256}.gz`) };
}

const rewrite = (dir: string, file: SnapshotFile) =>
  writeFileSync(join(dir, 'snapshot.json'), `${JSON.stringify(file, null, 2)}\n`);

/** Stores `bytes` as a blob of `dir` under their own hash; returns it. */
function storeBlob(dir: string, bytes: Uint8Array): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'blobs', `${sha256}.gz`), gzipSync(bytes));
  return sha256;
}

before(async () => {
  const thread = new MachineThread(await loadBootImage({ cold: true }));
  threads.add(thread);
  // The first exec waits for the agent's hello (the cold boot).
  const written = await thread.exec(
    'echo "a note in RAM" > /tmp/note && echo "written before the save" > /root/on-disk && sync',
    { timeout: 120_000 },
  );
  assert.equal(written.exitCode, 0, written.output);
  before_ = (await thread.exec(DETERMINISTIC)).output;
  // As a snapshot's builder does (image-snapshot.ts), the kernel's random generator is reseeded
  // just before the save. The kernel then reseeds on its own only after an interval that grows
  // with uptime (half of it, early on: drivers/char/random.c, crng_reseed_interval), so two
  // restores read the same random bytes unless the host reseeds them: the guest is let run a
  // few seconds first, for an interval the restores cannot outlast by themselves.
  await thread.exec('sleep 6');
  const reseeded = await thread.exec(
    `lt-resume ${Math.floor(Date.now() / 1000)} 0 ${'00'.repeat(32)}`,
  );
  assert.equal(reseeded.exitCode, 0, reseeded.output);
  const { snapshot, blobs } = await thread.save();
  savedAt = Date.now();
  await thread.terminate();
  threads.delete(thread);
  await writeSnapshotFolder(
    saved,
    { ...snapshot, format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, image: 'busybox' },
    blobs,
  );
});

after(async () => {
  await Promise.all([...threads].map((thread) => thread.terminate()));
  rmSync(work, { recursive: true, force: true });
});

describe('a restored machine', () => {
  let machine: MachineThread;
  let events: Promise<ThreadEvent[]>;
  before(async () => {
    machine = await restore();
    events = startEvents(machine);
  });

  test('is restored, not booted', async () => {
    const started = await events;
    assert.deepEqual(
      started.map((event) => event.type),
      ['booted'],
    );
    assert.deepEqual(started[0], { type: 'booted', restored: true });
  });

  test('gives the same output as the saved one for the same command', async () => {
    const { exitCode, output } = await machine.exec(DETERMINISTIC);
    assert.equal(exitCode, 0);
    assert.match(before_, /^a note in RAM\n[0-9a-f]{32} {2}-\n/);
    assert.equal(output, before_);
  });

  test('has the writes to its disk that came before the save', async () => {
    // Dropping the page cache makes the read reach the disk: the snapshot's written pages.
    const { exitCode, output } = await machine.exec(
      'sync; echo 3 > /proc/sys/vm/drop_caches && cat /root/on-disk',
    );
    assert.equal(exitCode, 0, output);
    assert.equal(output, 'written before the save\n');
  });

  test("shows the host's time, not the snapshot's", async () => {
    // The snapshot must be old enough for a stale clock to show: a few seconds.
    const wait = savedAt + 5000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // A fresh restore: its clock is set once, when it resumes.
    const late = await restore();
    const { exitCode, output } = await late.exec('date +%s');
    assert.equal(exitCode, 0);
    assert.ok(
      Math.abs(Number(output) - Date.now() / 1000) <= 2,
      `guest ${output.trim()}, host ${Math.floor(Date.now() / 1000)}`,
    );
  });
});

test('restores of one snapshot have random states of their own', async () => {
  // One short process: the image's agent forks more (and draws more random bytes) for commands
  // that outlast its 0.2 s output checks, so timing alone sets a slow restore apart now and
  // then. One restore at a time, to keep them quick; and three, seldom all set apart by timing.
  const read = 'od -An -tx1 -N16 /dev/urandom';
  const outputs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const machine = await restore();
    // Its first exec goes once lt-resume has reseeded its kernel.
    const { exitCode, output } = await machine.exec(read);
    assert.equal(exitCode, 0);
    assert.match(output, /^( [0-9a-f]{2}){16}\n$/);
    outputs.push(output);
    await machine.terminate();
  }
  assert.equal(new Set(outputs).size, 3, outputs.join(''));
});

describe('a snapshot that cannot be restored', () => {
  test('for another disk: snapshot-disk-mismatch, and the machine boots cold', async () => {
    const { dir, file } = copyOfSaved('other-disk');
    file.disks[0].fingerprint = 'f'.repeat(64);
    rewrite(dir, file);
    const machine = await restore(dir);
    const started = await startEvents(machine);
    assert.equal(started[0].type, 'restore-failed');
    assert.equal((started[0] as { code: string }).code, 'snapshot-disk-mismatch');
    assert.deepEqual(started.at(-1), { type: 'booted', restored: false });
    // Booted cold: none of the snapshot's writes.
    const { output } = await machine.exec('cat /root/on-disk /tmp/note 2>&1', { timeout: 120_000 });
    assert.match(output, /No such file/);
    await machine.terminate();
  });

  test('a state blob that does not hash to its name: chunk-hash-mismatch', async () => {
    const { dir, file, blob } = copyOfSaved('state-mismatch');
    // Another well-formed gzip stream under the state's name.
    writeFileSync(blob(file.state.sha256), gzipSync(new Uint8Array(file.state.size)));
    const machine = await restore(dir);
    const started = await startEvents(machine);
    assert.equal(started[0].type, 'restore-failed');
    assert.equal((started[0] as { code: string }).code, 'chunk-hash-mismatch');
    assert.deepEqual(started.at(-1), { type: 'booted', restored: false });
    await machine.terminate();
  });

  test('a state blob that is not a machine state: snapshot-corrupt', async () => {
    const { dir, file } = copyOfSaved('state-corrupt');
    const bytes = new TextEncoder().encode('{"not": "a machine"}');
    file.state = { sha256: storeBlob(dir, bytes), size: bytes.length };
    rewrite(dir, file);
    const machine = await restore(dir);
    const started = await startEvents(machine);
    assert.equal(started[0].type, 'restore-failed');
    assert.equal((started[0] as { code: string }).code, 'snapshot-corrupt');
    assert.deepEqual(started.at(-1), { type: 'booted', restored: false });
    await machine.terminate();
  });

  describe('a RAM chunk that does not hash to its name', () => {
    /** RAM chunks a restore touches up to its first command, in order. */
    let touched: number[];
    before(async () => {
      const probe = await restore();
      await probe.exec('true');
      touched = (await probe.status()).touched;
      await probe.terminate();
    });

    /**
     * Restores `dir` and waits for the machine to start, then to stop: the event it stopped
     * with, or 'still running' after `ms`.
     */
    async function startThenStop(dir: string, ms: number) {
      const machine = await restore(dir);
      const stopping = new Promise<ThreadEvent | 'still running'>((resolve) => {
        setTimeout(() => resolve('still running'), ms).unref();
        machine.on((event) => {
          if (event.type === 'error' || event.type === 'exit') resolve(event);
        });
      });
      return { machine, started: await startEvents(machine), stopped: await stopping };
    }

    test('stops the machine, with its code, once the guest needs it', async () => {
      // The chunk the guest needs first (that of its program counter).
      const first = touched[0];
      const { dir, file, blob } = copyOfSaved('ram-mismatch');
      writeFileSync(
        blob(file.ram.chunks[first]!),
        gzipSync(new Uint8Array(file.ram.chunkSize).fill(0x5a)),
      );
      const { machine, started, stopped } = await startThenStop(dir, 30_000);
      // RAM arrives lazily: the restore itself succeeds, and the machine starts...
      assert.deepEqual(started, [{ type: 'booted', restored: true }]);
      // ...then stops when the guest reaches that chunk: nothing runs on without it.
      assert.ok(stopped !== 'still running', 'the machine runs on with a damaged RAM chunk');
      assert.equal(stopped.type, 'error');
      assert.equal((stopped as { code: string }).code, 'snapshot-chunk-mismatch');
      assert.match((stopped as { message: string }).message, new RegExp(`RAM chunk ${first} `));
      await assert.rejects(machine.exec('true'), { code: 'snapshot-chunk-mismatch' });
      await machine.terminate();
    });

    test("stops the machine when only the working set's prefetch asked for it", async () => {
      const { dir, file, blob } = copyOfSaved('prefetch-mismatch');
      // A stored chunk the restore does not touch by itself, prefetched first.
      const index = file.ram.chunks.findIndex((sha256, i) => sha256 && !touched.includes(i));
      assert.ok(index >= 0);
      writeFileSync(
        blob(file.ram.chunks[index]!),
        gzipSync(new Uint8Array(file.ram.chunkSize).fill(0xa5)),
      );
      file.workingSet = [index];
      rewrite(dir, file);
      const { machine, stopped } = await startThenStop(dir, 15_000);
      assert.ok(stopped !== 'still running', 'the machine runs on with a damaged RAM chunk');
      assert.equal((stopped as { code: string }).code, 'snapshot-chunk-mismatch');
      await machine.terminate();
    });

    test('stops the machine when a written page of its disk is damaged', async () => {
      // The disk's written pages arrive while the guest runs (OverlayDisk.restorePagesLater).
      const { dir, file, blob } = copyOfSaved('disk-page-mismatch');
      const disk = file.disks[0];
      const [page, sha256] = disk.written.find(([, hash]) => hash)!;
      writeFileSync(blob(sha256!), gzipSync(new Uint8Array(disk.pageSize).fill(0x3c)));
      const { machine, started, stopped } = await startThenStop(dir, 15_000);
      assert.deepEqual(started, [{ type: 'booted', restored: true }]);
      assert.ok(stopped !== 'still running', 'the machine runs on with a damaged disk page');
      assert.equal((stopped as { code: string }).code, 'snapshot-chunk-mismatch');
      assert.match((stopped as { message: string }).message, new RegExp(`page ${page} of disk 0`));
      await machine.terminate();
    });
  });
});

test('a save after a restore, and a second one, name unchanged RAM as before and keep every write', async () => {
  // The image's own snapshot: its RAM arrives lazily, and DIRTY marks what changed since.
  const thread = new MachineThread(await loadBootImage({}));
  threads.add(thread);
  const first = await thread.exec('echo one > /tmp/one', { timeout: 120_000 });
  assert.equal(first.exitCode, 0, first.output);
  const { snapshot: image } = await loadBootImage({});
  const a = await thread.save();
  // Most of RAM was not written since the image's snapshot: those chunks keep its names.
  const kept = a.snapshot.ram.chunks.filter(
    (c, i) => c !== null && c === image!.snapshot.ram.chunks[i],
  );
  assert.ok(kept.length > a.snapshot.ram.chunks.filter(Boolean).length / 2, `${kept.length} kept`);
  await thread.exec('echo two > /tmp/two');
  const b = await thread.save();
  await thread.terminate();
  threads.delete(thread);
  const folder = join(work, 'twice');
  await writeSnapshotFolder(
    folder,
    { ...b.snapshot, format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, image: 'busybox' },
    b.blobs,
  );
  const again = await restore(folder);
  assert.equal(
    (await again.exec('cat /tmp/one /tmp/two', { timeout: 120_000 })).output,
    'one\ntwo\n',
  );
});
