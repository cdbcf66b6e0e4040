// The host side of the hart: loads hart.wasm, gives it its memory and its bus, and exposes its
// state. The same code runs in a browser Worker and in Node.
import { Bus } from './bus.js';
import { GuestClock } from './guest-clock.js';
import { PAGE_SIZE, PageMap } from './page-map.js';
import { readDecoded } from './jit/instruction-decoder.js';
import {
  DEFAULT_THRESHOLD,
  MAX_UNITS,
  Translator,
  type JitOptions,
  type JitStats,
} from './jit/translator.js';

/** Why run() returned (the hart's STOP_* codes). */
export const enum StopReason {
  /** The instruction budget is spent. */
  Budget = 0,
  /** WFI with no interrupt pending: the host may sleep until one can be. */
  Wfi = 1,
  /** A device or a watched store asked for the host. */
  Yield = 2,
  /** ecall from S-mode while host calls are enabled (SBI in the host); pc is at the ecall. */
  HostCall = 3,
  /**
   * An access reached a page the page map marks missing (`hart.missingAddress`). The instruction
   * had no effect; once the page is filled and marked present, run() executes it again.
   */
  PageMissing = 4,
  /** An address is hot: the host translates it and runs on (Hart.run does, never returns it). */
  Translate = 5,
  /** Lock-step checking found a unit that disagrees with the interpreter (Hart.run throws). */
  Diff = 6,
}

/** Lock-step checking (JitOptions.lockstep) found translated code that disagrees with the interpreter. */
export class LockstepError extends Error {
  constructor(
    /** Guest pc where the unit started. */
    readonly unitPc: bigint,
    /** What differs, e.g. "x10: unit 0x5, interpreter 0x6". */
    readonly differences: string[],
  ) {
    super(
      `translated code at 0x${unitPc.toString(16)} disagrees with the interpreter: ${differences.join('; ')}`,
    );
    this.name = 'LockstepError';
  }
}

interface HartExports {
  reset(pcLo: number, pcHi: number): void;
  resume(): void;
  run(budget: number): number;
  decodeInto(raw: number): void;
  flushTranslations(): void;
  clearDirty(): void;
  [slot: string]: unknown;
}

/** Offsets of the hart state in linear memory, read from the module's exported globals. */
export interface HartLayout {
  X_REGS: number;
  F_REGS: number;
  PC: number;
  PRIV: number;
  MSTATUS: number;
  MIP_LINES: number;
  MTIME: number;
  STIMECMP: number;
  INSTRET: number;
  STOP_ON_STORE: number;
  HOST_CALLS: number;
  MMIO_DATA: number;
  RAM_BASE_SLOT: number;
  RAM_SIZE_SLOT: number;
  DECODE_SCRATCH: number;
  RAM: number;
  MHARTID: number;
  MCAUSE: number;
  MEPC: number;
  MTVAL: number;
  SATP: number;
  FCSR: number;
  MEDELEG: number;
  MIDELEG: number;
  MCOUNTEREN: number;
  SCOUNTEREN: number;
  MENVCFG: number;
  MIP: number;
  MIE: number;
  STOP_VALUE: number;
  PMPCFG: number;
  PMP_END: number;
  PAGE_MAP: number;
  TLB_READ: number;
  TLB_WRITE: number;
  JIT_TABLE: number;
  JIT_ENTRIES: number;
  JIT_DATA_KEY: number;
  JIT_RETIRED: number;
  JIT_EVENT: number;
  JIT_THRESHOLD: number;
  JIT_QUEUE: number;
  JIT_QUEUE_LENGTH: number;
  JIT_EXECUTED: number;
  JIT_CALLS: number;
  JIT_INVALIDATIONS: number;
  JIT_USED: number;
  JIT_LOCKSTEP: number;
  JIT_CONSUMED: number;
  JIT_DIFF_PC: number;
  LOCKSTEP_AFTER: number;
}

/** Table index of the first translated unit (below: the hart's own, if any). */
const FIRST_UNIT_SLOT = 16;

// A saved hart state: a header, then the state ranges of linear memory (cpu/layout.ts says which)
// in order. The version changes whenever those ranges do, so an old state is refused, not misread.
const STATE_MAGIC = 0x74726168; // "hart"
const STATE_VERSION = 1;
const STATE_HEADER = 8;

/** Where the hart's wasm is, as the bundler placed it. */
export const hartWasmUrl = new URL('./cpu/hart.wasm', import.meta.url);
let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles hart.wasm once per realm (Worker or Node process). */
export function compileHart(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    if (hartWasmUrl.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return WebAssembly.compile(await readFile(hartWasmUrl));
    }
    return WebAssembly.compileStreaming(fetch(hartWasmUrl));
  })();
  return compiled;
}

export interface HartOptions {
  /** Guest-physical address of RAM (the virt board: 0x8000_0000). */
  ramBase: number;
  /** Bytes of RAM, a multiple of 4 KiB. */
  ramSize: number;
  bus: Bus;
  /** Frequency of the time CSR, in Hz. */
  timebaseHz?: number;
  /** Clock in milliseconds; defaults to performance.now. */
  clock?: () => number;
  /** The translator: on by default; `false` or `{ enabled: false }` interprets everything. */
  jit?: boolean | JitOptions;
}

export const MAX_RAM = 2048 * 1024 * 1024 - 64 * 1024 * 1024; // what fits a 32-bit wasm memory with the hart's own state

export class Hart {
  readonly memory: WebAssembly.Memory;
  /** Guest RAM: byte 0 is guest-physical ramBase. */
  readonly ram: Uint8Array;
  readonly layout: HartLayout;
  readonly ramBase: number;
  readonly ramSize: number;
  private readonly exports: HartExports;
  private readonly u32: Uint32Array;
  private readonly u64: BigUint64Array;
  private readonly bytes: Uint8Array;
  private readonly clock: GuestClock;
  /** The time CSR's current value, in timebase ticks. */
  readonly now: () => number;
  /** Which pages of RAM are missing (lazy restore) or dirty; see page-map.ts. */
  readonly pageMap: PageMap;
  /** The translator, unless it is off. */
  private readonly translator?: Translator;

  private constructor(
    module: WebAssembly.Module,
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    table: WebAssembly.Table,
    options: HartOptions,
    clock: GuestClock,
  ) {
    this.clock = clock;
    this.now = clock.now;
    this.exports = instance.exports as unknown as HartExports;
    this.memory = memory;
    const layout = {} as Record<string, number>;
    for (const [name, value] of Object.entries(instance.exports)) {
      if (value instanceof WebAssembly.Global) layout[name] = value.value as number;
    }
    this.layout = layout as unknown as HartLayout;
    this.ramBase = options.ramBase;
    this.ramSize = options.ramSize;
    this.ram = new Uint8Array(memory.buffer, this.layout.RAM, options.ramSize);
    this.u32 = new Uint32Array(memory.buffer);
    this.u64 = new BigUint64Array(memory.buffer);
    this.bytes = new Uint8Array(memory.buffer);
    this.pageMap = new PageMap(
      new Uint8Array(memory.buffer, this.layout.PAGE_MAP, options.ramSize / PAGE_SIZE),
    );
    this.setSlot(this.layout.RAM_BASE_SLOT, BigInt(options.ramBase));
    this.setSlot(this.layout.RAM_SIZE_SLOT, BigInt(options.ramSize));
    this.exports.reset(options.ramBase >>> 0, Math.floor(options.ramBase / 2 ** 32));
    const jit: JitOptions =
      typeof options.jit === 'object' ? options.jit : { enabled: options.jit ?? true };
    const i32 = new Int32Array(memory.buffer);
    i32[this.layout.JIT_THRESHOLD / 4] = -1;
    if (jit.enabled ?? true) {
      this.translator = new Translator(
        {
          memory,
          table,
          firstSlot: FIRST_UNIT_SLOT,
          layout: this.layout,
          exports: this.exports,
          decode: (raw) => this.decode(raw),
          module,
        },
        jit,
      );
      i32[this.layout.JIT_THRESHOLD / 4] = jit.threshold ?? DEFAULT_THRESHOLD;
      const dropUnits = this.exports.dropUnits as (hostPage: number) => void;
      this.pageMap.onCodeWritten = (page) => dropUnits(this.layout.RAM + page * PAGE_SIZE);
      i32[this.layout.JIT_LOCKSTEP / 4] = jit.lockstep ? 1 : 0;
    }
  }

  /** What the translator has done, or undefined when it is off. */
  jitStats(): JitStats | undefined {
    return this.translator?.stats();
  }

  /**
   * Where the translated code in the cache starts, as RAM offsets, in the order it was
   * translated (none when the translator is off): kept with a snapshot (primeCode).
   */
  hotCode(): number[] {
    const ram = this.layout.RAM;
    return (this.translator?.hotEntries() ?? [])
      .map((host) => host - ram)
      .filter((offset) => offset >= 0 && offset < this.ramSize);
  }

  /**
   * Has the code at these RAM offsets (a snapshot's hotCode) translated now rather than once it
   * is hot again, between slices; only where its page is in RAM (a restore's missing pages would
   * be translated from their zeros): call it again when more pages have come. Returns how many
   * entries were taken.
   */
  primeCode(offsets: readonly number[]): number {
    if (!this.translator) return 0;
    const hosts = offsets
      .filter(
        (offset) =>
          Number.isInteger(offset) &&
          offset >= 0 &&
          offset < this.ramSize &&
          offset % 2 === 0 &&
          this.pageMap.firstMissing(offset - (offset % PAGE_SIZE), PAGE_SIZE) < 0,
      )
      .map((offset) => this.layout.RAM + offset);
    return this.translator.prime(hosts);
  }

  static async create(options: HartOptions): Promise<Hart> {
    const { ramSize, bus } = options;
    if (!Number.isInteger(ramSize) || ramSize <= 0 || ramSize % 4096 !== 0 || ramSize > MAX_RAM) {
      throw new RangeError(
        `RAM size must be a positive multiple of 4 KiB up to ${MAX_RAM / 2 ** 20} MiB, not ${ramSize}`,
      );
    }
    const module = await compileHart();
    const ramOffset = 0x400000; // checked against the module's RAM global below
    const pages = Math.ceil((ramOffset + ramSize + 65536) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const data = new Uint32Array(memory.buffer);
    let mmioData = 0; // set once the layout is known
    const timebaseMs = (options.timebaseHz ?? 10_000_000) / 1000;
    const clock = new GuestClock(options.clock ?? (() => performance.now()), timebaseMs);
    const now = clock.now;
    const imports = {
      host: {
        mmioRead: (pa: number, size: number) =>
          bus.read(pa >>> 0, size, data.subarray(mmioData, mmioData + 2)),
        mmioWrite: (pa: number, size: number) =>
          bus.write(pa >>> 0, size, data.subarray(mmioData, mmioData + 2)),
        time: () => now(),
      },
      env: { memory },
    };
    // Translated units are called through this table (cpu/hart.ts call_indirect); the hart's own
    // functions, if it has any in a table, sit below FIRST_UNIT_SLOT.
    const table = new WebAssembly.Table({
      element: 'anyfunc',
      initial: FIRST_UNIT_SLOT + MAX_UNITS,
      maximum: FIRST_UNIT_SLOT + MAX_UNITS,
    });
    const instance = await WebAssembly.instantiate(module, { ...imports, env: { memory, table } });
    const ram = (instance.exports.RAM as WebAssembly.Global).value as number;
    if (ram !== ramOffset)
      throw new Error(
        `hart.wasm places RAM at 0x${ram.toString(16)}, the host expected 0x${ramOffset.toString(16)}`,
      );
    mmioData = ((instance.exports.MMIO_DATA as WebAssembly.Global).value as number) / 4;
    return new Hart(module, instance, memory, table, options, clock);
  }

  /** Resets the hart to M-mode at `pc` with every register zero. RAM is kept. */
  reset(pc: number): void {
    this.exports.reset(pc >>> 0, Math.floor(pc / 2 ** 32));
    this.translator?.forget();
  }

  /**
   * Drops cached translations: after the guest's page tables changed behind its back, and after
   * pages were marked missing (the hart checks the page map only when it fills a TLB entry).
   */
  flushTranslations(): void {
    this.exports.flushTranslations();
  }

  /** After StopReason.PageMissing: the guest-physical address of the missing byte. */
  get missingAddress(): number {
    return this.slotNumber(this.layout.STOP_VALUE);
  }

  /** Clears every page's dirty bit; the hart marks each page again at its next write. */
  clearDirty(): void {
    this.exports.clearDirty();
  }

  /** Makes the time CSR (and so now()) continue from `ticks` from this moment. */
  setTime(ticks: number): void {
    this.clock.set(ticks);
    this.setSlot(this.layout.MTIME, BigInt(ticks));
  }

  /** The parts of linear memory a saved state holds, as [start, end) offsets. */
  private stateRanges(): [number, number][] {
    const l = this.layout;
    return [
      [0, l.STOP_ON_STORE],
      [l.MTIME, l.MTIME + 8],
      [l.PMPCFG, l.PMP_END],
    ];
  }

  private stateBytes(): number {
    return this.stateRanges().reduce((sum, [start, end]) => sum + end - start, STATE_HEADER);
  }

  /**
   * The hart's state as bytes: registers, pc, privilege, CSRs, interrupt lines, the reservation,
   * PMP and the time (now() at this moment). Not RAM, the page map, the caches, or the slots the
   * host configures (RAM placement, host calls, the watched store).
   */
  saveState(): Uint8Array {
    const out = new Uint8Array(this.stateBytes());
    const view = new DataView(out.buffer);
    view.setUint32(0, STATE_MAGIC, true);
    view.setUint32(4, STATE_VERSION, true);
    const bytes = new Uint8Array(this.memory.buffer);
    let at = STATE_HEADER;
    for (const [start, end] of this.stateRanges()) {
      out.set(bytes.subarray(start, end), at);
      if (start === this.layout.MTIME) {
        // The hart's own mtime only moves when it reads the clock; the state holds the time now.
        const time = Math.max(this.now(), this.slotNumber(this.layout.MTIME));
        view.setBigUint64(at, BigInt(time), true);
      }
      at += end - start;
    }
    return out;
  }

  /**
   * Puts back a state from saveState (of a hart with the same RAM placement): the caches are
   * emptied and the time continues from the saved time. Throws a RangeError, changing nothing,
   * when `state` is not a hart state of this version.
   */
  restoreState(state: Uint8Array): void {
    const expected = this.stateBytes();
    if (state.length !== expected)
      throw new RangeError(`a hart state is ${expected} bytes, this one is ${state.length}`);
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    if (view.getUint32(0, true) !== STATE_MAGIC || view.getUint32(4, true) !== STATE_VERSION)
      throw new RangeError(`not a hart state of version ${STATE_VERSION}`);
    const bytes = new Uint8Array(this.memory.buffer);
    let at = STATE_HEADER;
    for (const [start, end] of this.stateRanges()) {
      bytes.set(state.subarray(at, at + end - start), start);
      at += end - start;
    }
    this.exports.resume();
    this.translator?.forget();
    this.setTime(this.slotNumber(this.layout.MTIME));
  }

  /**
   * Runs up to `budget` instructions. Hot code is translated on the way (StopReason.Translate is
   * handled here); throws a LockstepError when lock-step checking finds a difference.
   */
  run(budget: number): StopReason {
    let left = budget;
    for (;;) {
      const reason = this.exports.run(left) as StopReason;
      if (reason === StopReason.Translate) {
        left -= this.u32[this.layout.JIT_CONSUMED / 4];
        this.translator!.flush(true);
        if (left > 0) continue;
        return StopReason.Budget;
      }
      if (this.translator?.ready) this.translator.flush(false);
      if (reason === StopReason.Diff) throw this.lockstepError();
      return reason;
    }
  }

  private lockstepError(): LockstepError {
    const unit = this.layout.LOCKSTEP_AFTER / 8;
    const names = (offset: number) => {
      if (offset < 32) return `x${offset}`;
      if (offset < 64) return `f${offset - 32}`;
      if (offset === this.layout.PC / 8) return 'pc';
      return `state+0x${(offset * 8).toString(16)}`;
    };
    const differences: string[] = [];
    for (let k = 0; k < this.layout.STOP_ON_STORE / 8; k++)
      if (this.u64[unit + k] !== this.u64[k])
        differences.push(
          `${names(k)}: unit 0x${this.u64[unit + k].toString(16)}, interpreter 0x${this.u64[k].toString(16)}`,
        );
    if (differences.length === 0) differences.push('the memory it stored to');
    return new LockstepError(this.slot(this.layout.JIT_DIFF_PC), differences);
  }

  slot(offset: number): bigint {
    return this.u64[offset / 8];
  }

  setSlot(offset: number, value: bigint): void {
    this.u64[offset / 8] = BigInt.asUintN(64, value);
  }

  /** A 64-bit slot as a number, for values known to fit in 53 bits (addresses, counters). */
  slotNumber(offset: number): number {
    return this.u32[offset / 4] + this.u32[offset / 4 + 1] * 2 ** 32;
  }

  get pc(): bigint {
    return this.slot(this.layout.PC);
  }

  set pc(value: bigint) {
    this.setSlot(this.layout.PC, value);
  }

  get privilege(): number {
    return this.u32[this.layout.PRIV / 4];
  }

  /** Sets the privilege level directly (firmware handing over to a kernel); 0 U, 1 S, 3 M. */
  set privilege(level: number) {
    this.u32[this.layout.PRIV / 4] = level;
    this.exports.resume(); // recompute the translation keys for the new privilege
    this.translator?.forget();
  }

  x(index: number): bigint {
    return this.slot(this.layout.X_REGS + index * 8);
  }

  setX(index: number, value: bigint): void {
    if (index !== 0) this.setSlot(this.layout.X_REGS + index * 8, value);
  }

  f(index: number): bigint {
    return this.slot(this.layout.F_REGS + index * 8);
  }

  get instret(): bigint {
    return this.slot(this.layout.INSTRET);
  }

  /** Makes run() return (StopReason.Yield) after any store to guest-physical `address`; 0 disables. */
  stopOnStore(address: number): void {
    this.setSlot(this.layout.STOP_ON_STORE, BigInt(address));
  }

  /** Drives the interrupt lines that devices own in mip (MEIP, SEIP, MTIP, MSIP). */
  setInterruptLines(bits: number): void {
    this.u32[this.layout.MIP_LINES / 4] = bits;
  }

  /** Decodes one instruction word into the hart's scratch entry and returns its fields. */
  decode(raw: number): DecodedInstruction {
    this.exports.decodeInto(raw >>> 0);
    return readDecoded(this.bytes, this.layout.DECODE_SCRATCH);
  }

  /** Reads guest-physical memory, or undefined outside RAM. */
  readPhysical(address: number, length: number): Uint8Array | undefined {
    const offset = address - this.ramBase;
    if (offset < 0 || offset + length > this.ramSize) return undefined;
    return this.ram.subarray(offset, offset + length);
  }
}

export interface DecodedInstruction {
  raw: number;
  op: number;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  rm: number;
  length: number;
  imm: number;
}
