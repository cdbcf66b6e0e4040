// Guest RAM restored lazily from a snapshot: every stored chunk starts MISSING in the page map,
// and is fetched (verified, through the same BlobFetcher and service-worker cache as disk chunks)
// when the guest or a device first touches it; the hart stops on the instruction and runs it again
// once the chunk is in. Chunks of zeros are not stored and are present from the start (fresh RAM
// is zero). The working set's pages may come first, page by page, from one pack; a chunk that
// arrives later fills only its pages still missing, so it never overwrites what the guest has
// written since. The order in which the guest first needed chunks (and, when recording, pages) is
// kept: stored with a snapshot as its working set, the next restore has it before it runs.
import type { RamLoader } from '../board/virt-machine.js';
import { ImageError } from '../image/image-error.js';
import { PAGE_DIRTY, PAGE_MISSING, PAGE_SHIFT, PAGE_SIZE, type PageMap } from '../page-map.js';

/** Fetches the blob `sha256` of `size` bytes, verified; `urgent` when the guest waits for it. */
export type ChunkSource = (sha256: string, size: number, urgent?: boolean) => Promise<Uint8Array>;

export class LazyRam implements RamLoader {
  /** Chunk indices in the order the guest first needed them (prefetches not counted). */
  readonly touched: number[] = [];
  /** When recording pages: page indices in the order the guest first needed them. */
  readonly touchedPages: number[] = [];
  /**
   * Recording a working set: a touch fills only its own page, so that the next touch of another
   * page of the chunk is seen too (slower; for the image builder's trial restore).
   */
  recordPages = false;
  private readonly fetched = new Map<number, Uint8Array>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly arrived = new Set<number>();
  /** Pages of a pack still on its way, and the pack's filling: a touch of one waits for it. */
  private readonly comingInPack = new Map<number, Promise<void>>();
  private failure: { error: unknown } | undefined;
  private failureListener: (error: unknown) => void = () => {};

  /**
   * Called with the error of every chunk that could not be had (the host stops the machine), and
   * of anything else of the snapshot that comes after the machine runs (fail()). Set after a
   * failure, it hears the first one at once: a prefetch may fail before the host listens.
   */
  set onFailure(listener: (error: unknown) => void) {
    this.failureListener = listener;
    if (this.failure) listener(this.failure.error);
  }

  /** Reports a part of the snapshot that could not be had (see onFailure). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.failureListener(error);
  }

  constructor(
    private readonly ram: Uint8Array,
    private readonly pages: PageMap,
    readonly chunkSize: number,
    /** Per chunk of RAM: the SHA-256 of its content, or null for zeros. */
    readonly chunks: readonly (string | null)[],
    private readonly source: ChunkSource,
  ) {
    if (chunks.length * chunkSize !== ram.length)
      throw new ImageError(
        'snapshot-corrupt',
        `the snapshot lists ${chunks.length} RAM chunks of ${chunkSize} bytes for ${ram.length} bytes of RAM; take the snapshot again`,
      );
    chunks.forEach((sha256, index) => {
      if (sha256) this.pages.markMissing(index * chunkSize, chunkSize);
    });
  }

  /** Whether chunk `index` is in RAM. */
  present(index: number): boolean {
    return !this.chunks[index] || this.arrived.has(index);
  }

  fill(offset: number): Promise<void> {
    const index = Math.floor(offset / this.chunkSize);
    if (this.present(index)) {
      // A page the map says is missing inside a chunk that arrived: a caller's mistake, and
      // retrying would loop for ever.
      return this.pages.firstMissing(offset, 1) < 0
        ? Promise.resolve()
        : Promise.reject(
            new Error(`RAM offset 0x${offset.toString(16)} is missing but not in the snapshot`),
          );
    }
    if (!this.touched.includes(index)) this.touched.push(index);
    if (this.recordPages) return this.fillPage(index, offset);
    const pack = this.comingInPack.get(offset >>> PAGE_SHIFT);
    if (pack)
      // Its chunk as well would fetch the same page twice, and hold up the pack that brings the
      // pages the guest needs next. If the pack fails, the chunk.
      return pack.then(() =>
        this.pages.firstMissing(offset, 1) < 0 ? undefined : this.load(index, true),
      );
    return this.load(index, true);
  }

  /**
   * A pack (see fillFromPack) on its way: its pages are filled when it comes, and a touch of one
   * of them meanwhile waits for it rather than fetching the page's chunk. If it cannot be had,
   * its pages come chunk by chunk as they are touched. Resolves once it is in (or given up).
   */
  expectPack(pages: readonly number[], pack: Promise<Uint8Array>): Promise<void> {
    const filled = pack
      .then((bytes) => this.fillFromPack(pages, bytes))
      .catch(() => {})
      .finally(() => pages.forEach((page) => this.comingInPack.delete(page)));
    for (const page of pages)
      if (page >= 0 && this.pages.firstMissing(page * PAGE_SIZE, PAGE_SIZE) >= 0)
        this.comingInPack.set(page, filled);
    return filled;
  }

  private async fillPage(index: number, offset: number): Promise<void> {
    const page = offset >>> PAGE_SHIFT;
    this.touchedPages.push(page);
    let bytes = this.fetched.get(index);
    if (!bytes) {
      bytes = await this.source(this.chunks[index]!, this.chunkSize, true);
      this.fetched.set(index, bytes);
    }
    const at = page * PAGE_SIZE - index * this.chunkSize;
    if (this.pages.firstMissing(page * PAGE_SIZE, PAGE_SIZE) < 0) return;
    this.ram.set(bytes.subarray(at, at + PAGE_SIZE), page * PAGE_SIZE);
    this.pages.markPresent(page * PAGE_SIZE, PAGE_SIZE);
  }

  /** Starts fetching `indices` (a working set) so that the guest finds them in RAM. */
  prefetch(indices: readonly number[]): void {
    for (const index of indices)
      if (index >= 0 && index < this.chunks.length && !this.present(index))
        // A failure is reported when the guest needs the chunk (fill), not here.
        this.load(index).catch(() => {});
  }

  /**
   * Puts the pages of a working-set pack into RAM: `pack` holds RAM pages `pages` (4 KiB each)
   * one after another. The pack was verified as a whole against its name, which the snapshot's
   * manifest gives with the page list.
   */
  fillFromPack(pages: readonly number[], pack: Uint8Array): void {
    if (pack.length !== pages.length * PAGE_SIZE)
      throw new ImageError(
        'snapshot-corrupt',
        `the working-set pack holds ${pack.length} bytes for ${pages.length} pages; take the snapshot again`,
      );
    pages.forEach((page, i) => {
      // A slot not to be used (SKIPPED_PAGE): the page changed since the pack was made.
      if (page < 0) return;
      const offset = page * PAGE_SIZE;
      if (this.pages.firstMissing(offset, PAGE_SIZE) < 0) return;
      this.ram.set(pack.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), offset);
      this.pages.markPresent(offset, PAGE_SIZE);
    });
  }

  /**
   * Fetches the chunks the guest wrote into while some of their pages are still missing (a pack
   * brought the pages it wrote): a save names a written chunk by its whole content.
   */
  async loadWritten(): Promise<void> {
    const perChunk = this.chunkSize / PAGE_SIZE;
    const loads: Promise<void>[] = [];
    for (let index = 0; index < this.chunks.length; index++) {
      if (this.present(index)) continue;
      let bits = 0;
      for (let page = index * perChunk; page < (index + 1) * perChunk; page++)
        bits |= this.pages.bytes[page];
      if (bits & PAGE_DIRTY && bits & PAGE_MISSING) loads.push(this.load(index));
    }
    await Promise.all(loads);
  }

  /** Fetches every chunk not in yet (before saving a copy that must stand alone). */
  async loadAll(): Promise<void> {
    await Promise.all(
      this.chunks.map((_, index) => (this.present(index) ? undefined : this.load(index))),
    );
  }

  private load(index: number, urgent = false): Promise<void> {
    const sha256 = this.chunks[index]!;
    let loading = this.inFlight.get(index);
    if (loading) {
      // A prefetch the guest now waits for goes before the others.
      if (urgent) void this.source(sha256, this.chunkSize, true).catch(() => {});
      return loading;
    }
    loading = this.source(sha256, this.chunkSize, urgent)
      .then((bytes) => {
        // Only the pages still missing: those a pack brought may have been written since.
        const first = index * this.chunkSize;
        for (let at = 0; at < this.chunkSize; at += PAGE_SIZE) {
          if (this.pages.firstMissing(first + at, PAGE_SIZE) < 0) continue;
          this.ram.set(bytes.subarray(at, at + PAGE_SIZE), first + at);
          this.pages.markPresent(first + at, PAGE_SIZE);
        }
        this.arrived.add(index);
      })
      .catch((error: unknown) => {
        this.inFlight.delete(index); // a later touch tries again
        const failure =
          error instanceof ImageError && error.code === 'chunk-hash-mismatch'
            ? new ImageError(
                'snapshot-chunk-mismatch',
                `RAM chunk ${index} of the snapshot does not hash to its name (${sha256}): the snapshot's files are damaged; boot cold, or rebuild the image`,
              )
            : error;
        this.fail(failure);
        throw failure;
      });
    this.inFlight.set(index, loading);
    return loading;
  }
}
