// Guest RAM as content-addressed chunks (docs/image-format.md, Snapshots): chunk i is RAM bytes
// [i·chunkSize, (i+1)·chunkSize), named by its SHA-256, or null when it is all zeros, which most
// of a freshly booted machine's RAM is, and which is then neither hashed nor stored. Runs where
// the board saves, in the browser Worker and in Node alike.
import { sha256Hex } from '../image/blob-fetcher.js';
import { PAGE_DIRTY, PAGE_MISSING, PAGE_SHIFT, type PageMap } from '../page-map.js';

export interface RamChunks {
  /** One entry per chunk: its SHA-256, or null for a chunk of zeros. */
  chunks: (string | null)[];
  /**
   * The content of each distinct non-zero chunk whose bytes are in RAM, by SHA-256: views of
   * `ram`, not copies, so valid only until the machine runs again. A named chunk that is not here
   * was taken from `previous` and is still missing from RAM: its bytes are the earlier
   * snapshot's blob of that name.
   */
  blobs: Map<string, Uint8Array>;
}

/** The chunks of the snapshot this RAM was restored from (or last saved as), and what changed. */
export interface PreviousRamChunks {
  /** That snapshot's `ram.chunks`, for the same chunk size. */
  chunks: readonly (string | null)[];
  /**
   * The page map since then: a chunk none of whose pages is DIRTY still holds those bytes (or
   * does not hold them yet, if MISSING), and keeps its name without being hashed again. This is
   * only true if the DIRTY bits were cleared (and the hart's write TLB flushed, as it sets the
   * bit when it fills an entry) when `chunks` was taken.
   */
  pageMap: PageMap;
}

/** Chunks hashed at once: enough to keep Web Crypto's threads busy, little memory in flight. */
const HASHES_IN_FLIGHT = 16;

/** Whether words [from, to) of `words` are all zero. */
function zeroWords(words: Int32Array, from: number, to: number): boolean {
  let at = from;
  // Four words per test: the loop is what a 512 MiB machine's save spends its time in.
  for (; at + 4 <= to; at += 4)
    if ((words[at] | words[at + 1] | words[at + 2] | words[at + 3]) !== 0) return false;
  for (; at < to; at++) if (words[at] !== 0) return false;
  return true;
}

/** Whether `page-map` bits `bit` are set on any page of [offset, offset + length). */
function anyPage(pageMap: PageMap, offset: number, length: number, bit: number): boolean {
  const last = (offset + length - 1) >>> PAGE_SHIFT;
  for (let page = offset >>> PAGE_SHIFT; page <= last; page++)
    if (pageMap.bytes[page] & bit) return true;
  return false;
}

/**
 * Cuts `ram` (all of guest RAM) into `chunkSize` chunks and names each. With `previous`, a chunk
 * the guest has not written since keeps its earlier name; a written chunk that still has missing
 * pages cannot be named, and throws (fetch the chunk before saving).
 */
export async function chunkRam(
  ram: Uint8Array,
  chunkSize: number,
  previous?: PreviousRamChunks,
): Promise<RamChunks> {
  if (ram.length % chunkSize !== 0 || chunkSize % 4 !== 0)
    throw new RangeError(
      `RAM of ${ram.length} bytes is not a whole number of ${chunkSize}-byte chunks`,
    );
  const count = ram.length / chunkSize;
  if (previous && previous.chunks.length !== count)
    throw new RangeError(
      `the previous snapshot has ${previous.chunks.length} RAM chunks, not ${count}`,
    );
  // A word view when the RAM is aligned (wasm memory is): four bytes per test for zeros.
  const words =
    ram.byteOffset % 4 === 0
      ? new Int32Array(ram.buffer, ram.byteOffset, ram.length / 4)
      : undefined;
  const isZero = (offset: number) =>
    words
      ? zeroWords(words, offset / 4, (offset + chunkSize) / 4)
      : ram.subarray(offset, offset + chunkSize).every((b) => b === 0);

  const chunks: (string | null)[] = new Array(count).fill(null);
  const blobs = new Map<string, Uint8Array>();
  const toHash: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = i * chunkSize;
    if (previous && !anyPage(previous.pageMap, offset, chunkSize, PAGE_DIRTY)) {
      const name = previous.chunks[i];
      chunks[i] = name;
      if (name && !anyPage(previous.pageMap, offset, chunkSize, PAGE_MISSING))
        blobs.set(name, ram.subarray(offset, offset + chunkSize));
      continue;
    }
    if (previous && anyPage(previous.pageMap, offset, chunkSize, PAGE_MISSING))
      throw new Error(
        `RAM chunk ${i} was written but some of its pages are still missing; fetch it before saving`,
      );
    if (!isZero(offset)) toHash.push(i);
  }

  let next = 0;
  const hashOne = async () => {
    while (next < toHash.length) {
      const i = toHash[next++];
      const chunk = ram.subarray(i * chunkSize, (i + 1) * chunkSize);
      const name = await sha256Hex(chunk);
      chunks[i] = name;
      if (!blobs.has(name)) blobs.set(name, chunk);
    }
  };
  await Promise.all(Array.from({ length: HASHES_IN_FLIGHT }, hashOne));
  return { chunks, blobs };
}
