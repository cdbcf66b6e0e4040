// Finding, writing and compiling units on another thread. Scanning and writing a unit's code
// (unit-scan.ts, unit-compiler.ts) costs about 0.4 ms of JavaScript, several times what the
// engine's compiler then takes, and the guest would wait meanwhile. So where the host has another
// thread (a Worker of the engine's Worker in the browser, the idle main thread in Node), the
// hart's thread only copies the pages of the hot entries and posts them; the other thread scans
// them with the hart's own decoder (instruction-decoder.ts), writes the module, compiles it and
// posts the compiled WebAssembly.Module back, which the hart's thread instantiates against its
// memory. Without such a thread (tests, bare-metal runs) the translator does all of it itself.
import type { DecodedInstruction } from '../hart.js';
import { instructionDecoder, memoisedDecoder } from './instruction-decoder.js';
import { compileUnit, unitModule, type UnitLayout } from './unit-compiler.js';
import { scanUnit, type ScannedUnit } from './unit-scan.js';

/** One module's worth of units to find, write and compile. */
export interface CodegenRequest {
  id: number;
  /** The compiled hart.wasm, whose decoder the codegen thread uses. */
  hart: WebAssembly.Module;
  /** Copies of the pages the units are on, 4 KiB each, by their host address. */
  pages: Map<number, Uint8Array>;
  /** Host addresses of the units' entries. */
  entries: number[];
  layout: UnitLayout;
  /** The hart memory's size in 64 KiB pages (the module imports it). */
  memoryPages: number;
}

export interface CompiledUnits {
  /** Undefined when no entry could start a unit. */
  module: WebAssembly.Module | undefined;
  bytes: number;
  /**
   * The entries the module holds: function u`k` is entered at the host addresses `entries[k]`
   * (all on one page); the others cannot start a unit, but for `crowdedOut`.
   */
  entries: number[][];
  /** Entries left out of a full unit (unit-scan.ts), to be translated in a later batch. */
  crowdedOut: number[];
}

export type CodegenReply = ({ id: number } & CompiledUnits) | { id: number; error: string };

/**
 * Scans one unit per page from `hosts` (host addresses of hot entries, grouped by page in the
 * order their pages first appear); `read(page, offset)` gives an instruction halfword of the page
 * at host address `page`. Returns the units and, for each, the host addresses it is entered at.
 */
export function scanPages(
  hosts: number[],
  read: (page: number, offset: number) => number,
  decode: (raw: number) => DecodedInstruction,
): { units: ScannedUnit[]; entries: number[][]; crowdedOut: number[] } {
  const pages = new Map<number, number[]>();
  for (const host of hosts) {
    const page = host & ~0xfff;
    const offsets = pages.get(page);
    if (offsets) offsets.push(host & 0xfff);
    else pages.set(page, [host & 0xfff]);
  }
  const units: ScannedUnit[] = [];
  const entries: number[][] = [];
  const crowdedOut: number[] = [];
  for (const [page, offsets] of pages) {
    const unit = scanUnit(offsets, (offset) => read(page, offset), decode);
    if (!unit) continue;
    units.push(unit);
    entries.push(unit.entries.map((offset) => page + offset));
    crowdedOut.push(...unit.crowdedOut.map((offset) => page + offset));
  }
  return { units, entries, crowdedOut };
}

/** The bytes of one module holding `units` as its functions u0, u1… */
export function writeModule(
  units: ScannedUnit[],
  layout: UnitLayout,
  memoryPages: number,
): Uint8Array {
  return unitModule(
    units.map((unit) => compileUnit(unit, layout)),
    memoryPages,
  );
}

/**
 * This thread's decoder, from the hart module of its first request, kept with its memo of decoded
 * bits. Every request of a thread comes from one build of hart.wasm (a page and its Workers, or
 * the command-line tool and its worker threads), but each arrives as a new copy of the module
 * (a message clones it), so its identity cannot tell: comparing it rebuilt the decoder, and lost
 * the memo, for every batch.
 */
let decoding: ((raw: number) => DecodedInstruction) | undefined;

function decoderFor(hart: WebAssembly.Module): (raw: number) => DecodedInstruction {
  decoding ??= memoisedDecoder(instructionDecoder(hart));
  return decoding;
}

/** The codegen thread's side: scans the units, writes their module and compiles it. */
export async function serveCodegen(request: CodegenRequest): Promise<CodegenReply> {
  try {
    const decode = decoderFor(request.hart);
    const views = new Map<number, DataView>();
    for (const [page, bytes] of request.pages)
      views.set(page, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const { units, entries, crowdedOut } = scanPages(
      request.entries,
      (page, offset) => views.get(page)!.getUint16(offset, true),
      decode,
    );
    if (units.length === 0)
      return { id: request.id, module: undefined, bytes: 0, entries, crowdedOut };
    const code = writeModule(units, request.layout, request.memoryPages);
    const module = await WebAssembly.compile(code as BufferSource);
    return { id: request.id, module, bytes: code.length, entries, crowdedOut };
  } catch (error) {
    return { id: request.id, error: String((error as Error)?.message ?? error) };
  }
}

/** How a translator reaches a codegen thread. */
export interface Codegen {
  /** Finds, writes and compiles one module of units; rejects if the thread cannot. */
  compile(request: Omit<CodegenRequest, 'id'>): Promise<CompiledUnits>;
}

/**
 * The hart thread's side of a codegen thread, over any message port: `post` sends a request, and
 * the host hands each reply to `receive`. When the thread fails (`fail`), pending and later
 * requests reject, and the translator writes its units itself from then on.
 */
export class CodegenClient implements Codegen {
  private readonly pending = new Map<
    number,
    { resolve: (r: CompiledUnits) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(private readonly post: (request: CodegenRequest) => void) {}

  compile(request: Omit<CodegenRequest, 'id'>): Promise<CompiledUnits> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.post({ ...request, id });
      } catch (error) {
        this.pending.delete(id);
        reject(error as Error);
      }
    });
  }

  receive(reply: CodegenReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (!waiting) return;
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else
      waiting.resolve({
        module: reply.module,
        bytes: reply.bytes,
        entries: reply.entries,
        crowdedOut: reply.crowdedOut,
      });
  }

  fail(error: Error): void {
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
