// A session store whose every call is bounded in time: storage that never answers (a browser
// bug, a disk gone) must not hold the guest's flush, or every later save, for ever. A call that
// does not settle within the bound rejects, and persistence then stops with `storage-failed`. A
// large write is cut into calls of a few megabytes, each with the whole bound, so that a slow
// but working store (20 MB synced on a busy machine) is never taken for a dead one.
import type { SessionStore } from './session-store.js';

/** The most bytes one writeBlobs call is given at a time. */
export const WRITE_BATCH_BYTES = 4 << 20;

export class StorageTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`the browser's storage did not answer within ${ms / 1000} s (${what})`);
  }
}

function bounded<T>(what: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageTimeoutError(what, ms)), ms);
  });
  return Promise.race([call(), late]).finally(() => clearTimeout(timer));
}

/** `store`, with each call bounded by `ms` and writes cut into WRITE_BATCH_BYTES batches. */
export function boundedStore(store: SessionStore, ms: number): SessionStore {
  return {
    kind: store.kind,
    blobs: store.blobs,
    readRecord: () => bounded('reading the record', ms, () => store.readRecord()),
    writeRecord: (text) => bounded('writing the record', ms, () => store.writeRecord(text)),
    readBlob: (sha256) => bounded('reading a blob', ms, () => store.readBlob(sha256)),
    async writeBlobs(blobs) {
      let batch = new Map<string, Uint8Array>();
      let bytes = 0;
      const write = async () => {
        const these = batch;
        batch = new Map();
        bytes = 0;
        await bounded(`writing ${these.size} blobs`, ms, () => store.writeBlobs(these));
      };
      for (const [name, data] of blobs) {
        batch.set(name, data);
        bytes += data.length;
        if (bytes >= WRITE_BATCH_BYTES) await write();
      }
      if (batch.size > 0) await write();
    },
    deleteBlobs: (names) => bounded('deleting blobs', ms, () => store.deleteBlobs(names)),
    clear: () => bounded('clearing the session', ms, () => store.clear()),
  };
}
