// Writing and compiling units in another thread. Writing a unit's code (unit-compiler.ts) costs
// the hart's thread about 0.4 ms, several times what the engine's compiler then takes, and the
// guest waits meanwhile. So where the host can start a thread (a nested Worker in the browser,
// a worker thread in Node), the hart's thread only scans each unit (unit-scan.ts) and posts the
// scans; the codegen thread writes the module, compiles it and posts the compiled
// WebAssembly.Module back, which the hart's thread instantiates against its memory. Without a
// codegen thread (tests, bare-metal runs) the translator writes and compiles in its own thread.
import { compileUnit, unitModule, type UnitLayout } from './unit-compiler.js';
import type { ScannedUnit } from './unit-scan.js';

/** One module's worth of units to write and compile. */
export interface CodegenRequest {
  id: number;
  units: ScannedUnit[];
  layout: UnitLayout;
  /** The hart memory's size in 64 KiB pages (the module imports it). */
  memoryPages: number;
}

export type CodegenReply =
  { id: number; module: WebAssembly.Module; bytes: number } | { id: number; error: string };

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

/** The codegen thread's side: answers one request. */
export async function serveCodegen(request: CodegenRequest): Promise<CodegenReply> {
  try {
    const code = writeModule(request.units, request.layout, request.memoryPages);
    const module = await WebAssembly.compile(code as BufferSource);
    return { id: request.id, module, bytes: code.length };
  } catch (error) {
    return { id: request.id, error: String((error as Error)?.message ?? error) };
  }
}

/** How a translator reaches a codegen thread. */
export interface Codegen {
  /** Writes and compiles one module of `units`; rejects if the thread cannot. */
  compile(
    units: ScannedUnit[],
    layout: UnitLayout,
    memoryPages: number,
  ): Promise<{ module: WebAssembly.Module; bytes: number }>;
}

/**
 * The hart thread's side of a codegen thread, over any message port: `post` sends a request, and
 * the host hands each reply to `receive`. When the thread fails (`fail`), pending and later
 * requests reject, and the translator writes its units itself from then on.
 */
export class CodegenClient implements Codegen {
  private readonly pending = new Map<
    number,
    {
      resolve: (r: { module: WebAssembly.Module; bytes: number }) => void;
      reject: (e: Error) => void;
    }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(private readonly post: (request: CodegenRequest) => void) {}

  compile(
    units: ScannedUnit[],
    layout: UnitLayout,
    memoryPages: number,
  ): Promise<{ module: WebAssembly.Module; bytes: number }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.post({ id, units, layout, memoryPages });
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
    else waiting.resolve(reply);
  }

  fail(error: Error): void {
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
