// Floating-point instructions (F and D) other than loads and stores: operand unboxing, rounding
// mode resolution, accrued flags and FS tracking around the exact arithmetic in softfloat.ts.
import * as L from './layout';
import { Op } from './ops';
import { getX, setX, getF, setF, csr, setCsr } from './state';
import { setFsDirty } from './csr';
import * as SF from './softfloat';
import { takeFlags } from './softfloat-env';

const CANONICAL_NAN_S: u32 = 0x7fc00000;
const BOX: u64 = 0xffffffff00000000;

/**
 * A single held in a 64-bit register must be NaN-boxed (upper 32 bits all ones); anything else
 * reads as the canonical NaN (unprivileged ISA, "NaN Boxing of Narrower Values").
 */
@inline export function readS(r: u32): u32 {
  const v = getF(r);
  return (v >> 32) == 0xffffffff ? <u32>v : CANONICAL_NAN_S;
}

@inline export function writeS(r: u32, v: u32): void {
  setF(r, BOX | <u64>v);
}

/** The rounding mode for an instruction's rm field: 7 means frm. Returns 8 for a reserved mode. */
@inline function roundingMode(field: u32): u32 {
  const rm = field == 7 ? <u32>(csr(L.FCSR) >> 5) & 7 : field;
  return rm <= 4 ? rm : 8;
}

@inline function sext32(v: u32): u64 {
  return <u64><i64><i32>v;
}

const SIGN_S: u32 = 0x80000000;
const SIGN_D: u64 = <u64>1 << 63;

/**
 * Executes FP operation `op`. Returns false when the instruction is illegal (FP disabled or a
 * reserved rounding mode); the caller raises the exception. The caller has checked mstatus.FS.
 */
export function execFp(op: i32, rd: u32, rs1: u32, rs2: u32, rs3: u32, rmField: u32): bool {
  // Operations that do not round ignore the rm field (it selects the operation instead).
  let rm: u32 = 0;
  if (usesRounding(op)) {
    rm = roundingMode(rmField);
    if (rm == 8) return false;
  }
  switch (op) {
    // ---- single
    case Op.FMADD_S: writeS(rd, SF.f32_mulAdd(readS(rs1), readS(rs2), readS(rs3), rm)); break;
    case Op.FMSUB_S: writeS(rd, SF.f32_mulAdd(readS(rs1), readS(rs2), readS(rs3) ^ SIGN_S, rm)); break;
    case Op.FNMSUB_S: writeS(rd, SF.f32_mulAdd(readS(rs1) ^ SIGN_S, readS(rs2), readS(rs3), rm)); break;
    case Op.FNMADD_S: writeS(rd, SF.f32_mulAdd(readS(rs1) ^ SIGN_S, readS(rs2), readS(rs3) ^ SIGN_S, rm)); break;
    case Op.FADD_S: writeS(rd, SF.f32_add(readS(rs1), readS(rs2), rm)); break;
    case Op.FSUB_S: writeS(rd, SF.f32_sub(readS(rs1), readS(rs2), rm)); break;
    case Op.FMUL_S: writeS(rd, SF.f32_mul(readS(rs1), readS(rs2), rm)); break;
    case Op.FDIV_S: writeS(rd, SF.f32_div(readS(rs1), readS(rs2), rm)); break;
    case Op.FSQRT_S: writeS(rd, SF.f32_sqrt(readS(rs1), rm)); break;
    case Op.FSGNJ_S: writeS(rd, (readS(rs1) & ~SIGN_S) | (readS(rs2) & SIGN_S)); break;
    case Op.FSGNJN_S: writeS(rd, (readS(rs1) & ~SIGN_S) | (~readS(rs2) & SIGN_S)); break;
    case Op.FSGNJX_S: writeS(rd, readS(rs1) ^ (readS(rs2) & SIGN_S)); break;
    case Op.FMIN_S: writeS(rd, SF.f32_min(readS(rs1), readS(rs2))); break;
    case Op.FMAX_S: writeS(rd, SF.f32_max(readS(rs1), readS(rs2))); break;
    case Op.FCVT_W_S: setX(rd, SF.f32_to_i32(readS(rs1), rm)); break;
    case Op.FCVT_WU_S: setX(rd, SF.f32_to_u32(readS(rs1), rm)); break;
    case Op.FCVT_L_S: setX(rd, SF.f32_to_i64(readS(rs1), rm)); break;
    case Op.FCVT_LU_S: setX(rd, SF.f32_to_u64(readS(rs1), rm)); break;
    case Op.FMV_X_W: setX(rd, sext32(<u32>getF(rs1))); break; // raw low bits, no unboxing
    case Op.FCLASS_S: setX(rd, SF.f32_classify(readS(rs1))); break;
    case Op.FEQ_S: setX(rd, SF.f32_eq(readS(rs1), readS(rs2))); break;
    case Op.FLT_S: setX(rd, SF.f32_lt(readS(rs1), readS(rs2))); break;
    case Op.FLE_S: setX(rd, SF.f32_le(readS(rs1), readS(rs2))); break;
    case Op.FCVT_S_W: writeS(rd, SF.i32_to_f32(<i64><i32>getX(rs1), rm)); break;
    case Op.FCVT_S_WU: writeS(rd, SF.u32_to_f32(<u64><u32>getX(rs1), rm)); break;
    case Op.FCVT_S_L: writeS(rd, SF.i64_to_f32(<i64>getX(rs1), rm)); break;
    case Op.FCVT_S_LU: writeS(rd, SF.u64_to_f32(getX(rs1), rm)); break;
    case Op.FMV_W_X: writeS(rd, <u32>getX(rs1)); break;
    // ---- double
    case Op.FMADD_D: setF(rd, SF.f64_mulAdd(getF(rs1), getF(rs2), getF(rs3), rm)); break;
    case Op.FMSUB_D: setF(rd, SF.f64_mulAdd(getF(rs1), getF(rs2), getF(rs3) ^ SIGN_D, rm)); break;
    case Op.FNMSUB_D: setF(rd, SF.f64_mulAdd(getF(rs1) ^ SIGN_D, getF(rs2), getF(rs3), rm)); break;
    case Op.FNMADD_D: setF(rd, SF.f64_mulAdd(getF(rs1) ^ SIGN_D, getF(rs2), getF(rs3) ^ SIGN_D, rm)); break;
    case Op.FADD_D: setF(rd, SF.f64_add(getF(rs1), getF(rs2), rm)); break;
    case Op.FSUB_D: setF(rd, SF.f64_sub(getF(rs1), getF(rs2), rm)); break;
    case Op.FMUL_D: setF(rd, SF.f64_mul(getF(rs1), getF(rs2), rm)); break;
    case Op.FDIV_D: setF(rd, SF.f64_div(getF(rs1), getF(rs2), rm)); break;
    case Op.FSQRT_D: setF(rd, SF.f64_sqrt(getF(rs1), rm)); break;
    case Op.FSGNJ_D: setF(rd, (getF(rs1) & ~SIGN_D) | (getF(rs2) & SIGN_D)); break;
    case Op.FSGNJN_D: setF(rd, (getF(rs1) & ~SIGN_D) | (~getF(rs2) & SIGN_D)); break;
    case Op.FSGNJX_D: setF(rd, getF(rs1) ^ (getF(rs2) & SIGN_D)); break;
    case Op.FMIN_D: setF(rd, SF.f64_min(getF(rs1), getF(rs2))); break;
    case Op.FMAX_D: setF(rd, SF.f64_max(getF(rs1), getF(rs2))); break;
    case Op.FCVT_S_D: writeS(rd, SF.f64_to_f32(getF(rs1), rm)); break;
    case Op.FCVT_D_S: setF(rd, SF.f32_to_f64(readS(rs1))); break;
    case Op.FCVT_W_D: setX(rd, SF.f64_to_i32(getF(rs1), rm)); break;
    case Op.FCVT_WU_D: setX(rd, SF.f64_to_u32(getF(rs1), rm)); break;
    case Op.FCVT_L_D: setX(rd, SF.f64_to_i64(getF(rs1), rm)); break;
    case Op.FCVT_LU_D: setX(rd, SF.f64_to_u64(getF(rs1), rm)); break;
    case Op.FMV_X_D: setX(rd, getF(rs1)); break;
    case Op.FCLASS_D: setX(rd, SF.f64_classify(getF(rs1))); break;
    case Op.FEQ_D: setX(rd, SF.f64_eq(getF(rs1), getF(rs2))); break;
    case Op.FLT_D: setX(rd, SF.f64_lt(getF(rs1), getF(rs2))); break;
    case Op.FLE_D: setX(rd, SF.f64_le(getF(rs1), getF(rs2))); break;
    case Op.FCVT_D_W: setF(rd, SF.i32_to_f64(<i64><i32>getX(rs1), rm)); break;
    case Op.FCVT_D_WU: setF(rd, SF.u32_to_f64(<u64><u32>getX(rs1), rm)); break;
    case Op.FCVT_D_L: setF(rd, SF.i64_to_f64(<i64>getX(rs1), rm)); break;
    case Op.FCVT_D_LU: setF(rd, SF.u64_to_f64(getX(rs1), rm)); break;
    case Op.FMV_D_X: setF(rd, getX(rs1)); break;
    default: return false;
  }
  const flags = takeFlags();
  if (flags != 0) setCsr(L.FCSR, csr(L.FCSR) | flags);
  // Conservatively dirty: every FP instruction that got here may have written f-registers or fflags.
  setFsDirty();
  return true;
}

@inline function usesRounding(op: i32): bool {
  switch (op) {
    case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: case Op.FMIN_S: case Op.FMAX_S:
    case Op.FMV_X_W: case Op.FCLASS_S: case Op.FEQ_S: case Op.FLT_S: case Op.FLE_S: case Op.FMV_W_X:
    case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: case Op.FMIN_D: case Op.FMAX_D:
    case Op.FMV_X_D: case Op.FCLASS_D: case Op.FEQ_D: case Op.FLT_D: case Op.FLE_D: case Op.FMV_D_X:
      return false;
  }
  return true;
}
