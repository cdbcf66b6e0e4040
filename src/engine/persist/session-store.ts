// Where a persisted session lives in the browser: its record (session-record.ts) and the blobs the
// record names (disk pages, RAM chunks, machine state), content-addressed by SHA-256 like an
// image's, under one folder per key. The Origin Private File System first (synchronous access
// handles, in the Worker), IndexedDB where it is missing (idb-store.ts). Blobs are written before
// the record that names them, and a blob is checked against its name when it is read, so a save
// cut short by a closed tab leaves the previous record whole and its blobs readable.
import { sha256Hex } from '../image/blob-fetcher.js';
import { idbStore } from './idb-store.js';
import { opfsStore } from './opfs-store.js';

export interface SessionStore {
  /** `opfs` or `indexeddb`: which kind of storage holds the session. */
  readonly kind: 'opfs' | 'indexeddb';
  /**
   * Names of the blobs stored, and their sizes: a store opens with the names only (reading every
   * size would hold up a resume), and learns the sizes in the background.
   */
  readonly blobs: Map<string, number>;
  /** The stored record's text, or undefined when there is none. */
  readRecord(): Promise<string | undefined>;
  /** Replaces the record, all at once: a reader sees the old one or the new one. */
  writeRecord(text: string): Promise<void>;
  /** A stored blob's bytes as stored (checked by the caller), or undefined when it is not there. */
  readBlob(sha256: string): Promise<Uint8Array | undefined>;
  /** Stores blobs by name (durably, when the promise resolves). */
  writeBlobs(blobs: Map<string, Uint8Array>): Promise<void>;
  /** Deletes blobs by name. */
  deleteBlobs(names: Iterable<string>): Promise<void>;
  /** Deletes the record and every blob: the key starts afresh. */
  clear(): Promise<void>;
}

/**
 * The folder (OPFS) or prefix (IndexedDB) of `key`: a hash, so that any text (a page's URL) makes
 * a valid name and keys cannot reach each other's files.
 */
export async function keyName(key: string): Promise<string> {
  return (await sha256Hex(new TextEncoder().encode(key))).slice(0, 32);
}

/** Opens the session store of `key`: OPFS where the browser has it, else IndexedDB. */
export async function openSessionStore(key: string): Promise<SessionStore> {
  const name = await keyName(key);
  return (await opfsStore(name)) ?? (await idbStore(name));
}

/** Deletes everything stored for `key`, in both kinds of storage. */
export async function clearSessionStore(key: string): Promise<void> {
  const name = await keyName(key);
  const stores = [await opfsStore(name).catch(() => undefined), await idbStore(name)];
  await Promise.all(stores.map((store) => store?.clear()));
}

/** Whether `error` is the browser refusing to store more (the origin's quota). */
export function isQuotaError(error: unknown): boolean {
  return (
    error instanceof DOMException &&
    (error.name === 'QuotaExceededError' || error.code === DOMException.QUOTA_EXCEEDED_ERR)
  );
}
