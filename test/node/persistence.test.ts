// A persisted session's saves are bounded: storage that never answers stops persistence with
// `storage-failed` after the storage timeout, and the guest's flush (which waits for its pages to
// be stored) completes rather than hanging; later saves return at once. A slow store that works
// is not taken for a dead one: a large write goes in batches, each bounded on its own. The browsers' stores
// (OPFS, IndexedDB) are tested in test/browser/persist.test.ts; here a store whose calls never
// settle stands for one that hangs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Persistence, type PersistenceProblem } from '../../src/engine/persist/persistence.js';
import type { SessionStore } from '../../src/engine/persist/session-store.js';
import { WRITE_BATCH_BYTES, boundedStore } from '../../src/engine/persist/bounded-store.js';

/** A store that answers reads (nothing stored) and never settles a write. */
function hangingStore(): SessionStore & { writes: number } {
  const never = () => new Promise<void>(() => {});
  const store = {
    kind: 'opfs' as const,
    blobs: new Map<string, number>(),
    writes: 0,
    readRecord: async () => undefined,
    readBlob: async () => undefined,
    writeRecord: () => {
      store.writes++;
      return never();
    },
    writeBlobs: () => {
      store.writes++;
      return never();
    },
    deleteBlobs: async () => {},
    clear: async () => {},
  };
  return store;
}

const image = {
  kernel: { sha256: 'a'.repeat(64), size: 1 },
  disks: [],
  imageBlobs: new Set<string>(),
};

describe('persistence', () => {
  test(
    'storage that never answers: the flush completes after the timeout, storage-failed is said once, later saves return at once',
    { timeout: 10_000 },
    async () => {
      const store = hangingStore();
      const problems: [PersistenceProblem, string][] = [];
      const persistence = await Persistence.open(
        store,
        image,
        { stored: () => {}, problem: (code, message) => problems.push([code, message]) },
        { storageTimeoutMs: 300 },
      );
      const started = performance.now();
      await persistence.flushDisks(true);
      const ms = performance.now() - started;
      assert.ok(ms >= 290 && ms < 3_000, `the flush took ${ms} ms`);
      assert.equal(problems.length, 1);
      assert.equal(problems[0][0], 'storage-failed');
      assert.match(problems[0][1], /did not answer within 0\.3 s.*runs on in memory/);
      const writes = store.writes;
      const again = performance.now();
      await persistence.flushDisks(true);
      await persistence.saveMachine();
      assert.ok(performance.now() - again < 100, 'a later save waited');
      assert.equal(store.writes, writes, 'a stopped session still wrote');
      assert.equal(problems.length, 1);
    },
  );

  test(
    'a large write goes in batches of a few MB, each with the whole bound: a slow store that works is not cut off',
    { timeout: 20_000 },
    async () => {
      const batches: number[] = [];
      const slow: SessionStore = {
        ...hangingStore(),
        // 30 ms a MB and a 0.5 s bound: 20 MB in one call (600 ms) would not fit, 4 MB does.
        writeBlobs: async (blobs) => {
          const bytes = [...blobs.values()].reduce((sum, b) => sum + b.length, 0);
          batches.push(bytes);
          await new Promise((resolve) => setTimeout(resolve, (bytes / (1 << 20)) * 30));
        },
      };
      const blobs = new Map<string, Uint8Array>();
      for (let i = 0; i < 5000; i++) blobs.set(`blob-${i}`, new Uint8Array(4096));
      await boundedStore(slow, 500).writeBlobs(blobs);
      assert.equal(
        batches.reduce((a, b) => a + b, 0),
        5000 * 4096,
      );
      assert.ok(batches.length >= 5, `${batches.length} batches`);
      assert.ok(
        batches.every((bytes) => bytes <= WRITE_BATCH_BYTES),
        'a batch over the limit',
      );
      await assert.rejects(
        boundedStore(hangingStore(), 100).writeBlobs(blobs),
        /did not answer within 0\.1 s \(writing \d+ blobs\)/,
      );
    },
  );
});
