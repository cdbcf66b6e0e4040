// A session store in the Origin Private File System: linux-terminal/<key name>/ holds blobs/<sha256>
// and two record slots. In a Worker, files are read and written through synchronous access handles
// (one system call each, no stream); on the main thread (reset() from the element) through the
// asynchronous file API. The record is written to the older slot with its generation and its hash,
// so a write cut short leaves the other slot, the previous record, as it was.
import { sha256Hex } from '../image/blob-fetcher.js';
import type { SessionStore } from './session-store.js';

/** The synchronous access handle of a Worker (not in every TypeScript DOM library). */
interface SyncAccessHandle {
  getSize(): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncFileHandle = FileSystemFileHandle & {
  createSyncAccessHandle?: () => Promise<SyncAccessHandle>;
};

const SLOTS = ['record-a', 'record-b'];
/** The suffix of a blob being written (renamed without it when whole). */
const PARTIAL = '.partial';

/**
 * A file's bytes, through the asynchronous API: a synchronous access handle locks its file, so two
 * reads of one blob at once (two disk pages with the same content) would refuse each other.
 */
async function readFile(handle: FileSystemFileHandle): Promise<Uint8Array> {
  return new Uint8Array(await (await handle.getFile()).arrayBuffer());
}

async function writeFile(handle: SyncFileHandle, bytes: Uint8Array): Promise<void> {
  if (handle.createSyncAccessHandle) {
    const access = await handle.createSyncAccessHandle();
    try {
      access.truncate(0);
      for (let at = 0; at < bytes.length;) at += access.write(bytes.subarray(at), { at });
      access.flush();
    } finally {
      access.close();
    }
    return;
  }
  const writable = await handle.createWritable();
  await writable.write(bytes as Uint8Array<ArrayBuffer>);
  await writable.close();
}

/** A slot's content: "<generation> <sha256 of the text>\n<text>", or undefined if not whole. */
async function readSlot(
  folder: FileSystemDirectoryHandle,
  slot: string,
): Promise<{ generation: number; text: string } | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(await folder.getFileHandle(slot));
  } catch {
    return undefined; // no such slot yet
  }
  const raw = new TextDecoder().decode(bytes);
  const newline = raw.indexOf('\n');
  const [generation, sha256] = raw.slice(0, Math.max(0, newline)).split(' ');
  const text = raw.slice(newline + 1);
  if (newline < 0 || !/^\d+$/.test(generation ?? '')) return undefined;
  if ((await sha256Hex(new TextEncoder().encode(text))) !== sha256) return undefined;
  return { generation: Number(generation), text };
}

/** The store of key name `name`, or undefined where the browser has no OPFS. */
export async function opfsStore(name: string): Promise<SessionStore | undefined> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return undefined;
  let top: FileSystemDirectoryHandle;
  try {
    const root = await navigator.storage.getDirectory();
    top = await root.getDirectoryHandle('linux-terminal', { create: true });
  } catch {
    return undefined; // e.g. a private window that refuses it
  }
  const folder = await top.getDirectoryHandle(name, { create: true });
  const blobFolder = await folder.getDirectoryHandle('blobs', { create: true });
  const blobs = new Map<string, number>();
  const files: [string, FileSystemFileHandle][] = [];
  for await (const [entry, handle] of blobFolder as unknown as AsyncIterable<
    [string, FileSystemHandle]
  >)
    if (handle.kind !== 'file') continue;
    else if (entry.endsWith(PARTIAL)) await blobFolder.removeEntry(entry).catch(() => {});
    else {
      blobs.set(entry, 0);
      files.push([entry, handle as FileSystemFileHandle]);
    }
  void (async () => {
    for (const [entry, handle] of files) {
      const size = await handle.getFile().then(
        (file) => file.size,
        () => 0,
      );
      if (blobs.has(entry)) blobs.set(entry, size);
    }
  })();
  let generation = 0;
  let nextSlot = 0;
  // Writes and deletions one at a time (a file has one synchronous access handle at once).
  let writing: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const done = writing.then(work);
    writing = done.catch(() => {});
    return done;
  };

  return {
    kind: 'opfs',
    blobs,
    async readRecord() {
      const slots = await Promise.all(SLOTS.map((slot) => readSlot(folder, slot)));
      const newest = slots.reduce<number>(
        (best, slot, i) =>
          slot && (best < 0 || slot.generation > slots[best]!.generation) ? i : best,
        -1,
      );
      if (newest < 0) return undefined;
      generation = slots[newest]!.generation;
      nextSlot = 1 - newest;
      return slots[newest]!.text;
    },
    writeRecord: (text) =>
      serially(async () => {
        const hash = await sha256Hex(new TextEncoder().encode(text));
        const bytes = new TextEncoder().encode(`${generation + 1} ${hash}\n${text}`);
        const slot = SLOTS[nextSlot];
        await writeFile(await folder.getFileHandle(slot, { create: true }), bytes);
        generation++;
        nextSlot = 1 - nextSlot;
      }),
    async readBlob(sha256) {
      if (!blobs.has(sha256)) return undefined;
      try {
        return await readFile(await blobFolder.getFileHandle(sha256));
      } catch {
        return undefined;
      }
    },
    writeBlobs: (written) =>
      serially(async () => {
        for (const [sha256, bytes] of written) {
          // Named by their content: one of that name is the same bytes (checked when read).
          if (blobs.has(sha256)) continue;
          // Written under a temporary name and renamed whole, so that a write cut short (the
          // Worker ended with its page) never leaves a blob of that name half written, which
          // a later save would take as stored.
          const partial = (await blobFolder.getFileHandle(`${sha256}${PARTIAL}`, {
            create: true,
          })) as SyncFileHandle & { move?: (name: string) => Promise<void> };
          await writeFile(partial, bytes);
          if (partial.move) await partial.move(sha256);
          else {
            await writeFile(await blobFolder.getFileHandle(sha256, { create: true }), bytes);
            await blobFolder.removeEntry(`${sha256}${PARTIAL}`);
          }
          blobs.set(sha256, bytes.length);
        }
      }),
    deleteBlobs: (names) =>
      serially(async () => {
        for (const sha256 of names) {
          await blobFolder.removeEntry(sha256).catch(() => {});
          blobs.delete(sha256);
        }
      }),
    async clear() {
      await top.removeEntry(name, { recursive: true }).catch(() => {});
      blobs.clear();
      generation = 0;
      nextSlot = 0;
    },
  };
}
