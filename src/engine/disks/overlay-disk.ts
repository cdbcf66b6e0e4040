// A copy-on-write overlay: the guest writes into pages held in memory, and reads see those pages
// before the disk below, which is never written. The first write to a page copies that page up
// from below, so a partial write keeps the rest of the page.
import type { BlockBackend } from '../devices/virtio/block.js';

const PAGE = 4096;

export class OverlayDisk implements BlockBackend {
  readonly readOnly = false;
  private readonly pages = new Map<number, Uint8Array>();
  /** Pages of a restore still on their way (restorePagesLater): their reads and writes wait. */
  private readonly coming = new Map<number, Promise<unknown>>();
  /** Pages written since takeChanged() last ran (persistence saves only those). */
  private readonly changed = new Set<number>();
  /**
   * Called when the guest asks for its writes to be durable (a virtio flush): the request
   * completes when the promise does (src/engine/persist/ writes the changed pages).
   */
  onFlush?: () => Promise<void>;
  /** Called after each write (persistence stores what a flush left behind, a moment later). */
  onWrite?: () => void;

  constructor(private readonly below: BlockBackend) {}

  get size(): number {
    return this.below.size;
  }

  /**
   * The pages the guest wrote, by index (live: copy them before the guest runs on). Pages of a
   * restore still on their way are not among them: wait for arrived() first.
   */
  writtenPages(): Map<number, Uint8Array> {
    return new Map(this.pages);
  }

  /** Copies of the pages written since the last call, by index. */
  takeChanged(): Map<number, Uint8Array> {
    const taken = new Map<number, Uint8Array>();
    for (const index of this.changed) taken.set(index, this.pages.get(index)!.slice());
    this.changed.clear();
    return taken;
  }

  /** Forgets which pages changed (a save that stored them all). */
  forgetChanged(): void {
    this.changed.clear();
  }

  flush(): Promise<void> | void {
    return this.onFlush?.();
  }

  /** Puts back pages saved by writtenPages (a restored machine's disk writes). */
  restorePages(pages: Map<number, Uint8Array>): void {
    for (const [index, page] of pages) {
      this.checkIndex(index);
      if (page.length !== PAGE)
        throw new RangeError(
          `overlay page ${index} (${page.length} bytes) is not a page of this disk`,
        );
    }
    for (const [index, page] of pages) this.pages.set(index, page.slice());
  }

  /**
   * Puts back a restored machine's disk writes that are still being fetched, so that the machine
   * need not wait for them all before it runs: a read or write of one of these pages waits for
   * it, and fails with its error if it cannot be had (the restorer stops the machine then).
   */
  restorePagesLater(pages: Map<number, Promise<Uint8Array>>): void {
    for (const index of pages.keys()) this.checkIndex(index);
    for (const [index, page] of pages) {
      const arrival = page.then((bytes) => {
        if (bytes.length !== PAGE)
          throw new RangeError(`overlay page ${index} (${bytes.length} bytes) is not a page`);
        // A write of the guest's own cannot have come first: it waited for this page.
        this.pages.set(index, bytes.slice());
        this.coming.delete(index);
      });
      arrival.catch(() => {}); // seen by the read or write that waits for it, and arrived()
      this.coming.set(index, arrival);
    }
  }

  /** Resolves when every page of restorePagesLater is in (rejects if one cannot be had). */
  async arrived(): Promise<void> {
    await Promise.all(this.coming.values());
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index > Math.ceil(this.size / PAGE) - 1)
      throw new RangeError(`overlay page ${index} is not a page of this disk`);
  }

  /** The arrivals of pages first..last still on their way, if any. */
  private waitFor(first: number, last: number): Promise<unknown> | undefined {
    if (this.coming.size === 0) return undefined;
    const waits: Promise<unknown>[] = [];
    for (const [index, arrival] of this.coming)
      if (index >= first && index <= last) waits.push(arrival);
    return waits.length ? Promise.all(waits) : undefined;
  }

  read(offset: number, length: number): Uint8Array | Promise<Uint8Array> {
    const first = Math.floor(offset / PAGE);
    const last = Math.floor((offset + length - 1) / PAGE);
    const waiting = this.waitFor(first, last);
    if (waiting) return waiting.then(() => this.read(offset, length));
    let touched = false;
    for (let p = first; p <= last && !touched; p++) touched = this.pages.has(p);
    if (!touched) return this.below.read(offset, length);
    const merge = (base: Uint8Array): Uint8Array => {
      const out = base.slice();
      for (let p = first; p <= last; p++) {
        const page = this.pages.get(p);
        if (!page) continue;
        const from = Math.max(offset, p * PAGE);
        const to = Math.min(offset + length, (p + 1) * PAGE);
        out.set(page.subarray(from - p * PAGE, to - p * PAGE), from - offset);
      }
      return out;
    };
    // Pages written whole need nothing from below.
    let covered = true;
    for (let p = first; p <= last && covered; p++) covered = this.pages.has(p);
    if (covered) return merge(new Uint8Array(length));
    const base = this.below.read(offset, length);
    return base instanceof Promise ? base.then(merge) : merge(base);
  }

  write(offset: number, data: Uint8Array): void | Promise<void> {
    const first = Math.floor(offset / PAGE);
    const last = Math.floor((offset + data.length - 1) / PAGE);
    const waiting = this.waitFor(first, last);
    if (waiting) return waiting.then(() => this.write(offset, data));
    const copyUps: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      if (this.pages.has(p)) continue;
      const start = p * PAGE;
      const length = Math.min(PAGE, this.size - start);
      // A page the write covers whole needs no copy from below.
      if (offset <= start && offset + data.length >= start + length) {
        this.pages.set(p, new Uint8Array(PAGE));
        continue;
      }
      const base = this.below.read(start, length);
      const keep = (bytes: Uint8Array) => {
        // Another write may have copied this page up while the read was pending.
        if (this.pages.has(p)) return;
        const page = new Uint8Array(PAGE);
        page.set(bytes);
        this.pages.set(p, page);
      };
      if (base instanceof Promise) copyUps.push(base.then(keep));
      else keep(base);
    }
    const apply = () => {
      for (let p = first; p <= last; p++) {
        this.changed.add(p);
        const page = this.pages.get(p)!;
        const from = Math.max(offset, p * PAGE);
        const to = Math.min(offset + data.length, (p + 1) * PAGE);
        page.set(data.subarray(from - offset, to - offset), from - p * PAGE);
      }
      this.onWrite?.();
    };
    if (copyUps.length === 0) return apply();
    return Promise.all(copyUps).then(apply);
  }
}
