// The page map: one byte per 4 KiB page of guest RAM, in the hart's linear memory (layout.ts
// PAGE_MAP), read by the hart where it reaches RAM (TLB fills, page-table walks) and by the host
// where devices do (DMA, guest-memory.ts). One map serves three ideas:
//   - lazy restore: a MISSING page has not been fetched from its snapshot yet; touching it stops
//     the hart (StopReason.PageMissing) or the device until the host has filled it;
//   - dirty tracking: a DIRTY page was written since the host last cleared the bit (the hart sets
//     it when it fills a write TLB entry, devices when they write by DMA);
//   - code invalidation (the translator, jit/): a page holding translated code is marked CODE; a
//     write to it, by the hart or by DMA, drops the translations and the mark.
// Zero means "present, clean, no code": a fresh machine needs no set-up.

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** The page is not in RAM yet: its content is still in the snapshot. */
export const PAGE_MISSING = 1;
/** The page was written since the bit was last cleared. */
export const PAGE_DIRTY = 2;
/** The page holds code the translator has translated (jit/). */
export const PAGE_CODE = 4;

/** A missing page was reached by a device; the access must be retried once the page is in. */
export class PageMissingError extends Error {
  constructor(
    /** Guest-physical address of the first missing byte. */
    readonly address: number,
  ) {
    super(`guest page at 0x${address.toString(16)} is not restored yet`);
    this.name = 'PageMissingError';
  }
}

/** The host's view of the map: `bytes[i]` describes RAM bytes [i·4096, (i+1)·4096). */
export class PageMap {
  /** Called for a page (index) marked CODE that a device writes, before it loses the mark. */
  onCodeWritten?: (page: number) => void;

  constructor(readonly bytes: Uint8Array) {}

  /** The offset in RAM of the first missing page in [offset, offset + length), or -1. */
  firstMissing(offset: number, length: number): number {
    if (length <= 0) return -1;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let page = offset >>> PAGE_SHIFT; page <= last; page++)
      if (this.bytes[page] & PAGE_MISSING) return page << PAGE_SHIFT;
    return -1;
  }

  /** Marks [offset, offset + length) present (its content is now in RAM). */
  markPresent(offset: number, length: number): void {
    this.clear(offset, length, PAGE_MISSING);
  }

  /** Marks [offset, offset + length) missing. The hart's TLBs must be flushed after. */
  markMissing(offset: number, length: number): void {
    this.set(offset, length, PAGE_MISSING);
  }

  /** Marks [offset, offset + length) written (device DMA); pages of translated code lose it. */
  markDirty(offset: number, length: number): void {
    if (length <= 0) return;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let page = offset >>> PAGE_SHIFT; page <= last; page++) {
      if (this.bytes[page] & PAGE_CODE) {
        this.onCodeWritten?.(page);
        this.bytes[page] &= ~PAGE_CODE;
      }
      this.bytes[page] |= PAGE_DIRTY;
    }
  }

  /** Whether any page is missing. */
  get anyMissing(): boolean {
    return this.bytes.some((b) => (b & PAGE_MISSING) !== 0);
  }

  private set(offset: number, length: number, bit: number): void {
    if (length <= 0) return;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let page = offset >>> PAGE_SHIFT; page <= last; page++) this.bytes[page] |= bit;
  }

  private clear(offset: number, length: number, bit: number): void {
    if (length <= 0) return;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let page = offset >>> PAGE_SHIFT; page <= last; page++) this.bytes[page] &= ~bit;
  }
}
