// Turns a scanned unit (unit-scan.ts) into a WebAssembly module. The generated function
// `unit(pc: i64, budget: i32) -> i64` runs the guest from `pc` (one of the unit's entries, told
// apart by its page offset) and returns the pc to go on from, with the instructions it retired in
// JIT_RETIRED.
//
// Shape: integer registers stay in the hart's memory (X_REGS), where each instruction loads and
// stores them, as the helpers it calls do. Kept in locals instead (loaded at entry, written back at
// exit), every merge of blocks carries up to 31 values, and TurboFan, which V8 tiers hot units up
// to on background threads, took about a third longer to compile a unit; each call also loaded
// and stored every register the unit touches. Blocks sit in a loop around a br_table on the block number: falling into
// the next block is free, any other branch within the unit sets the number and goes round the
// loop. Backward branches first check the budget, so a guest spinning in a unit still returns
// to the dispatcher (and so to interrupts and the host) after about `budget` instructions.
//
// Exactness: every instruction that can fault (loads, stores, F/D, A) exits the unit with pc at
// itself and the instructions before it retired, so the dispatcher (cpu/hart.ts) raises the trap
// exactly as the interpreter would; instret is the dispatcher's count of retired instructions.
import { Op } from '../cpu/ops.js';
import { CodeWriter, Opcode } from './code-writer.js';
import type { ScannedUnit, UnitBlock, UnitInstruction } from './unit-scan.js';
import { emitFastPath, hasFastPath } from './float-fast-path.js';
import {
  encodeModule,
  F64,
  I32,
  I64,
  type FunctionCode,
  type ImportedFunction,
  type ValueType,
} from './wasm-encoder.js';

/** Addresses in the hart's linear memory the generated code uses (cpu/layout.ts). */
export interface UnitLayout {
  X_REGS: number;
  TLB_READ: number;
  TLB_WRITE: number;
  JIT_DATA_KEY: number;
  JIT_RETIRED: number;
  JIT_EVENT: number;
  F_REGS: number;
  MSTATUS: number;
  FCSR: number;
}

/** The hart's exports units import, in this order (function indices 0…4). */
export const RUNTIME: ImportedFunction[] = [
  { module: 'hart', name: 'jitLoad', type: { params: [I64, I32], results: [I64] } },
  { module: 'hart', name: 'jitStore', type: { params: [I64, I64, I32], results: [] } },
  {
    module: 'hart',
    name: 'jitFp',
    type: { params: [I32, I32, I32, I32, I32, I32, I32, I32], results: [] },
  },
  { module: 'hart', name: 'jitAtomic', type: { params: [I32, I32, I32, I32], results: [] } },
  { module: 'hart', name: 'jitMulh', type: { params: [I64, I64, I32], results: [I64] } },
];
const CALL_LOAD = 0;
const CALL_STORE = 1;
const CALL_FP = 2;
const CALL_ATOMIC = 3;
const CALL_MULH = 4;

const EVENT_FAULT = 2; // cpu/layout.ts JIT_EVENT_FAULT

// Locals: parameters first, then scratch.
const PC = 0;
const BUDGET = 1;
const BASE = 2; // virtual address of the unit's page
const NPC = 3; // pc to return
const RETIRED = 4;
const BLOCK = 5;
const KEY = 6; // the data TLB key
const VA = 7;
const SLOT = 8;
const T0 = 9;
const T1 = 10;
const FLOATS = Array.from({ length: 12 }, (_, k) => 11 + k); // f64 scratch
const LOCALS: ValueType[] = [
  I64, // BASE
  I64, // NPC
  I32, // RETIRED
  I32, // BLOCK
  I64, // KEY
  I64, // VA
  I32, // SLOT
  I64, // T0
  I64, // T1
  ...Array<ValueType>(FLOATS.length).fill(F64),
];

const loads: Partial<Record<number, [size: number, opcode: Opcode]>> = {
  [Op.LB]: [1, Opcode.I64Load8S],
  [Op.LH]: [2, Opcode.I64Load16S],
  [Op.LW]: [4, Opcode.I64Load32S],
  [Op.LD]: [8, Opcode.I64Load],
  [Op.LBU]: [1, Opcode.I64Load8U],
  [Op.LHU]: [2, Opcode.I64Load16U],
  [Op.LWU]: [4, Opcode.I64Load32U],
};
const stores: Partial<Record<number, [size: number, opcode: Opcode]>> = {
  [Op.SB]: [1, Opcode.I64Store8],
  [Op.SH]: [2, Opcode.I64Store16],
  [Op.SW]: [4, Opcode.I64Store32],
  [Op.SD]: [8, Opcode.I64Store],
};

/** The function for `unit`. */
export function compileUnit(unit: ScannedUnit, layout: UnitLayout): FunctionCode {
  return { locals: LOCALS, body: new UnitWriter(unit, layout).body() };
}

/** One module of units, exported as u0, u1…, for a hart memory of `memoryPages` 64 KiB pages. */
export function unitModule(units: FunctionCode[], memoryPages: number): Uint8Array {
  return encodeModule({
    memoryPages,
    imports: RUNTIME,
    type: { params: [I64, I32], results: [I64] },
    functions: units,
    prefix: 'u',
  });
}

class UnitWriter {
  private readonly w = new CodeWriter();
  private readonly blockIndex = new Map<number, number>();
  /** The block being written, and the index of the instruction within it. */
  private current = 0;

  constructor(
    private readonly unit: ScannedUnit,
    private readonly layout: UnitLayout,
  ) {
    unit.blocks.forEach((b, index) => this.blockIndex.set(b.offset, index));
  }

  body(): Uint8Array {
    const w = this.w;
    const l = this.layout;
    w.get(PC).i64(~0xfffn).op(Opcode.I64And).set(BASE);
    w.i32(0).memory(Opcode.I64Load, 3, l.JIT_DATA_KEY).set(KEY);
    this.entryBlock();
    const blocks = this.unit.blocks;
    const labels = blocks.map((_, k) => `b${k}`);
    w.block('out');
    w.loop('dispatch');
    for (let k = blocks.length - 1; k >= 0; k--) w.block(labels[k]);
    w.get(BLOCK).brTable(labels, labels[0]);
    blocks.forEach((b, k) => {
      w.end(); // the code of block k follows the end of its label
      this.current = k;
      this.block(b);
    });
    // Past the last block nothing falls through (block() always branches at the end of the last).
    w.op(Opcode.Unreachable);
    w.end(); // dispatch
    w.end(); // out
    w.i32(0).get(RETIRED).memory(Opcode.I32Store, 2, l.JIT_RETIRED);
    w.get(NPC);
    return w.result();
  }

  /** BLOCK = the block of the entry at pc's page offset (the first entry's if none other). */
  private entryBlock(): void {
    const w = this.w;
    const [first, ...others] = this.unit.entries;
    w.i32(this.blockIndex.get(first)!);
    if (others.length > 0) {
      w.get(PC).op(Opcode.I32WrapI64).i32(0xfff).op(Opcode.I32And).set(SLOT);
      for (const offset of others) {
        w.i32(this.blockIndex.get(offset)!);
        w.get(SLOT).i32(offset).op(Opcode.I32Ne).op(Opcode.Select);
      }
    }
    w.set(BLOCK);
  }

  private block(b: UnitBlock): void {
    b.instructions.forEach((i, k) => this.instruction(i, k));
    const w = this.w;
    w.get(RETIRED).i32(b.instructions.length).op(Opcode.I32Add).set(RETIRED);
    const last = b.instructions[b.instructions.length - 1];
    if (b.after.kind === 'next') this.goTo(b.after.offset, true);
    else if (b.after.kind === 'exit') this.exitTo(b.after.offset);
    else this.terminator(last);
  }

  // ---- control flow

  private pcOf(offset: number): void {
    this.w.get(BASE).i64(offset).op(Opcode.I64Add);
  }

  /** Leaves the unit to page offset `offset` (retired already counted). */
  private exitTo(offset: number): void {
    this.pcOf(offset);
    this.w.set(NPC).br('out');
  }

  /**
   * Continues at the block at `offset`, in or out of the unit (retired already counted). Code of
   * block k sits inside the labels of blocks k+1…, so a forward branch leaves straight to its
   * target's code (`fall`: at the end of a block's own code, the next block needs nothing); a
   * backward one goes round the dispatch loop.
   */
  private goTo(offset: number, fall = false): void {
    const w = this.w;
    const target = this.blockIndex.get(offset);
    if (target === undefined) return this.exitTo(offset);
    if (target > this.current) {
      if (!(fall && target === this.current + 1)) w.br(`b${target}`);
      return;
    }
    // A backward edge: leave when the budget is spent.
    w.get(RETIRED).get(BUDGET).op(Opcode.I32GeS).if();
    this.exitTo(offset);
    w.end();
    w.i32(target).set(BLOCK).br('dispatch');
  }

  private terminator(i: UnitInstruction): void {
    const w = this.w;
    const next = i.offset + i.length;
    if (i.op === Op.JAL) {
      this.setReg(i.rd, () => this.pcOf(next));
      return this.goTo(i.offset + i.imm, true);
    }
    if (i.op === Op.JALR) {
      this.getReg(i.rs1);
      w.i64(i.imm).op(Opcode.I64Add).i64(~1n).op(Opcode.I64And).set(T0);
      this.setReg(i.rd, () => this.pcOf(next));
      w.get(T0).set(NPC).br('out');
      return;
    }
    // A conditional branch.
    this.getReg(i.rs1);
    this.getReg(i.rs2);
    w.op(
      {
        [Op.BEQ]: Opcode.I64Eq,
        [Op.BNE]: Opcode.I64Ne,
        [Op.BLT]: Opcode.I64LtS,
        [Op.BGE]: Opcode.I64GeS,
        [Op.BLTU]: Opcode.I64LtU,
        [Op.BGEU]: Opcode.I64GeU,
      }[i.op as Op.BEQ]!,
    );
    w.if();
    this.goTo(i.offset + i.imm);
    w.end();
    this.goTo(next, true);
  }

  // ---- registers

  private getReg(r: number): void {
    if (r === 0) this.w.i64(0);
    else this.w.i32(0).memory(Opcode.I64Load, 3, this.layout.X_REGS + r * 8);
  }

  /** Sets x[rd] to what `value` leaves on the stack (nothing is written to x0). */
  private setReg(rd: number, value: () => void): void {
    if (rd === 0) return;
    this.w.i32(0);
    value();
    this.w.memory(Opcode.I64Store, 3, this.layout.X_REGS + rd * 8);
  }

  // ---- instructions

  private instruction(i: UnitInstruction, k: number): void {
    const w = this.w;
    const { op, rd, rs1, rs2, imm } = i;
    const binary = (code: Opcode) =>
      this.setReg(rd, () => {
        this.getReg(rs1);
        this.getReg(rs2);
        w.op(code);
      });
    const immediate = (code: Opcode) =>
      this.setReg(rd, () => {
        this.getReg(rs1);
        w.i64(imm).op(code);
      });
    const word = (code: Opcode, withImm: boolean) =>
      this.setReg(rd, () => {
        this.getReg(rs1);
        w.op(Opcode.I32WrapI64);
        if (withImm) w.i32(imm);
        else {
          this.getReg(rs2);
          w.op(Opcode.I32WrapI64);
        }
        w.op(code).op(Opcode.I64ExtendI32S);
      });
    const compare = (code: Opcode, withImm: boolean) =>
      this.setReg(rd, () => {
        this.getReg(rs1);
        if (withImm) w.i64(imm);
        else this.getReg(rs2);
        w.op(code).op(Opcode.I64ExtendI32U);
      });
    switch (op) {
      case Op.LUI:
        return this.setReg(rd, () => w.i64(imm));
      case Op.AUIPC:
        return this.setReg(rd, () => this.pcOf(i.offset + imm));
      case Op.JAL:
      case Op.JALR:
      case Op.BEQ:
      case Op.BNE:
      case Op.BLT:
      case Op.BGE:
      case Op.BLTU:
      case Op.BGEU:
        return; // the block's terminator
      case Op.ADDI:
        return immediate(Opcode.I64Add);
      case Op.XORI:
        return immediate(Opcode.I64Xor);
      case Op.ORI:
        return immediate(Opcode.I64Or);
      case Op.ANDI:
        return immediate(Opcode.I64And);
      case Op.SLLI:
        return immediate(Opcode.I64Shl);
      case Op.SRLI:
        return immediate(Opcode.I64ShrU);
      case Op.SRAI:
        return immediate(Opcode.I64ShrS);
      case Op.SLTI:
        return compare(Opcode.I64LtS, true);
      case Op.SLTIU:
        return compare(Opcode.I64LtU, true);
      case Op.ADD:
        return binary(Opcode.I64Add);
      case Op.SUB:
        return binary(Opcode.I64Sub);
      case Op.SLL:
        return binary(Opcode.I64Shl); // wasm shifts take the count mod 64, as RV64 does
      case Op.SRL:
        return binary(Opcode.I64ShrU);
      case Op.SRA:
        return binary(Opcode.I64ShrS);
      case Op.XOR:
        return binary(Opcode.I64Xor);
      case Op.OR:
        return binary(Opcode.I64Or);
      case Op.AND:
        return binary(Opcode.I64And);
      case Op.SLT:
        return compare(Opcode.I64LtS, false);
      case Op.SLTU:
        return compare(Opcode.I64LtU, false);
      case Op.ADDIW:
        return word(Opcode.I32Add, true);
      case Op.SLLIW:
        return word(Opcode.I32Shl, true);
      case Op.SRLIW:
        return word(Opcode.I32ShrU, true);
      case Op.SRAIW:
        return word(Opcode.I32ShrS, true);
      case Op.ADDW:
        return word(Opcode.I32Add, false);
      case Op.SUBW:
        return word(Opcode.I32Sub, false);
      case Op.SLLW:
        return word(Opcode.I32Shl, false); // mod 32, as the W shifts are
      case Op.SRLW:
        return word(Opcode.I32ShrU, false);
      case Op.SRAW:
        return word(Opcode.I32ShrS, false);
      case Op.MUL:
        return binary(Opcode.I64Mul);
      case Op.MULW:
        return word(Opcode.I32Mul, false);
      case Op.MULH:
      case Op.MULHSU:
      case Op.MULHU:
        return this.setReg(rd, () => {
          this.getReg(rs1);
          this.getReg(rs2);
          w.i32(op === Op.MULHU ? 0 : op === Op.MULHSU ? 1 : 2).call(CALL_MULH);
        });
      case Op.DIV:
      case Op.DIVU:
      case Op.REM:
      case Op.REMU:
        return this.setReg(rd, () => this.divide64(op, rs1, rs2));
      case Op.DIVW:
      case Op.DIVUW:
      case Op.REMW:
      case Op.REMUW:
        return this.setReg(rd, () => this.divide32(op, rs1, rs2));
      case Op.FENCE:
      case Op.FENCE_I:
        return; // one hart; stores to translated code drop it as they happen
    }
    const load = loads[op];
    if (load) return this.load(i, k, load[0], load[1]);
    const store = stores[op];
    if (store) return this.store(i, k, store[0], store[1]);
    if (op >= Op.LR_W && op <= Op.AMOMAXU_D) {
      // The helpers read and write the registers in memory, where the unit keeps them.
      w.i32(op).i32(rd).i32(rs1).i32(rs2).call(CALL_ATOMIC);
      return this.afterHelper(i, k, () => undefined);
    }
    if (op >= Op.FLW) {
      const fast = op === Op.FLD || op === Op.FSD || hasFastPath(op);
      if (fast) {
        w.block('fp-done');
        w.block('fp-slow');
        if (op === Op.FLD || op === Op.FSD) this.floatMemory(i);
        else emitFastPath(w, this.layout, { f: FLOATS, i64: T0 }, i, 'fp-slow', 'fp-done');
        w.end();
      }
      w.i32(op).i32(rd).i32(rs1).i32(rs2).i32(i.rs3).i32(i.rm).i32(i.raw).i32(imm).call(CALL_FP);
      this.afterHelper(i, k, () => undefined);
      if (fast) w.end();
      return;
    }
    throw new Error(`the translator has no code for operation ${op}`);
  }

  /**
   * After a helper: on a fault, leave at this instruction with the `k` before it retired; after a
   * device access (or a store into translated code), finish it (`complete`) and leave after it.
   */
  private afterHelper(i: UnitInstruction, k: number, complete: () => void): void {
    const w = this.w;
    const event = () => w.i32(0).memory(Opcode.I32Load, 2, this.layout.JIT_EVENT);
    event().if();
    event().i32(EVENT_FAULT).op(Opcode.I32Eq).if();
    this.leave(i.offset, k);
    w.end();
    complete();
    this.leave(i.offset + i.length, k + 1);
    w.end();
  }

  /** Leaves the unit at page offset `offset` with `k` more instructions of this block retired. */
  private leave(offset: number, k: number): void {
    const w = this.w;
    if (k > 0) w.get(RETIRED).i32(k).op(Opcode.I32Add).set(RETIRED);
    this.exitTo(offset);
  }

  /** The TLB fast-path test for `size` bytes at VA: leaves an i32 (hit) and the slot in SLOT. */
  private tlbHit(tlb: number, size: number): void {
    const w = this.w;
    // slot = ((va >> 12) & 1023) << 4; hit = tag == (vpn ^ key) and the access stays in the page
    w.get(VA).i64(12).op(Opcode.I64ShrU).tee(T1);
    w.op(Opcode.I32WrapI64).i32(1023).op(Opcode.I32And).i32(4).op(Opcode.I32Shl).tee(SLOT);
    w.memory(Opcode.I64Load, 3, tlb);
    w.get(T1).get(KEY).op(Opcode.I64Xor).op(Opcode.I64Eq);
    if (size > 1) {
      w.get(VA)
        .op(Opcode.I32WrapI64)
        .i32(0xfff)
        .op(Opcode.I32And)
        .i32(0x1000 - size);
      w.op(Opcode.I32LeU).op(Opcode.I32And);
    }
  }

  /** The host address of VA after a TLB hit (i32 on the stack). */
  private hostAddress(tlb: number): void {
    this.w
      .get(SLOT)
      .memory(Opcode.I64Load, 3, tlb + 8)
      .get(VA)
      .op(Opcode.I64Add);
    this.w.op(Opcode.I32WrapI64);
  }

  private effectiveAddress(i: UnitInstruction): void {
    this.getReg(i.rs1);
    this.w.i64(i.imm).op(Opcode.I64Add).set(VA);
  }

  private load(i: UnitInstruction, k: number, size: number, opcode: Opcode): void {
    const w = this.w;
    const tlb = this.layout.TLB_READ;
    this.effectiveAddress(i);
    this.tlbHit(tlb, size);
    w.if(I64);
    this.hostAddress(tlb);
    w.memory(opcode, 0);
    w.else();
    w.get(VA).i32(i.op).call(CALL_LOAD).set(T0);
    this.afterHelper(i, k, () => this.setReg(i.rd, () => w.get(T0)));
    w.get(T0);
    w.end();
    w.set(T0);
    this.setReg(i.rd, () => w.get(T0));
  }

  private store(i: UnitInstruction, k: number, size: number, opcode: Opcode): void {
    const w = this.w;
    const tlb = this.layout.TLB_WRITE;
    this.effectiveAddress(i);
    this.tlbHit(tlb, size);
    w.if();
    this.hostAddress(tlb);
    this.getReg(i.rs2);
    w.memory(opcode, 0);
    w.else();
    w.get(VA);
    this.getReg(i.rs2);
    w.i32(size).call(CALL_STORE);
    this.afterHelper(i, k, () => undefined);
    w.end();
  }

  /**
   * FLD and FSD through the TLB fast path when mstatus.FS allows it without a status change
   * (Dirty for a load, any but Off for a store); otherwise to `fp-slow`.
   */
  private floatMemory(i: UnitInstruction): void {
    const w = this.w;
    const l = this.layout;
    const load = i.op === Op.FLD;
    w.i32(0)
      .memory(Opcode.I64Load, 3, l.MSTATUS)
      .i64(3n << 13n)
      .op(Opcode.I64And);
    if (load) w.i64(3n << 13n).op(Opcode.I64Ne);
    else w.op(Opcode.I64Eqz);
    w.brIf('fp-slow');
    const tlb = load ? l.TLB_READ : l.TLB_WRITE;
    this.effectiveAddress(i);
    this.tlbHit(tlb, 8);
    w.op(Opcode.I32Eqz).brIf('fp-slow');
    if (load) {
      w.i32(0);
      this.hostAddress(tlb);
      w.memory(Opcode.I64Load, 0).memory(Opcode.I64Store, 3, l.F_REGS + i.rd * 8);
    } else {
      this.hostAddress(tlb);
      w.i32(0)
        .memory(Opcode.I64Load, 3, l.F_REGS + i.rs2 * 8)
        .memory(Opcode.I64Store, 0);
    }
    w.br('fp-done');
  }

  /** DIV, DIVU, REM, REMU: RISC-V defines division by zero and overflow; wasm would trap. */
  private divide64(op: Op, rs1: number, rs2: number): void {
    const w = this.w;
    this.getReg(rs2);
    w.op(Opcode.I64Eqz).if(I64);
    if (op === Op.DIV || op === Op.DIVU) w.i64(-1);
    else this.getReg(rs1);
    w.else();
    if (op === Op.DIV) {
      // The one overflowing case, MIN / -1, gives MIN (the dividend).
      this.getReg(rs1);
      w.i64(-(2n ** 63n)).op(Opcode.I64Eq);
      this.getReg(rs2);
      w.i64(-1).op(Opcode.I64Eq).op(Opcode.I32And).if(I64);
      this.getReg(rs1);
      w.else();
      this.getReg(rs1);
      this.getReg(rs2);
      w.op(Opcode.I64DivS).end();
    } else {
      this.getReg(rs1);
      this.getReg(rs2);
      // wasm's rem_s gives 0 for MIN % -1, as RISC-V does.
      w.op(op === Op.DIVU ? Opcode.I64DivU : op === Op.REM ? Opcode.I64RemS : Opcode.I64RemU);
    }
    w.end();
  }

  /** DIVW, DIVUW, REMW, REMUW on the low words, sign-extended. */
  private divide32(op: Op, rs1: number, rs2: number): void {
    const w = this.w;
    const low = (r: number) => {
      this.getReg(r);
      w.op(Opcode.I32WrapI64);
    };
    low(rs2);
    w.op(Opcode.I32Eqz).if(I64);
    if (op === Op.DIVW || op === Op.DIVUW) w.i64(-1);
    else {
      low(rs1);
      w.op(Opcode.I64ExtendI32S);
    }
    w.else();
    if (op === Op.DIVW) {
      low(rs1);
      w.i32(-(2 ** 31)).op(Opcode.I32Eq);
      low(rs2);
      w.i32(-1).op(Opcode.I32Eq).op(Opcode.I32And).if(I64);
      low(rs1);
      w.op(Opcode.I64ExtendI32S);
      w.else();
      low(rs1);
      low(rs2);
      w.op(Opcode.I32DivS).op(Opcode.I64ExtendI32S).end();
    } else {
      low(rs1);
      low(rs2);
      w.op(op === Op.DIVUW ? Opcode.I32DivU : op === Op.REMW ? Opcode.I32RemS : Opcode.I32RemU);
      w.op(Opcode.I64ExtendI32S);
    }
    w.end();
  }
}
