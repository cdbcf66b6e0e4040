// A session store in IndexedDB, where the browser has no Origin Private File System: one database,
// `linux-terminal-sessions`, with the blobs of every key under "<key name>/<sha256>" and each
// key's record under its name. A transaction is all or nothing, so the record needs no slots.
import { type IDBPDatabase, openDB } from 'idb';
import type { SessionStore } from './session-store.js';

const DATABASE = 'linux-terminal-sessions';

function open(): Promise<IDBPDatabase> {
  return openDB(DATABASE, 1, {
    upgrade(db) {
      db.createObjectStore('blobs');
      db.createObjectStore('records');
    },
  });
}

/** The store of key name `name` (throws where the browser has no IndexedDB either). */
export async function idbStore(name: string): Promise<SessionStore> {
  const db = await open();
  const prefix = `${name}/`;
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const blobs = new Map<string, number>();
  for (const key of await db.getAllKeys('blobs', range))
    blobs.set(String(key).slice(prefix.length), 0);
  // The sizes, in the background: reading every value would hold up a resume.
  void (async () => {
    let cursor = await db.transaction('blobs').store.openCursor(range);
    while (cursor) {
      const name = String(cursor.key).slice(prefix.length);
      if (blobs.has(name)) blobs.set(name, (cursor.value as Uint8Array).length);
      cursor = await cursor.continue();
    }
  })().catch(() => {});
  return {
    kind: 'indexeddb',
    blobs,
    async readRecord() {
      return (await db.get('records', name)) as string | undefined;
    },
    async writeRecord(text) {
      await db.put('records', text, name);
    },
    async readBlob(sha256) {
      return (await db.get('blobs', prefix + sha256)) as Uint8Array | undefined;
    },
    async writeBlobs(written) {
      const tx = db.transaction('blobs', 'readwrite');
      for (const [sha256, bytes] of written)
        if (!blobs.has(sha256)) void tx.store.put(bytes, prefix + sha256);
      await tx.done;
      for (const [sha256, bytes] of written) blobs.set(sha256, bytes.length);
    },
    async deleteBlobs(names) {
      const tx = db.transaction('blobs', 'readwrite');
      const gone = [...names];
      for (const sha256 of gone) void tx.store.delete(prefix + sha256);
      await tx.done;
      for (const sha256 of gone) blobs.delete(sha256);
    },
    async clear() {
      const tx = db.transaction(['blobs', 'records'], 'readwrite');
      void tx.objectStore('blobs').delete(range);
      void tx.objectStore('records').delete(name);
      await tx.done;
      blobs.clear();
    },
  };
}
