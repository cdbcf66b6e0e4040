// Finding a unit's code: from its entries, every instruction of the same page reachable by falling
// through and by direct branches and jumps, cut into blocks at each branch target and entry. A
// unit stays within one 4 KiB page, so its instructions have the same page offsets virtually and
// physically and one page-map bit (PAGE_CODE) guards all of them. The hot entries of one page
// found together make one unit: their code overlaps (one function's blocks reached from each of
// its entries), so one unit holds it once, and a branch from one entry's code to another's stays
// within the unit.
import { Op } from '../cpu/ops.js';
import type { DecodedInstruction } from '../hart.js';

/** An instruction at its offset in the page. */
export interface UnitInstruction extends DecodedInstruction {
  offset: number;
}

/** A straight run of instructions entered only at its first. */
export interface UnitBlock {
  offset: number;
  instructions: UnitInstruction[];
  /**
   * Where the block goes after its last instruction, when that is not a branch or jump: the next
   * block (`next`, falling through), or out of the unit at that page offset (`exit`).
   */
  after: { kind: 'next'; offset: number } | { kind: 'exit'; offset: number } | { kind: 'branch' };
}

export interface ScannedUnit {
  /** The page offsets the unit can be entered at (each the first instruction of a block). */
  entries: number[];
  blocks: UnitBlock[];
  /** Number of instructions. */
  size: number;
  /**
   * Entries that could start a unit but were left out, the unit having reached
   * MAX_UNIT_INSTRUCTIONS first: for a unit of their own.
   */
  crowdedOut: number[];
}

/** Most instructions in one unit: bounds the generated module (about 40 bytes of code each). */
export const MAX_UNIT_INSTRUCTIONS = 1500;

/** Operations a unit runs; the rest (CSRs, traps, xRET, WFI, fences of translation) end it. */
export function translatable(op: number): boolean {
  if (op === Op.ILLEGAL) return false;
  if (op >= Op.ECALL && op <= Op.SFENCE_VMA) return false;
  return true;
}

export function isBranch(op: number): boolean {
  return op >= Op.BEQ && op <= Op.BGEU;
}

/** Whether control does not fall through after `op`. */
export function endsBlock(op: number): boolean {
  return isBranch(op) || op === Op.JAL || op === Op.JALR;
}

/**
 * Scans the page whose instruction halfwords `read(offset)` returns, from `entries` (page offsets,
 * scanned in this order). `decode` turns raw bits into an instruction. The unit's entries are
 * those whose first instruction can run translated and that fit within MAX_UNIT_INSTRUCTIONS
 * (the others that can run are `crowdedOut`); returns undefined when there are none.
 */
export function scanUnit(
  entries: number[],
  read: (offset: number) => number,
  decode: (raw: number) => DecodedInstruction,
): ScannedUnit | undefined {
  const found = new Map<number, UnitInstruction>();
  const leaders = new Set<number>(entries);
  const fetch = (offset: number): UnitInstruction | undefined => {
    if (offset > 0xffe) return undefined;
    let raw = read(offset);
    if ((raw & 3) === 3) {
      if (offset === 0xffe) return undefined; // its upper half is on the next page
      raw = (raw | (read(offset + 2) << 16)) >>> 0;
    }
    const d = decode(raw);
    return translatable(d.op) ? { ...d, offset } : undefined;
  };
  const target = (from: UnitInstruction) => from.offset + from.imm;
  const work: number[] = [];
  // Each entry's code before the next's, so that a later entry is the one left out at the limit.
  for (const entry of entries) work.push(entry);
  work.reverse();
  while (work.length > 0 && found.size < MAX_UNIT_INSTRUCTIONS) {
    let offset = work.pop()!;
    while (!found.has(offset) && found.size < MAX_UNIT_INSTRUCTIONS) {
      const instruction = fetch(offset);
      if (!instruction) break;
      found.set(offset, instruction);
      const { op } = instruction;
      if (isBranch(op) || op === Op.JAL) {
        const to = target(instruction);
        if (to >= 0 && to < 0x1000) {
          leaders.add(to);
          work.push(to);
        }
      }
      if (endsBlock(op)) {
        if (isBranch(op)) {
          leaders.add(offset + instruction.length);
          work.push(offset + instruction.length);
        }
        break;
      }
      offset += instruction.length;
      if (found.has(offset)) leaders.add(offset); // joined code scanned before
    }
  }
  const entered = entries.filter((offset) => found.has(offset));
  if (entered.length === 0) return undefined;
  const crowdedOut = entries.filter((offset) => !found.has(offset) && fetch(offset) !== undefined);
  const starts = [...leaders].filter((o) => found.has(o)).sort((a, b) => a - b);
  const blocks: UnitBlock[] = [];
  for (const start of starts) {
    const instructions: UnitInstruction[] = [];
    let offset = start;
    let after: UnitBlock['after'];
    for (;;) {
      const instruction = found.get(offset);
      if (!instruction || (offset !== start && leaders.has(offset))) {
        after = instruction ? { kind: 'next', offset } : { kind: 'exit', offset };
        break;
      }
      instructions.push(instruction);
      offset += instruction.length;
      if (endsBlock(instruction.op)) {
        after = { kind: 'branch' };
        break;
      }
    }
    blocks.push({ offset: start, instructions, after });
  }
  return { entries: entered, blocks, size: found.size, crowdedOut };
}
