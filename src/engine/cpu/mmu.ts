// Memory: address translation (Sv39/Sv48), the TLBs, and every load, store and fetch.
//
// Fast path: a direct-mapped TLB per access kind whose entry holds (tag, host addend), so a hit is
// one compare and one add, and the access is a plain wasm load/store into guest RAM. The tag is
// the virtual page number xor a key made of the effective privilege and mstatus.SUM/MXR, so a
// change of privilege selects other entries instead of flushing. Only satp writes and sfence.vma
// flush. Misses, device (MMIO) accesses and accesses that cross a page go through the slow path.
// Faults are reported in `fault`/`faultCause`/`faultTval`, never thrown.
//
// The page map (layout.ts PAGE_MAP) is consulted wherever a slow path reaches RAM: a MISSING page
// (not restored from a snapshot yet) is reported like a fault, with `missing` set, so every unwind
// path that already undoes a faulting instruction undoes this one too; the executor then stops
// instead of trapping. A write marks its page DIRTY, and a page enters the write TLB only through
// such a write, so the fast paths need no check: the host flushes the TLBs after marking pages
// missing, and clearDirty() flushes the write TLB.
import * as L from './layout';
import {
  csr, priv, U, S, M,
  MSTATUS_MPRV, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR,
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
  CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE,
} from './state';

@external("host", "mmioRead") declare function hostMmioRead(pa: u32, size: u32): u32;
@external("host", "mmioWrite") declare function hostMmioWrite(pa: u32, size: u32): u32;

// Answers of the host's device handlers.
const MMIO_OK: u32 = 0;
const MMIO_FAULT: u32 = 1;
const MMIO_YIELD: u32 = 2; // done, and the host wants run() to return soon (e.g. poweroff)

export const ACCESS_FETCH: u32 = 0;
export const ACCESS_LOAD: u32 = 1;
export const ACCESS_STORE: u32 = 2;

export let fault = false;
/** Set together with `fault` or `yieldRequested`, so the executor tests one flag after an access. */
export let event = false;
export let faultCause: u64 = 0;
export let faultTval: u64 = 0;
/** Set when a device or a watched store asks run() to return to the host. */
export let yieldRequested = false;
/** Set together with `fault` when the access reached a MISSING page; the instruction has no effect. */
export let missing = false;
/** Guest-physical address of the first missing byte of the last such access. */
export let missingAddress: u64 = 0;

/** Key mixed into TLB tags for loads/stores and for fetches (see top of file). */
export let dataKey: u64 = 0;
export let fetchKey: u64 = 0;

let ramBase: u64 = 0;
let ramEnd: u64 = 0;
let ramHostMinusBase: u64 = 0;

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
const PPN_MASK: u64 = (<u64>1 << 44) - 1;

export function setRam(base: u64, size: u64): void {
  ramBase = base;
  ramEnd = base + size;
  ramHostMinusBase = <u64>L.RAM - base;
}

@inline export function inRam(pa: u64, size: u64): bool {
  return pa >= ramBase && pa + size <= ramEnd && pa + size > pa;
}

@inline export function hostOf(pa: u64): usize {
  return <usize>(pa + ramHostMinusBase);
}

@inline function raise(cause: u64, tval: u64): void {
  fault = true;
  event = true;
  faultCause = cause;
  faultTval = tval;
}

/**
 * Whether the RAM page holding `pa` is missing; if so, reports it like a fault so that the
 * instruction unwinds, with `missing` set so that the executor stops instead of trapping.
 * `pa` must be in RAM.
 */
@inline function stopIfMissing(pa: u64): bool {
  if ((load<u8>(pageMapEntry(pa)) & L.PAGE_MISSING) == 0) return false;
  fault = true;
  event = true;
  missing = true;
  missingAddress = pa;
  return true;
}

@inline function pageMapEntry(pa: u64): usize {
  return L.PAGE_MAP + <usize>((pa - ramBase) >> 12);
}

/**
 * Marks the RAM page holding `pa` written. `pa` must be in RAM. A page holding translated code
 * loses its translations first (the write may change the instructions they were made from), and
 * the executor is told (`event`), so a unit that stored into its own page returns at once.
 */
@inline function markDirty(pa: u64): void {
  const entry = pageMapEntry(pa);
  const bits = load<u8>(entry);
  if ((bits & L.PAGE_CODE) != 0) {
    dropUnits(hostOf(pa & ~0xfff));
    store<u64>(L.JIT_INVALIDATIONS, load<u64>(L.JIT_INVALIDATIONS) + 1);
    event = true;
  }
  store<u8>(entry, (bits | L.PAGE_DIRTY) & ~L.PAGE_CODE);
}

/**
 * Forgets every translated unit that starts in the page at `hostPage`: each of the page's 2048
 * possible starts, in every way of its bucket.
 * The host's code cache finds the dropped units when it next recycles their table slots.
 */
export function dropUnits(hostPage: usize): void {
  for (let at: usize = 0; at < 0x1000; at += 2) {
    const bucket = L.jitBucket(hostPage + at);
    for (let way: usize = 0; way < <usize>L.JIT_WAYS; way++) {
      const slot = bucket + (way << 3);
      if (load<u32>(slot) == <u32>(hostPage + at)) store<u64>(slot, 0);
    }
  }
}

/**
 * Marks the page at `hostPage` as holding translated code: it leaves the write TLB, so every store
 * to it takes the slow path, which drops the translations (markDirty).
 */
export function protectCode(hostPage: usize): void {
  const entry = L.PAGE_MAP + ((hostPage - L.RAM) >> 12);
  store<u8>(entry, load<u8>(entry) | L.PAGE_CODE);
  const vpnMask: u64 = (<u64>1 << 56) - 1; // a tag is vpn ^ key, and keys live above bit 56
  for (let k: usize = 0; k < <usize>L.TLB_ENTRIES; k++) {
    const slot = L.TLB_WRITE + (k << 4);
    const tag = load<u64>(slot);
    if (tag == ~<u64>0) continue;
    if (<usize>(load<u64>(slot + 8) + ((tag & vpnMask) << 12)) == hostPage) store<u64>(slot, ~<u64>0);
  }
}

/** Lock-step checking: every RAM store is journalled and no page enters the write TLB. */
export let journaling = false;
export let journalLength: u32 = 0;
/** Device accesses so far (lock-step checking skips units that reached a device: no replay). */
export let deviceAccesses: u32 = 0;

export function setJournaling(on: bool): void {
  journaling = on;
  if (on) {
    journalLength = 0;
    memory.fill(L.TLB_WRITE, 0xff, L.TLB_BYTES);
  }
}

/**
 * Records the doubleword at `host` before a store changes it. A unit stores at most a few hundred
 * times between checks (hart.ts gives it a small budget), far fewer than the journal holds.
 */
export function journal(host: usize): void {
  if (journalLength >= L.JOURNAL_ENTRIES) return;
  const at = L.JOURNAL + <usize>journalLength * L.JOURNAL_ENTRY;
  store<u64>(at, host);
  store<u64>(at + 8, load<u64>(host));
  journalLength++;
}

/** Records, beside each journalled doubleword, what it holds now. */
export function journalResults(): void {
  for (let k: u32 = 0; k < journalLength; k++) {
    const at = L.JOURNAL + <usize>k * L.JOURNAL_ENTRY;
    store<u64>(at + 16, load<u64>(<usize>load<u64>(at)));
  }
}

/** Whether every journalled doubleword holds again what journalResults() recorded. */
export function journalResultsHold(): bool {
  for (let k: u32 = 0; k < journalLength; k++) {
    const at = L.JOURNAL + <usize>k * L.JOURNAL_ENTRY;
    if (load<u64>(<usize>load<u64>(at)) != load<u64>(at + 16)) return false;
  }
  return true;
}

/** Puts back what the journal recorded, newest first. The entries stay for journalResultsHold. */
export function undoJournal(): void {
  for (let k = <i32>journalLength - 1; k >= 0; k--) {
    const at = L.JOURNAL + <usize>k * L.JOURNAL_ENTRY;
    store<u64>(<usize>load<u64>(at), load<u64>(at + 8));
  }
}

/** Sets the events an access left (lock-step checking puts back those of the unit it replayed). */
export function setEvents(f: bool, e: bool, y: bool, m: bool, cause: u64, tval: u64): void {
  fault = f;
  event = e;
  yieldRequested = y;
  missing = m;
  faultCause = cause;
  faultTval = tval;
}

/** Clears every DIRTY bit and empties the write TLB, so the next store to each page marks it again. */
export function clearDirty(): void {
  const words = <usize>(((ramEnd - ramBase) >> 12) + 7) >> 3; // the map's bytes past RAM are unused
  const keep = ~(<u64>L.PAGE_DIRTY * 0x0101010101010101);
  for (let k: usize = 0; k < words; k++) {
    const at = L.PAGE_MAP + (k << 3);
    store<u64>(at, load<u64>(at) & keep);
  }
  memory.fill(L.TLB_WRITE, 0xff, L.TLB_BYTES);
}

/** Raises a synchronous exception from outside the memory system (illegal instruction, ecall...). */
export function raiseFault(cause: u64, tval: u64): void {
  raise(cause, tval);
}

export function clearEvents(): void {
  fault = false;
  yieldRequested = false;
  missing = false;
  event = false;
}

@inline function requestYield(): void {
  yieldRequested = true;
  event = true;
}

/** Privilege used for loads and stores: MPP when mstatus.MPRV is set in M-mode. */
@inline function dataPriv(): u32 {
  const p = priv();
  const ms = csr(L.MSTATUS);
  if (p == M && (ms & MSTATUS_MPRV) != 0) return <u32>((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
  return p;
}

/** Recomputes the TLB keys; call after any change of privilege, satp, MPRV, MPP, SUM or MXR. */
export function updateKeys(): void {
  const ms = csr(L.MSTATUS);
  const bits = ((ms >> 18) & 3) << 2; // SUM, MXR
  dataKey = (<u64>dataPriv() | bits | 16) << 56;
  fetchKey = (<u64>priv() | 16) << 56;
  store<u64>(L.JIT_DATA_KEY, dataKey);
}

export function flushTlb(): void {
  memory.fill(L.TLB_READ, 0xff, L.TLB_BYTES * 3);
}

@inline function tlbSlot(tlb: usize, tag: u64): usize {
  return tlb + ((<usize>tag & (L.TLB_ENTRIES - 1)) << 4);
}

// ---- translation

/**
 * Translates `va` for `access` at privilege `p` (privileged ISA, "Virtual Address Translation
 * Process", 4.3.2). Sets accessed/dirty bits in the PTE. Returns the physical address, or sets
 * the fault and returns 0.
 */
export function translate(va: u64, access: u32, p: u32): u64 {
  const satp = csr(L.SATP);
  const mode = satp >> 60;
  if (p == M || mode == 0) return va;
  const levels: u32 = mode == 8 ? 3 : 4;
  const pageFault = access == ACCESS_FETCH ? CAUSE_FETCH_PAGE : access == ACCESS_LOAD ? CAUSE_LOAD_PAGE : CAUSE_STORE_PAGE;
  const accessFault = access == ACCESS_FETCH ? CAUSE_FETCH_ACCESS : access == ACCESS_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
  // Bits above the top of the virtual address must equal its top bit.
  const vaBits: u64 = 12 + 9 * <u64>levels;
  if (<u64>((<i64>(va << (64 - vaBits))) >> (64 - vaBits)) != va) {
    raise(pageFault, va);
    return 0;
  }
  let a: u64 = (satp & PPN_MASK) << 12;
  let i: i32 = <i32>levels - 1;
  let pte: u64 = 0;
  let pteAddr: u64 = 0;
  while (true) {
    pteAddr = a + (((va >> (12 + 9 * <u64>i)) & 0x1ff) << 3);
    if (!inRam(pteAddr, 8)) {
      raise(accessFault, va);
      return 0;
    }
    if (stopIfMissing(pteAddr)) return 0;
    pte = load<u64>(hostOf(pteAddr));
    // Bits 63:54 are reserved without Svnapot/Svpbmt and must be zero; W without R is reserved.
    if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte >> 54) != 0) {
      raise(pageFault, va);
      return 0;
    }
    if ((pte & (PTE_R | PTE_X)) != 0) break; // leaf
    i--;
    if (i < 0) {
      raise(pageFault, va);
      return 0;
    }
    a = ((pte >> 10) & PPN_MASK) << 12;
  }
  // Permission checks on the leaf.
  const ms = csr(L.MSTATUS);
  if ((pte & PTE_U) != 0) {
    if (p == S && (access == ACCESS_FETCH || (ms & MSTATUS_SUM) == 0)) {
      raise(pageFault, va);
      return 0;
    }
  } else if (p == U) {
    raise(pageFault, va);
    return 0;
  }
  let allowed: bool;
  if (access == ACCESS_FETCH) allowed = (pte & PTE_X) != 0;
  else if (access == ACCESS_LOAD) allowed = (pte & PTE_R) != 0 || ((ms & MSTATUS_MXR) != 0 && (pte & PTE_X) != 0);
  else allowed = (pte & PTE_W) != 0;
  if (!allowed) {
    raise(pageFault, va);
    return 0;
  }
  const ppn = (pte >> 10) & PPN_MASK;
  const superMask: u64 = (<u64>1 << (9 * <u64>i)) - 1;
  if ((ppn & superMask) != 0) { // misaligned superpage
    raise(pageFault, va);
    return 0;
  }
  // Hardware updating of A and D (the spec allows it; the update is atomic on one hart). If the
  // data page then turns out missing, the bits stay set: the instruction runs again with the same
  // access once the page is in, so the guest cannot tell.
  let update = pte | PTE_A;
  if (access == ACCESS_STORE) update |= PTE_D;
  if (update != pte) {
    if (journaling) journal(hostOf(pteAddr));
    store<u64>(hostOf(pteAddr), update);
    markDirty(pteAddr);
  }
  const offsetBits: u64 = 12 + 9 * <u64>i;
  const offsetMask: u64 = (<u64>1 << offsetBits) - 1;
  return ((ppn << 12) & ~offsetMask) | (va & offsetMask);
}

// ---- slow paths

/** Loads `size` bytes (1, 2, 4, 8) zero-extended, through translation, for any alignment. */
export function loadSlow(va: u64, size: u32): u64 {
  if (((<u32>va & 0xfff) + size) > 0x1000) {
    // Crosses a page: byte by byte, so a fault reports the address of the part that faulted.
    let v: u64 = 0;
    for (let k: u32 = 0; k < size; k++) {
      const b = loadSlow(va + k, 1);
      if (fault) return 0;
      v |= b << (8 * <u64>k);
    }
    return v;
  }
  const p = dataPriv();
  const pa = translate(va, ACCESS_LOAD, p);
  if (fault) return 0;
  if (inRam(pa, size)) {
    if (stopIfMissing(pa)) return 0;
    const vpn = va >> 12;
    const slot = tlbSlot(L.TLB_READ, vpn);
    store<u64>(slot, vpn ^ dataKey);
    store<u64>(slot + 8, (pa & ~0xfff) + ramHostMinusBase - (va & ~0xfff));
    return loadHost(hostOf(pa), size);
  }
  return mmioLoad(pa, size, va);
}

function mmioLoad(pa: u64, size: u32, va: u64): u64 {
  if (pa >> 32 != 0) {
    raise(CAUSE_LOAD_ACCESS, va);
    return 0;
  }
  store<u64>(L.MMIO_DATA, 0);
  deviceAccesses++;
  const answer = hostMmioRead(<u32>pa, size);
  event = true; // a device may have changed an interrupt line: the executor re-checks
  if (answer == MMIO_FAULT) {
    raise(CAUSE_LOAD_ACCESS, va);
    return 0;
  }
  if (answer == MMIO_YIELD) requestYield();
  const v = load<u64>(L.MMIO_DATA);
  return size == 8 ? v : v & ((<u64>1 << (8 * <u64>size)) - 1);
}

@inline function loadHost(host: usize, size: u32): u64 {
  if (size == 8) return load<u64>(host);
  if (size == 4) return <u64>load<u32>(host);
  if (size == 2) return <u64>load<u16>(host);
  return <u64>load<u8>(host);
}

@inline function storeHost(host: usize, size: u32, v: u64): void {
  if (size == 8) store<u64>(host, v);
  else if (size == 4) store<u32>(host, <u32>v);
  else if (size == 2) store<u16>(host, <u16>v);
  else store<u8>(host, <u8>v);
}

/**
 * Translates a store of `size` bytes within one page and checks that the page is not missing;
 * for a page-crossing store the caller checks both pages first.
 */
function translateStore(va: u64, size: u32): u64 {
  const p = dataPriv();
  const pa = translate(va, ACCESS_STORE, p);
  if (fault) return 0;
  if (inRam(pa, size) && stopIfMissing(pa)) return 0;
  return pa;
}

/** Stores the low `size` bytes of `v`, through translation, for any alignment. */
export function storeSlow(va: u64, size: u32, v: u64): void {
  if (((<u32>va & 0xfff) + size) > 0x1000) {
    // Crosses a page: translate both parts before writing either, so a fault leaves memory as it was.
    // A fault on the second page reports where that part starts (privileged ISA, mtval:
    // "the virtual address of the portion of the access that caused the fault").
    translateStore(va, 1);
    if (fault) return;
    translateStore((va + size - 1) & ~<u64>0xfff, 1);
    if (fault) return;
    for (let k: u32 = 0; k < size; k++) {
      storeSlow(va + k, 1, v >> (8 * <u64>k));
      if (fault) return;
    }
    return;
  }
  const pa = translateStore(va, size);
  if (fault) return;
  if (inRam(pa, size)) {
    const page = pa & ~0xfff;
    const stopAt = load<u64>(L.STOP_ON_STORE);
    const reserved = load<u64>(L.RESERVATION_VALID) != 0 ? load<u64>(L.RESERVATION) : 0;
    if (reserved != 0 && pa < reserved + 8 && pa + size > reserved) store<u64>(L.RESERVATION_VALID, 0);
    markDirty(pa); // before the write TLB entry, so that a page in the write TLB is always marked
    if (journaling) journal(hostOf(pa));
    // Pages that must see every store stay out of the write TLB.
    if (page != (stopAt & ~0xfff) && page != (reserved & ~0xfff) && !journaling) {
      const vpn = va >> 12;
      const slot = tlbSlot(L.TLB_WRITE, vpn);
      store<u64>(slot, vpn ^ dataKey);
      store<u64>(slot + 8, page + ramHostMinusBase - (va & ~0xfff));
    }
    storeHost(hostOf(pa), size, v);
    if (stopAt != 0 && pa <= stopAt && pa + size > stopAt) requestYield();
    return;
  }
  if (pa >> 32 != 0) {
    raise(CAUSE_STORE_ACCESS, va);
    return;
  }
  store<u64>(L.MMIO_DATA, v);
  deviceAccesses++;
  const answer = hostMmioWrite(<u32>pa, size);
  event = true; // a device may have changed an interrupt line: the executor re-checks
  if (answer == MMIO_FAULT) raise(CAUSE_STORE_ACCESS, va);
  else if (answer == MMIO_YIELD) requestYield();
}

// ---- fast paths (inlined into the executor)

@inline export function load8(va: u64): u64 {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_READ, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey)) return <u64>load<u8>(<usize>(load<u64>(slot + 8) + va));
  return loadSlow(va, 1);
}
@inline export function load16(va: u64): u64 {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_READ, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xffe) return <u64>load<u16>(<usize>(load<u64>(slot + 8) + va));
  return loadSlow(va, 2);
}
@inline export function load32(va: u64): u64 {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_READ, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xffc) return <u64>load<u32>(<usize>(load<u64>(slot + 8) + va));
  return loadSlow(va, 4);
}
@inline export function load64(va: u64): u64 {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_READ, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xff8) return load<u64>(<usize>(load<u64>(slot + 8) + va));
  return loadSlow(va, 8);
}

@inline export function store8(va: u64, v: u64): void {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_WRITE, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey)) store<u8>(<usize>(load<u64>(slot + 8) + va), <u8>v);
  else storeSlow(va, 1, v);
}
@inline export function store16(va: u64, v: u64): void {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_WRITE, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xffe) store<u16>(<usize>(load<u64>(slot + 8) + va), <u16>v);
  else storeSlow(va, 2, v);
}
@inline export function store32(va: u64, v: u64): void {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_WRITE, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xffc) store<u32>(<usize>(load<u64>(slot + 8) + va), <u32>v);
  else storeSlow(va, 4, v);
}
@inline export function store64(va: u64, v: u64): void {
  const vpn = va >> 12;
  const slot = tlbSlot(L.TLB_WRITE, vpn);
  if (load<u64>(slot) == (vpn ^ dataKey) && (<u32>va & 0xfff) <= 0xff8) store<u64>(<usize>(load<u64>(slot + 8) + va), v);
  else storeSlow(va, 8, v);
}

/**
 * Translates a read-modify-write (AMO, SC) address for a store: returns the host address in RAM,
 * or 0 with the fault set (AMOs on devices are not supported: store access fault). Marks the page
 * dirty, even for an SC that then fails: a dirty page is one that may have been written.
 */
export function amoHost(va: u64, size: u32): usize {
  const pa = translateStore(va, size);
  if (fault) return 0;
  if (!inRam(pa, size)) {
    raise(CAUSE_STORE_ACCESS, va);
    return 0;
  }
  markDirty(pa);
  if (journaling) journal(hostOf(pa));
  return hostOf(pa);
}

/** Physical address of a load (for LR), or 0 with the fault set. */
export function loadPhys(va: u64, size: u32): u64 {
  const pa = translate(va, ACCESS_LOAD, dataPriv());
  if (fault) return 0;
  if (!inRam(pa, size)) {
    raise(CAUSE_LOAD_ACCESS, va);
    return 0;
  }
  if (stopIfMissing(pa)) return 0;
  return pa;
}

/** Drops the write-TLB entry of `va` so stores to its page take the slow path (LR reservations). */
export function evictWrite(va: u64): void {
  const vpn = va >> 12;
  store<u64>(tlbSlot(L.TLB_WRITE, vpn), ~<u64>0);
}

// ---- instruction fetch

/**
 * Host address of the page holding `pc` for fetching, filled into the fetch TLB; 0 with the fault
 * set when the page is not executable RAM (or `missing` too when it is not restored yet). The
 * executor caches the result per page.
 */
export function fetchPage(pc: u64): usize {
  const vpn = pc >> 12;
  const slot = tlbSlot(L.TLB_FETCH, vpn);
  if (load<u64>(slot) == (vpn ^ fetchKey)) return <usize>(load<u64>(slot + 8) + (pc & ~0xfff));
  const pa = translate(pc & ~0xfff, ACCESS_FETCH, priv());
  if (fault) {
    faultTval = pc;
    return 0;
  }
  if (!inRam(pa, 0x1000)) {
    raise(CAUSE_FETCH_ACCESS, pc);
    return 0;
  }
  if (stopIfMissing(pa | (pc & 0xfff))) return 0;
  store<u64>(slot, vpn ^ fetchKey);
  store<u64>(slot + 8, pa + ramHostMinusBase - (pc & ~0xfff));
  return hostOf(pa);
}
