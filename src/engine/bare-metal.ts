// Runs a bare-metal RISC-V program: the ELF is loaded at its physical addresses, the hart starts
// in M-mode at the entry point, and the program ends by storing to its `tohost` symbol (the HTIF
// convention of ISA test suites: 1 = pass, (n << 1) | 1 = failure of case n).
import { Bus } from './bus.js';
import { disassemble } from './disassemble.js';
import { parseElf } from './elf.js';
import { Hart } from './hart.js';
import type { JitOptions, JitStats } from './jit/translator.js';

export const BARE_METAL_RAM_BASE = 0x8000_0000;

export interface BareMetalOptions {
  /** Stop after this many instructions. */
  maxInstructions?: number;
  /** RAM size in bytes (default 64 MiB). */
  ramSize?: number;
  /** Called before each instruction with a line of trace (pc, raw bits, disassembly). */
  trace?: (line: string) => void;
  /** The translator (default on; see HartOptions.jit). */
  jit?: boolean | JitOptions;
}

export type BareMetalResult =
  | { outcome: 'pass'; instructions: bigint; jit?: JitStats }
  | { outcome: 'fail'; testCase: number; instructions: bigint; jit?: JitStats }
  | { outcome: 'limit'; instructions: bigint; pc: bigint; jit?: JitStats }
  | { outcome: 'error'; message: string };

const SLICE = 1 << 20;

export async function runBareMetal(
  file: Uint8Array,
  options: BareMetalOptions = {},
): Promise<BareMetalResult> {
  const elf = parseElf(file);
  const ramSize = options.ramSize ?? 64 * 1024 * 1024;
  const tohost = elf.symbols.get('tohost');
  if (tohost === undefined)
    return {
      outcome: 'error',
      message: 'the program has no `tohost` symbol to report its result through',
    };
  const hart = await Hart.create({
    ramBase: BARE_METAL_RAM_BASE,
    ramSize,
    bus: new Bus(),
    jit: options.trace ? false : options.jit,
  });
  for (const segment of elf.segments) {
    const offset = segment.paddr - BARE_METAL_RAM_BASE;
    if (offset < 0 || offset + segment.memsz > ramSize) {
      return {
        outcome: 'error',
        message: `a segment at 0x${segment.paddr.toString(16)} (${segment.memsz} bytes) lies outside RAM 0x${BARE_METAL_RAM_BASE.toString(16)}..0x${(BARE_METAL_RAM_BASE + ramSize).toString(16)}`,
      };
    }
    hart.ram.set(segment.data, offset);
    hart.ram.fill(0, offset + segment.data.length, offset + segment.memsz);
  }
  hart.reset(elf.entry);
  hart.stopOnStore(tohost);
  const tohostOffset = tohost - BARE_METAL_RAM_BASE;
  const limit = options.maxInstructions ?? 100_000_000;
  const view = new DataView(hart.ram.buffer, hart.ram.byteOffset, hart.ram.byteLength);
  let executed = 0;
  while (executed < limit) {
    let budget = Math.min(SLICE, limit - executed);
    if (options.trace) {
      budget = 1;
      const pc = hart.pc;
      const bytes = hart.readPhysical(Number(pc), 4);
      if (bytes) {
        const raw =
          bytes[0] |
          (bytes[1] << 8) |
          ((bytes[0] & 3) === 3 ? (bytes[2] << 16) | (bytes[3] << 24) : 0);
        const d = hart.decode(raw);
        const bits = (
          d.length === 2
            ? (raw & 0xffff).toString(16).padStart(4, '0')
            : (raw >>> 0).toString(16).padStart(8, '0')
        ).padEnd(8);
        options.trace(`${pc.toString(16).padStart(16, '0')}  ${bits}  ${disassemble(d, pc)}`);
      } else {
        options.trace(`${pc.toString(16).padStart(16, '0')}  (not in RAM)`);
      }
    }
    hart.run(budget); // a store to tohost stops the slice early (StopReason.Yield)
    executed += budget;
    // Units compile off the thread and are handed to the hart in a task of their own.
    if (hart.jitStats()) await new Promise((resolve) => setTimeout(resolve, 0));
    const value = view.getBigUint64(tohostOffset, true);
    if (value !== 0n) {
      const jit = hart.jitStats();
      if (value === 1n) return { outcome: 'pass', instructions: hart.instret, jit };
      return { outcome: 'fail', testCase: Number(value >> 1n), instructions: hart.instret, jit };
    }
  }
  return { outcome: 'limit', instructions: hart.instret, pc: hart.pc, jit: hart.jitStats() };
}
