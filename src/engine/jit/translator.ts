// The translator: the hart queues addresses entered often enough (JIT_QUEUE); between two slices
// the translator has the unit at each scanned (unit-scan.ts), written as the functions of one
// module (unit-compiler.ts) and compiled, on the codegen thread when the host has one
// (codegen.ts), else here with the engine compiling off the thread; the guest runs on in the
// interpreter meanwhile. It instantiates the module against the hart's memory and runtime and
// hands each function to the hart through the code cache. With a threshold of zero (tests) it
// compiles at once, synchronously, so translated code runs from the first entry.
import type { DecodedInstruction } from '../hart.js';
import { CodeCache } from './code-cache.js';
import type { Codegen } from './codegen.js';
import { scanPages, writeModule } from './codegen.js';
import { memoisedDecoder } from './instruction-decoder.js';
import { RUNTIME, type UnitLayout } from './unit-compiler.js';

export interface JitOptions {
  /** Translate hot code (default true). */
  enabled?: boolean;
  /** Entries of an address before it is translated (default 5000; 0 translates at first sight, synchronously). */
  threshold?: number;
  /** Memory budget of the code cache in bytes (default 32 MiB). */
  cacheBytes?: number;
  /**
   * Run every unit against the interpreter and stop at the first difference (a testing mode,
   * many times slower).
   */
  lockstep?: boolean;
  /**
   * A thread that writes and compiles units (codegen.ts); without it, this thread does. Units
   * compiled at once (threshold 0) and in lock-step mode are always written here.
   */
  codegen?: Codegen;
}

export interface JitStats {
  /** Units translated since the machine started (one per page of hot entries in a batch). */
  unitsCompiled: number;
  /** The hot entries they are entered at. */
  entriesCompiled: number;
  /** Of those, units written and compiled in a codegen thread (codegen.ts). */
  unitsOffThread: number;
  /**
   * Milliseconds spent on them: scanning and writing in this thread, plus the wall time of the
   * engine's compilation off the thread.
   */
  compileMs: number;
  /** Guest instructions retired in translated code. */
  translatedInstructions: number;
  /** Calls into translated code (translatedInstructions / unitCalls: instructions per call). */
  unitCalls: number;
  /** Units dropped to stay within the budget. */
  evictions: number;
  /** Pages of translated code written by the guest (their units dropped); DMA writes not counted. */
  invalidations: number;
  /** Entries of an address before it is translated, now (it rises under eviction pressure). */
  threshold: number;
  /** Units in the cache now, and the bytes they are estimated to take. */
  residentUnits: number;
  residentBytes: number;
}

export const DEFAULT_THRESHOLD = 5000;
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
/** Most units scanned and written in one call of Translator.flush (about 0.1 ms each). */
export const MAX_BATCH = 48;
/** The fewest evictions that double the threshold. */
const MIN_EVICTIONS_PER_RAISE = 16;
/** The most the threshold rises under eviction pressure, as a multiple of the first. */
const MAX_THRESHOLD_RAISE = 16;
/** Most units resident at once (function-table slots). */
export const MAX_UNITS = 8192;

export interface TranslatorHart {
  memory: WebAssembly.Memory;
  table: WebAssembly.Table;
  /** Table index of the first slot for units. */
  firstSlot: number;
  layout: UnitLayout & {
    RAM: number;
    JIT_TABLE: number;
    JIT_ENTRIES: number;
    JIT_EXECUTED: number;
    JIT_CALLS: number;
    JIT_INVALIDATIONS: number;
    JIT_USED: number;
    JIT_QUEUE: number;
    JIT_QUEUE_LENGTH: number;
    JIT_THRESHOLD: number;
  };
  exports: Record<string, unknown>;
  decode(raw: number): DecodedInstruction;
  /** The compiled hart.wasm: the codegen thread decodes with an instance of it. */
  module: WebAssembly.Module;
}

export class Translator {
  private readonly cache: CodeCache;
  private readonly runtime: Record<string, unknown>;
  private readonly view: DataView;
  private readonly protect: (hostPage: number) => void;
  private readonly memoryPages: number;
  /** The batch each queued address was last scanned in: only that batch may install it. */
  private readonly scannedIn = new Map<number, number>();
  private batches = 0;
  private inFlight = false;
  /** Where units are found, written and compiled off this thread; undefined: here. */
  private codegen: Codegen | undefined;
  /** What units import: the hart's memory and its runtime functions (unit-compiler.ts RUNTIME). */
  private readonly imports: WebAssembly.Imports;
  unitsCompiled = 0;
  entriesCompiled = 0;
  unitsOffThread = 0;
  private readonly baseThreshold: number;
  /** The hart's decoder, its answers kept by instruction bits. */
  private readonly decode: (raw: number) => DecodedInstruction;
  /** Evictions when the threshold was last raised (see crowded()). */
  private evictionsSeen = 0;
  compileMs = 0;
  /**
   * Entries to translate before the guest makes them hot (prime()): what was translated when a
   * snapshot was taken, for the restored machine. Taken after what the hart queued, a batch at a
   * time.
   */
  private primed: number[] = [];

  constructor(
    private readonly hart: TranslatorHart,
    options: JitOptions,
  ) {
    this.view = new DataView(hart.memory.buffer);
    this.decode = memoisedDecoder((raw) => hart.decode(raw));
    this.baseThreshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.codegen = options.lockstep ? undefined : options.codegen;
    this.memoryPages = hart.memory.buffer.byteLength / 65536;
    this.runtime = Object.fromEntries(RUNTIME.map((f) => [f.name, hart.exports[f.name]]));
    this.imports = {
      env: { memory: hart.memory },
      hart: this.runtime as WebAssembly.ModuleImports,
    };
    this.protect = hart.exports.protectCode as (hostPage: number) => void;
    this.cache = new CodeCache(
      hart.table,
      hart.firstSlot,
      MAX_UNITS,
      options.cacheBytes ?? DEFAULT_CACHE_BYTES,
      (host, slot) => {
        const entry = this.entry(host);
        if (entry >= 0 && this.view.getInt32(entry + 4, true) === slot)
          this.view.setBigUint64(entry, 0n, true);
      },
      new Uint8Array(hart.memory.buffer, hart.layout.JIT_USED, hart.firstSlot + MAX_UNITS),
    );
  }

  /** Where the entries of `host` may be: its bucket of four ways (cpu/layout.ts jitBucket). */
  private bucket(host: number): number {
    const l = this.hart.layout;
    return l.JIT_TABLE + ((((host >>> 1) ^ (host >>> 15)) & (l.JIT_ENTRIES / WAYS - 1)) << 5);
  }

  /** The hart's entry for `host`, or -1 if it has none. */
  private entry(host: number): number {
    const bucket = this.bucket(host);
    for (let way = 0; way < WAYS; way++)
      if (this.view.getUint32(bucket + way * 8, true) === host) return bucket + way * 8;
    return -1;
  }

  /** Whether the hart has queued addresses (or some are primed) and no batch is being compiled. */
  get ready(): boolean {
    return (
      !this.inFlight &&
      (this.view.getUint32(this.hart.layout.JIT_QUEUE_LENGTH, true) > 0 || this.primed.length > 0)
    );
  }

  /**
   * The entries of the units in the cache, in the order they were installed (by slot, which the
   * cache hands out in turn): what a snapshot keeps, so that a restore can prime() them.
   */
  hotEntries(): number[] {
    const l = this.hart.layout;
    const found: [slot: number, host: number][] = [];
    for (let entry = l.JIT_TABLE; entry < l.JIT_TABLE + l.JIT_ENTRIES * 8; entry += 8) {
      const slot = this.view.getInt32(entry + 4, true);
      if (slot > 0) found.push([slot, this.view.getUint32(entry, true)]);
    }
    return found.sort(([a], [b]) => a - b).map(([, host]) => host);
  }

  /**
   * Has the entries at `hosts` translated before they are hot, a batch between two slices, the
   * guest running on meanwhile: those of a restored snapshot (hotEntries() when it was taken),
   * so that what the guest ran then runs translated from the start. The caller vouches that
   * their pages are in RAM (a page still missing would be translated from its zeros). An entry
   * already translated or queued, or with no room in its bucket, is left as it is. Returns how
   * many were taken.
   */
  prime(hosts: readonly number[]): number {
    let taken = 0;
    for (const host of hosts) {
      let entry = this.entry(host);
      if (entry < 0) {
        // A free way of its bucket (host 0: never used, as the hart's lookup sees it).
        const bucket = this.bucket(host);
        for (let way = 0; way < WAYS && entry < 0; way++)
          if (this.view.getUint32(bucket + way * 8, true) === 0) entry = bucket + way * 8;
        if (entry < 0) continue;
        this.view.setUint32(entry, host, true);
      } else if (this.view.getInt32(entry + 4, true) > 0) continue; // translated
      if (this.view.getInt32(entry + 4, true) === NEVER) continue; // queued, or untranslatable
      // Queued, as the hart marks what it queues: until the unit is installed, or a store to its
      // page drops it.
      this.view.setInt32(entry + 4, NEVER, true);
      this.primed.push(host);
      taken++;
    }
    return taken;
  }

  /**
   * Translates the queued addresses: at once when `now`, else compiled off the thread and handed
   * to the hart when done (a later slice). An address that cannot start a unit stays marked so
   * (JIT_NEVER) until its page is written.
   */
  flush(now: boolean): void {
    const l = this.hart.layout;
    const started = performance.now();
    // At most MAX_BATCH per call, so that one call is a short task (input and output go on
    // between slices); the rest stay queued, moved to the front.
    const queued = this.view.getUint32(l.JIT_QUEUE_LENGTH, true);
    const count = Math.min(queued, MAX_BATCH);
    const queue = new Uint32Array(this.hart.memory.buffer, l.JIT_QUEUE, queued);
    const hostsQueued = Array.from(queue.subarray(0, count));
    queue.copyWithin(0, count);
    this.view.setUint32(l.JIT_QUEUE_LENGTH, queued - count, true);
    // Then primed entries, those still queued (a store to the page since drops the mark).
    while (hostsQueued.length < MAX_BATCH && this.primed.length > 0) {
      const host = this.primed.shift()!;
      const entry = this.entry(host);
      if (entry >= 0 && this.view.getInt32(entry + 4, true) === NEVER) hostsQueued.push(host);
    }
    if (hostsQueued.length === 0) return;
    const batch = ++this.batches;
    if (!now && this.codegen) return this.flushElsewhere(this.codegen, hostsQueued, batch, started);
    const {
      units,
      entries: hosts,
      crowdedOut,
    } = scanPages(
      hostsQueued,
      (page, offset) => this.view.getUint16(page + offset, true),
      this.decode,
    );
    this.recount(crowdedOut);
    for (const unitHosts of hosts) {
      // From the scan on, a store to the page drops the unit (cpu/mmu.ts markDirty), before or
      // after it is installed.
      this.protect(unitHosts[0] & ~0xfff);
      for (const host of unitHosts) this.scannedIn.set(host, batch);
    }
    if (hosts.length === 0) {
      this.compileMs += performance.now() - started;
      return;
    }
    const code = writeModule(units, l, this.memoryPages);
    if (now) {
      const instance = new WebAssembly.Instance(
        new WebAssembly.Module(code as BufferSource),
        this.imports,
      );
      this.install(instance, hosts, batch, code.length);
      this.compileMs += performance.now() - started;
      return;
    }
    this.compileMs += performance.now() - started;
    this.inFlight = true;
    const compiling = performance.now();
    WebAssembly.instantiate(code as BufferSource, this.imports).then(
      ({ instance }) => {
        this.inFlight = false;
        this.compileMs += performance.now() - compiling;
        this.install(instance, hosts, batch, code.length);
      },
      () => {
        this.inFlight = false; // the addresses stay JIT_NEVER: interpreted
      },
    );
  }

  /**
   * Has the codegen thread find, write and compile the units at `hosts`: it gets copies of their
   * pages, which are protected now, so that a store from here on drops what is built from them.
   */
  private flushElsewhere(codegen: Codegen, hosts: number[], batch: number, started: number): void {
    const pages = new Map<number, Uint8Array>();
    for (const host of hosts) {
      const page = host & ~0xfff;
      if (!pages.has(page)) {
        pages.set(page, new Uint8Array(this.hart.memory.buffer.slice(page, page + 0x1000)));
        this.protect(page);
      }
      this.scannedIn.set(host, batch);
    }
    this.compileMs += performance.now() - started;
    this.inFlight = true;
    const compiling = performance.now();
    codegen
      .compile({
        hart: this.hart.module,
        pages,
        entries: hosts,
        layout: this.hart.layout,
        memoryPages: this.memoryPages,
      })
      .then(
        ({ module, bytes, entries, crowdedOut }) => {
          this.inFlight = false;
          this.recount(crowdedOut.filter((host) => this.scannedIn.get(host) === batch));
          if (module) {
            const instance = new WebAssembly.Instance(module, this.imports);
            this.unitsOffThread += this.install(instance, entries, batch, bytes);
          }
          this.compileMs += performance.now() - compiling;
        },
        () => {
          // The thread is gone: this batch stays interpreted (JIT_NEVER), later ones are
          // found and written here.
          this.inFlight = false;
          this.codegen = undefined;
        },
      );
  }

  /**
   * Has the hart count the entries at `hosts` again (those still queued: JIT_NEVER), so that they
   * are queued again once hot: they were crowded out of a full unit (unit-scan.ts).
   */
  private recount(hosts: number[]): void {
    for (const host of hosts) {
      this.scannedIn.delete(host);
      const entry = this.entry(host);
      if (entry >= 0 && this.view.getInt32(entry + 4, true) === NEVER)
        this.view.setInt32(entry + 4, 0, true);
    }
  }

  /**
   * Hands a batch's units to the hart (unit k at the host addresses `hosts[k]`), but not at the
   * addresses whose page was written since the scan; returns how many units it installed.
   */
  private install(
    instance: WebAssembly.Instance,
    hosts: number[][],
    batch: number,
    bytes: number,
  ): number {
    let installed = 0;
    hosts.forEach((unitHosts, k) => {
      const entries: number[] = [];
      const live = unitHosts.filter((host) => {
        if (this.scannedIn.get(host) !== batch) return false; // scanned again since
        this.scannedIn.delete(host);
        const entry = this.entry(host);
        // Still queued (JIT_NEVER): not dropped by a store to its page (mmu.ts dropUnits).
        if (entry < 0 || this.view.getInt32(entry + 4, true) !== NEVER) return false;
        entries.push(entry);
        return true;
      });
      if (live.length === 0) return;
      const slot = this.cache.add(instance.exports[`u${k}`], live, bytes / hosts.length);
      for (const entry of entries) this.view.setInt32(entry + 4, slot, true);
      this.unitsCompiled++;
      this.entriesCompiled += live.length;
      installed++;
    });
    this.crowded();
    return installed;
  }

  /**
   * When the hot code does not fit the budget, translating more only evicts what was translated
   * a moment ago (gcc: 6,677 units compiled, 6,012 evicted): each time a quarter of the units the
   * cache holds (at least MIN_EVICTIONS_PER_RAISE) has been evicted, the entry threshold doubles,
   * up to MAX_THRESHOLD_RAISE times what it was, so that the cache keeps the hottest code instead
   * of churning. A threshold of zero (tests) stays.
   */
  private crowded(): void {
    const perRaise = Math.max(MIN_EVICTIONS_PER_RAISE, this.cache.units >> 2);
    if (this.cache.evictions - this.evictionsSeen < perRaise) return;
    this.evictionsSeen = this.cache.evictions;
    const at = this.hart.layout.JIT_THRESHOLD;
    const threshold = this.view.getInt32(at, true);
    if (threshold > 0 && threshold < this.baseThreshold * MAX_THRESHOLD_RAISE)
      this.view.setInt32(at, threshold * 2, true);
  }

  /** Drops every unit (the hart has just forgotten them: RAM was replaced). */
  forget(): void {
    this.primed = [];
    this.cache.clear();
    this.scannedIn.clear();
    this.batches++;
  }

  stats(): JitStats {
    return {
      unitsCompiled: this.unitsCompiled,
      entriesCompiled: this.entriesCompiled,
      unitsOffThread: this.unitsOffThread,
      compileMs: this.compileMs,
      translatedInstructions: Number(this.view.getBigUint64(this.hart.layout.JIT_EXECUTED, true)),
      unitCalls: Number(this.view.getBigUint64(this.hart.layout.JIT_CALLS, true)),
      evictions: this.cache.evictions,
      invalidations: Number(this.view.getBigUint64(this.hart.layout.JIT_INVALIDATIONS, true)),
      threshold: this.view.getInt32(this.hart.layout.JIT_THRESHOLD, true),
      residentUnits: this.cache.units,
      residentBytes: this.cache.bytes,
    };
  }
}

/** cpu/layout.ts JIT_WAYS. */
const WAYS = 4;
/** cpu/layout.ts JIT_NEVER: not translatable, or queued. */
const NEVER = -(2 ** 31);
