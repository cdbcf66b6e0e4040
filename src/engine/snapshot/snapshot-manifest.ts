// A snapshot as data (docs/image-format.md, Snapshots): the machine state blob, guest RAM cut
// into content-addressed chunks, the copy-on-write overlay's written pages of each disk, and
// which disks and kernel it was taken on. The same object is an image manifest's `snapshot`,
// the body of a snapshot.json and the header of a bundle; this file checks it and lists its
// blobs, and nothing here knows what the state blob holds.
import { type BlobRef, SHA256_HEX, isBlobRef, isChunkSize } from '../image/blob-ref.js';
import { sha256Hex } from '../image/blob-fetcher.js';
import { ImageError } from '../image/image-error.js';
import type { DiskManifest } from '../image/manifest.js';
import { memorySizeProblem } from '../memory-size.js';

/**
 * RAM chunk size when the writer has no reason to choose another (docs/image-format.md).
 * Measured on RAM at the prompt (gzip -9 of the distinct non-zero chunks): busybox (128 MiB)
 * 3.01 / 2.83 / 2.74 / 2.71 MiB in 1807 / 491 / 131 / 37 blobs for 4 / 16 / 64 / 256 KiB chunks;
 * Debian after `python3 -c "import json"` (256 MiB) 9.06 / 8.45 / 8.15 / 8.06 MiB in 6255 / 1614
 * / 416 / 108. Past 64 KiB the total barely shrinks while each touch fetches more.
 */
export const DEFAULT_RAM_CHUNK_SIZE = 64 << 10;
/** The bytes of a RAM page, the unit of a working-set pack. */
const PAGE_BYTES = 4096;

/** One disk as the snapshot saw it: which disk it was, and what the guest had written to it. */
export interface SnapshotDisk {
  /** diskFingerprint() of the disk the snapshot was taken on. */
  fingerprint: string;
  /** Bytes per overlay page: each written page is a blob of exactly this size. */
  pageSize: number;
  /**
   * The overlay's pages, in increasing page order: page i holds disk bytes
   * [i·pageSize, (i+1)·pageSize), then its SHA-256, or null when the guest left it all zeros.
   */
  written: [page: number, sha256: string | null][];
}

export interface SnapshotManifest {
  /** The machine-state blob (hart, devices, board), as the board writes it. */
  state: BlobRef;
  /** Guest RAM, in MiB: a restore gives the machine exactly this much. */
  memoryMiB: number;
  /**
   * Guest RAM cut into `chunkSize` chunks: chunk i is RAM bytes [i·chunkSize, (i+1)·chunkSize),
   * named by its SHA-256, or null when all zeros (not stored).
   */
  ram: { chunkSize: number; chunks: (string | null)[] };
  /** One entry per disk of the image, in order. */
  disks: SnapshotDisk[];
  /** RAM chunk indices, in the order the guest first touched them after a restore: prefetched. */
  workingSet: number[];
  /**
   * The RAM pages (4 KiB, by index) the guest touched after a restore until shortly after its
   * prompt, in that order: finer than the working set's chunks, they are what the pack holds.
   * -1 marks a slot of the pack a restore must not use: a persisted session's machine names its
   * image's packs, with -1 where its RAM has changed since (persistence.ts).
   */
  workingSetPages?: number[];
  /**
   * Those pages in one blob, one after another in `workingSetPages` order (4 KiB each). A restore
   * fetches it first, as one request, and puts its pages in RAM before the guest runs; the rest of
   * their chunks follow (the working set's chunks are prefetched). The chunks are stored on their
   * own too, so a reader that ignores the pack, or cannot fetch it, loses only time.
   */
  workingSetPack?: BlobRef;
  /**
   * The RAM pages the image's warm-up commands touched when run again after a restore (what a
   * reader runs first: Python's page cache, its code), beyond `workingSetPages`, in that order.
   */
  warmPages?: number[];
  /**
   * Those pages in one blob, like the working-set pack; a restore fetches it right after that
   * pack, while the guest runs, and fills the pages still missing when it arrives.
   */
  warmPack?: BlobRef;
  /**
   * Where the code the translator had translated when the snapshot was taken starts, as RAM
   * offsets, in the order it was translated (at most MAX_HOT_CODE). A restore translates it as
   * soon as its pages are in, before the guest makes it hot again: what ran before a snapshot
   * (the shell, Python after a warm-up) runs translated from the start. Optional: an engine
   * without a translator, or a reader that ignores it, loses only time.
   */
  hotCode?: number[];
  /** SHA-256 of the kernel the machine was booted with. */
  kernel: string;
}

/** The most entries a snapshot's hotCode lists (the translator's entry table holds 65,536). */
export const MAX_HOT_CODE = 16384;

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);
const isHashOrNull = (value: unknown) =>
  value === null || (typeof value === 'string' && SHA256_HEX.test(value));

function ramProblem(ram: unknown, memoryMiB: number, at: string): string | undefined {
  if (!isObject(ram)) return `"${at}ram" must be {chunkSize, chunks}`;
  if (!isChunkSize(ram.chunkSize))
    return `"${at}ram.chunkSize" must be a power of two from 4096 to 4194304`;
  const bytes = memoryMiB * (1 << 20);
  if (bytes % ram.chunkSize !== 0)
    return `"${at}ram.chunkSize" (${ram.chunkSize}) must divide the memory (${memoryMiB} MiB)`;
  const count = bytes / ram.chunkSize;
  if (!Array.isArray(ram.chunks) || ram.chunks.length !== count)
    return `"${at}ram.chunks" must list ${count} chunks (${memoryMiB} MiB in ${ram.chunkSize}-byte chunks)`;
  if (!ram.chunks.every(isHashOrNull))
    return `"${at}ram.chunks" must hold SHA-256 hex strings or null`;
  return undefined;
}

function diskProblem(disk: unknown, i: number, at: string): string | undefined {
  const where = `"${at}disks[${i}]`;
  if (!isObject(disk)) return `${where}" must be {fingerprint, pageSize, written}`;
  if (typeof disk.fingerprint !== 'string' || !SHA256_HEX.test(disk.fingerprint))
    return `${where}.fingerprint" must be a SHA-256 hex string`;
  if (!isChunkSize(disk.pageSize))
    return `${where}.pageSize" must be a power of two from 4096 to 4194304`;
  if (!Array.isArray(disk.written)) return `${where}.written" must be a list`;
  let last = -1;
  for (const entry of disk.written as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || !isHashOrNull(entry[1]))
      return `${where}.written" must hold [page, SHA-256 or null] pairs`;
    const page = entry[0];
    if (!Number.isSafeInteger(page) || page <= last)
      return `${where}.written" must list whole page numbers in increasing order (${JSON.stringify(page)} after ${last})`;
    last = page;
  }
  return undefined;
}

function workingSetProblem(workingSet: unknown, chunks: number, at: string): string | undefined {
  if (!Array.isArray(workingSet)) return `"${at}workingSet" must be a list`;
  const seen = new Uint8Array(chunks);
  for (const index of workingSet) {
    if (!Number.isInteger(index) || index < 0 || index >= chunks)
      return `"${at}workingSet" must hold RAM chunk indices from 0 to ${chunks - 1}, not ${JSON.stringify(index)}`;
    if (seen[index]) return `"${at}workingSet" lists chunk ${index} twice`;
    seen[index] = 1;
  }
  return undefined;
}

/**
 * What is wrong with `value` as a snapshot, or undefined: every field present and well formed,
 * the RAM chunk list as long as the memory, working-set indices in range and unique, written
 * pages in increasing order. `at` prefixes field names in the sentence ("snapshot.").
 * Whether it fits a given image is snapshotImageProblem()'s question.
 */
export function snapshotProblem(value: unknown, at = ''): string | undefined {
  if (!isObject(value)) return `"${at.replace(/\.$/, '') || 'snapshot'}" must be an object`;
  const s = value as Partial<SnapshotManifest>;
  if (!isBlobRef(s.state)) return `"${at}state" must be {size, sha256} of at most 512 MiB`;
  const memory = memorySizeProblem(s.memoryMiB);
  if (memory) return `"${at}memoryMiB" ${memory}`;
  if (typeof s.kernel !== 'string' || !SHA256_HEX.test(s.kernel))
    return `"${at}kernel" must be the kernel's SHA-256 hex string`;
  if (!Array.isArray(s.disks)) return `"${at}disks" must be a list`;
  return (
    ramProblem(s.ram, s.memoryMiB!, at) ||
    s.disks.map((disk, i) => diskProblem(disk, i, at)).find((p) => p !== undefined) ||
    workingSetProblem(s.workingSet, s.ram!.chunks.length, at) ||
    packProblem(s as SnapshotManifest, s.workingSetPages, s.workingSetPack, 'workingSet', at) ||
    packProblem(s as SnapshotManifest, s.warmPages, s.warmPack, 'warm', at) ||
    hotCodeProblem(s.hotCode, s.memoryMiB! * 2 ** 20, at)
  );
}

/** What is wrong with a snapshot's hotCode (absent is fine), or undefined. */
function hotCodeProblem(hotCode: unknown, ramBytes: number, at: string): string | undefined {
  if (hotCode === undefined) return undefined;
  if (!Array.isArray(hotCode) || hotCode.length > MAX_HOT_CODE)
    return `"${at}hotCode" must be a list of at most ${MAX_HOT_CODE} RAM offsets`;
  const bad = hotCode.find(
    (offset) => !Number.isInteger(offset) || offset < 0 || offset >= ramBytes || offset % 2 !== 0,
  );
  return bad === undefined
    ? undefined
    : `"${at}hotCode" must hold even RAM offsets below ${ramBytes}, not ${JSON.stringify(bad)}`;
}

/** A pack slot not to be used (see SnapshotManifest.workingSetPages). */
export const SKIPPED_PAGE = -1;

/** What is wrong with a pack (`<name>Pages` and `<name>Pack`), or undefined. */
function packProblem(
  s: SnapshotManifest,
  pages: unknown,
  pack: unknown,
  name: 'workingSet' | 'warm',
  at: string,
): string | undefined {
  if (pages === undefined && pack === undefined) return undefined;
  if (!Array.isArray(pages) || !isBlobRef(pack))
    return `"${at}${name}Pages" and "${at}${name}Pack" go together: a list of page indices and {size, sha256}`;
  const pagesPerChunk = s.ram.chunkSize / PAGE_BYTES;
  const seen = new Set<number>();
  for (const page of pages) {
    if (page === SKIPPED_PAGE) continue;
    if (!Number.isInteger(page) || page < 0 || page >= s.ram.chunks.length * pagesPerChunk)
      return `"${at}${name}Pages" must hold RAM page indices, not ${JSON.stringify(page)}`;
    if (seen.has(page)) return `"${at}${name}Pages" lists page ${page} twice`;
    if (s.ram.chunks[Math.floor(page / pagesPerChunk)] === null)
      return `"${at}${name}Pages" lists page ${page}, in a chunk of zeros, which a pack cannot hold`;
    seen.add(page);
  }
  if (pack.size !== pages.length * PAGE_BYTES)
    return `"${at}${name}Pack" must be the ${pages.length} pages of "${at}${name}Pages" (${pages.length * PAGE_BYTES} bytes), not ${pack.size} bytes`;
  return undefined;
}

/** The disk fields a snapshot is checked against. */
type ImageDisks = { kernel: BlobRef; disks: DiskManifest[] };

/**
 * What keeps a well-formed snapshot from being restored on `image`, by what can be checked
 * without hashing: its kernel, its number of disks, written pages past a disk's end.
 * (diskFingerprint() then tells the disks themselves apart: checkSnapshotFits().)
 */
export function snapshotImageProblem(s: SnapshotManifest, image: ImageDisks): string | undefined {
  if (s.kernel !== image.kernel.sha256)
    return `it was taken with another kernel (${s.kernel.slice(0, 12)}…, the image has ${image.kernel.sha256.slice(0, 12)}…)`;
  if (s.disks.length !== image.disks.length)
    return `it was taken with ${s.disks.length} disk(s), the image has ${image.disks.length}`;
  for (const [i, disk] of s.disks.entries()) {
    const pages = Math.ceil(image.disks[i].size / disk.pageSize);
    const last = disk.written.at(-1);
    if (last && last[0] >= pages)
      return `it wrote page ${last[0]} of disk ${i}, which has ${pages} pages of ${disk.pageSize} bytes`;
  }
  return undefined;
}

/**
 * The disk's fingerprint: the lower-case hex SHA-256 of the UTF-8 text
 * `JSON.stringify([size, chunkSize, chunks])` (no spaces; hashes lower-case, null for zero chunks).
 * Two disks with the same chunk list hold the same bytes, so a snapshot names its disks this way.
 */
export function diskFingerprint(disk: DiskManifest): Promise<string> {
  const text = JSON.stringify([disk.size, disk.chunkSize, disk.chunks]);
  return sha256Hex(new TextEncoder().encode(text));
}

/**
 * Throws `snapshot-disk-mismatch` unless `s` was taken on `image`: the same kernel and, disk by
 * disk, the same chunk lists. What a restore checks before any byte of the snapshot is used.
 */
export async function checkSnapshotFits(
  s: SnapshotManifest,
  image: ImageDisks & { name?: string },
): Promise<void> {
  const mismatch = (why: string) =>
    new ImageError(
      'snapshot-disk-mismatch',
      `the snapshot does not belong to the image${image.name ? ` ${image.name}` : ''}: ${why}; boot cold, or take the snapshot again on this image`,
    );
  const problem = snapshotImageProblem(s, image);
  if (problem) throw mismatch(problem);
  for (const [i, disk] of image.disks.entries())
    if ((await diskFingerprint(disk)) !== s.disks[i].fingerprint)
      throw mismatch(`it was taken on another disk ${i} (its chunk list differs)`);
}

/** Every distinct blob a snapshot names: its state, RAM chunks and written pages. */
export function snapshotBlobs(s: SnapshotManifest): BlobRef[] {
  const seen = new Map<string, BlobRef>([[s.state.sha256, s.state]]);
  if (s.workingSetPack) seen.set(s.workingSetPack.sha256, s.workingSetPack);
  if (s.warmPack) seen.set(s.warmPack.sha256, s.warmPack);
  const add = (sha256: string | null, size: number) => {
    if (sha256 && !seen.has(sha256)) seen.set(sha256, { sha256, size });
  };
  for (const sha256 of s.ram.chunks) add(sha256, s.ram.chunkSize);
  for (const disk of s.disks) for (const [, sha256] of disk.written) add(sha256, disk.pageSize);
  return [...seen.values()];
}
