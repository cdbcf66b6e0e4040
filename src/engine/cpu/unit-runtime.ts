// The runtime interface translated units call (src/engine/jit/): the slow paths of loads and
// stores, the F/D and A extensions, and the high half of a multiplication. Units keep the integer
// registers in wasm locals and write back those these helpers read or write before calling them.
// Each helper leaves in JIT_EVENT what the unit must do next: go on (0), return after this
// instruction (JIT_EVENT_DONE: a device was accessed, or translated code was overwritten), or
// return at this instruction, which did not complete (JIT_EVENT_FAULT: the dispatcher in hart.ts
// takes the trap, or stops for a missing page, exactly as after an interpreted instruction).
import * as L from './layout';
import { Op } from './ops';
import { getX, getF, setF, CAUSE_ILLEGAL } from './state';
import { fault, event, raiseFault, load8, load16, load32, load64, store8, store16, store32, store64 } from './mmu';
import { fpEnabled, setFsDirty } from './csr';
import { execFp, writeS } from './fpu';
import { mulhu } from './alu';
import { atomic } from './atomic';

@inline function report(): void {
  store<i32>(L.JIT_EVENT, fault ? L.JIT_EVENT_FAULT : event ? L.JIT_EVENT_DONE : 0);
}

/** A load of the kind `op` (Op.LB … Op.LWU), extended to 64 bits. */
export function jitLoad(va: u64, op: i32): u64 {
  let v: u64 = 0;
  switch (op) {
    case Op.LB: v = <u64><i64><i8>load8(va); break;
    case Op.LH: v = <u64><i64><i16>load16(va); break;
    case Op.LW: v = <u64><i64><i32>load32(va); break;
    case Op.LD: v = load64(va); break;
    case Op.LBU: v = load8(va); break;
    case Op.LHU: v = load16(va); break;
    default: v = load32(va); break;
  }
  report();
  return v;
}

/** A store of the low `size` bytes of `v`. */
export function jitStore(va: u64, v: u64, size: i32): void {
  if (size == 1) store8(va, v);
  else if (size == 2) store16(va, v);
  else if (size == 4) store32(va, v);
  else store64(va, v);
  report();
}

/** One F or D instruction, loads and stores included (integer registers in memory). */
export function jitFp(op: i32, rd: u32, rs1: u32, rs2: u32, rs3: u32, rm: u32, raw: u32, imm: i32): void {
  if (!fpEnabled()) raiseFault(CAUSE_ILLEGAL, raw);
  else if (op == Op.FLW || op == Op.FLD || op == Op.FSW || op == Op.FSD) {
    const va = getX(rs1) + <u64><i64>imm;
    if (op == Op.FLW) { const v = load32(va); if (!fault) { writeS(rd, <u32>v); setFsDirty(); } }
    else if (op == Op.FLD) { const v = load64(va); if (!fault) { setF(rd, v); setFsDirty(); } }
    else if (op == Op.FSW) store32(va, getF(rs2));
    else store64(va, getF(rs2));
  } else if (!execFp(op, rd, rs1, rs2, rs3, rm)) raiseFault(CAUSE_ILLEGAL, raw);
  store<u64>(L.X_REGS, 0);
  report();
}

/** LR, SC or an AMO (integer registers in memory). */
export function jitAtomic(op: i32, rd: u32, rs1: u32, rs2: u32): void {
  atomic(op, rd, rs1, rs2);
  store<u64>(L.X_REGS, 0);
  report();
}

/** The high 64 bits of a 128-bit product: `signs` 0 MULHU, 1 MULHSU, 2 MULH. */
export function jitMulh(a: u64, b: u64, signs: i32): u64 {
  let h = mulhu(a, b);
  if (signs != 0 && <i64>a < 0) h -= b;
  if (signs == 2 && <i64>b < 0) h -= a;
  return h;
}
