// Double-precision arithmetic on wasm's own f64, where it gives exactly what the hart's softfloat
// gives (cpu/softfloat*.ts), and the softfloat call only where it might not.
//
// wasm's f64 add, sub, mul, div and sqrt are IEEE 754 operations rounded to nearest-even, as
// RISC-V's are with rm = RNE (Unprivileged ISA, "D" Standard Extension). What wasm does not give is
// the accrued exception flags (fflags). The fast path therefore runs only when the flags it could
// raise are already set or cannot arise:
//   - fflags.NX is already set (sticky: a guest that has done any inexact arithmetic keeps it so
//     until it clears the flags, which is rare), so an inexact result changes nothing;
//   - the result is finite and above the smallest normal number, so there was no overflow (OF),
//     no underflow (UF, tininess after rounding), no invalid operation (NV gives NaN) and no
//     division by zero (DZ gives infinity); NaN inputs give NaN and so take the slow path too;
//   - mstatus.FS is Dirty, so writing f[rd] needs no status update.
// Anything else (other rounding modes, specials, tiny or huge results) calls the softfloat.
//
// The fused multiply-adds are emulated exactly (Boldo and Melquiond, "Emulation of a FMA and
// correctly rounded sums: proved algorithms using rounding to odd", IEEE TC 57(4), 2008): the
// product split exactly into p + e (Dekker), the sum c + p split exactly into th + tl (Knuth's
// TwoSum), tl + e rounded to odd, and th plus that rounded to nearest. Operands are confined to
// exponents where no step overflows or underflows; lock-step tests compare every result with the
// softfloat's.
import { Op } from '../cpu/ops.js';
import { CodeWriter, Opcode } from './code-writer.js';

export interface FloatLayout {
  F_REGS: number;
  MSTATUS: number;
  FCSR: number;
}

/** f64 scratch locals the fast paths use (indices in the unit's function). */
export interface FloatLocals {
  f: number[]; // at least 12 f64 locals
  i64: number; // an i64 scratch
}

const MSTATUS_FS_DIRTY = 3n << 13n;
const FFLAGS_NX = 1n;
const SMALLEST_NORMAL_BITS = 0x0010000000000000n;
const ABS_MASK = 0x7fffffffffffffffn;
const EXPONENT_MASK = 0x7ff0000000000000n;

const binary: Partial<Record<number, Opcode>> = {
  [Op.FADD_D]: Opcode.F64Add,
  [Op.FSUB_D]: Opcode.F64Sub,
  [Op.FMUL_D]: Opcode.F64Mul,
  [Op.FDIV_D]: Opcode.F64Div,
};

/** Whether `op` has a fast path here. */
export function hasFastPath(op: number): boolean {
  return binary[op] !== undefined || op === Op.FSQRT_D || (op >= Op.FMADD_D && op <= Op.FNMADD_D);
}

/**
 * Emits the fast path of `op` (see hasFastPath): on success it writes f[rd] and branches to
 * `done`; when a condition fails it branches to `slow` with nothing written.
 */
export function emitFastPath(
  w: CodeWriter,
  layout: FloatLayout,
  locals: FloatLocals,
  i: { op: number; rd: number; rs1: number; rs2: number; rs3: number; rm: number },
  slow: string,
  done: string,
): void {
  // Rounding: the instruction's own, or fcsr.frm when it says dynamic (7); only RNE (0) here.
  if (i.rm !== 0 && i.rm !== 7) {
    w.br(slow);
    return;
  }
  w.i32(0).memory(Opcode.I64Load, 3, layout.MSTATUS).i64(MSTATUS_FS_DIRTY).op(Opcode.I64And);
  w.i64(MSTATUS_FS_DIRTY).op(Opcode.I64Ne).brIf(slow);
  w.i32(0).memory(Opcode.I64Load, 3, layout.FCSR);
  // NX set, and frm = RNE when the instruction defers to it.
  const mask = i.rm === 7 ? (7n << 5n) | FFLAGS_NX : FFLAGS_NX;
  w.i64(mask).op(Opcode.I64And).i64(FFLAGS_NX).op(Opcode.I64Ne).brIf(slow);
  const f = (r: number) =>
    w
      .i32(0)
      .memory(Opcode.I64Load, 3, layout.F_REGS + r * 8)
      .op(Opcode.F64ReinterpretI64);
  const code = binary[i.op];
  if (code !== undefined) {
    f(i.rs1);
    f(i.rs2);
    w.op(code);
  } else if (i.op === Op.FSQRT_D) {
    f(i.rs1);
    w.op(Opcode.F64Sqrt);
  } else {
    // FMADD a*b+c, FMSUB a*b-c, FNMSUB -(a*b)+c, FNMADD -(a*b)-c
    const [a, b, c] = locals.f;
    f(i.rs1);
    if (i.op === Op.FNMSUB_D || i.op === Op.FNMADD_D) w.op(Opcode.F64Neg);
    w.set(a);
    f(i.rs2);
    w.set(b);
    f(i.rs3);
    if (i.op === Op.FMSUB_D || i.op === Op.FNMADD_D) w.op(Opcode.F64Neg);
    w.set(c);
    fusedMultiplyAdd(w, locals, slow);
  }
  // The result must be finite and above the smallest normal number (see the top of the file).
  w.op(Opcode.I64ReinterpretF64).set(locals.i64);
  w.get(locals.i64).i64(ABS_MASK).op(Opcode.I64And).i64(SMALLEST_NORMAL_BITS).op(Opcode.I64Sub);
  w.i64(EXPONENT_MASK - SMALLEST_NORMAL_BITS)
    .op(Opcode.I64GeU)
    .brIf(slow);
  // (x - smallest) - 1 < ... excludes x == smallest itself: tininess after rounding is decided
  // on the unrounded value, which may lie below it.
  w.get(locals.i64).i64(ABS_MASK).op(Opcode.I64And).i64(SMALLEST_NORMAL_BITS).op(Opcode.I64Eq);
  w.brIf(slow);
  w.i32(0)
    .get(locals.i64)
    .memory(Opcode.I64Store, 3, layout.F_REGS + i.rd * 8);
  w.br(done);
}

/** Branches to `slow` unless |x| (an f64 local) has an unbiased exponent within [lo, hi]. */
function exponentWithin(w: CodeWriter, x: number, lo: number, hi: number, slow: string): void {
  w.get(x).op(Opcode.I64ReinterpretF64).i64(52).op(Opcode.I64ShrU).i64(0x7ff).op(Opcode.I64And);
  w.i64(1023 + lo)
    .op(Opcode.I64Sub)
    .i64(hi - lo)
    .op(Opcode.I64GtU)
    .brIf(slow);
}

/** a·b + c of the locals a, b, c, correctly rounded to nearest-even, left on the stack. */
function fusedMultiplyAdd(w: CodeWriter, locals: FloatLocals, slow: string): void {
  const [a, b, c, p, ah, al, bh, bl, e, th, tl, t] = locals.f;
  // Where no step below overflows or underflows: a and b normal with exponents in ±450, and c
  // zero or normal with an exponent in ±900.
  exponentWithin(w, a, -450, 450, slow);
  exponentWithin(w, b, -450, 450, slow);
  w.get(c).op(Opcode.I64ReinterpretF64).i64(ABS_MASK).op(Opcode.I64And).op(Opcode.I64Eqz);
  w.if();
  w.else();
  exponentWithin(w, c, -900, 900, slow);
  w.end();
  // p + e = a·b exactly (Veltkamp's split into 26- and 27-bit halves, then Dekker's product).
  const split = (x: number, hi: number, lo: number) => {
    w.get(x).f64(134217729).op(Opcode.F64Mul).tee(t); // 2^27 + 1
    w.get(t).get(x).op(Opcode.F64Sub).op(Opcode.F64Sub).set(hi);
    w.get(x).get(hi).op(Opcode.F64Sub).set(lo);
  };
  w.get(a).get(b).op(Opcode.F64Mul).set(p);
  split(a, ah, al);
  split(b, bh, bl);
  w.get(ah).get(bh).op(Opcode.F64Mul).get(p).op(Opcode.F64Sub);
  w.get(ah).get(bl).op(Opcode.F64Mul).op(Opcode.F64Add);
  w.get(al).get(bh).op(Opcode.F64Mul).op(Opcode.F64Add);
  w.get(al).get(bl).op(Opcode.F64Mul).op(Opcode.F64Add).set(e);
  // th + tl = c + p exactly (TwoSum).
  twoSum(w, c, p, th, tl, t);
  // tl + e rounded to odd: the nearest sum, moved one unit towards the exact sum when that is
  // inexact and the nearest is even.
  const [sum, err] = [a, b]; // a and b are no longer needed
  twoSum(w, tl, e, sum, err, t);
  w.get(err).f64(0).op(Opcode.F64Ne);
  w.get(sum).op(Opcode.I64ReinterpretF64).op(Opcode.I32WrapI64).i32(1).op(Opcode.I32And);
  w.op(Opcode.I32Eqz).op(Opcode.I32And);
  w.if();
  // Same signs: one unit away from zero (bits + 1); opposite: towards zero (bits - 1).
  w.get(sum).op(Opcode.I64ReinterpretF64);
  w.i64(1).i64(-1);
  w.get(err).f64(0).op(Opcode.F64Gt).get(sum).f64(0).op(Opcode.F64Gt).op(Opcode.I32Eq);
  w.op(Opcode.Select).op(Opcode.I64Add).op(Opcode.F64ReinterpretI64).set(sum);
  w.end();
  w.get(th).get(sum).op(Opcode.F64Add);
}

/** s + r = x + y exactly (Knuth's TwoSum), into the locals s and r; t is scratch. */
function twoSum(w: CodeWriter, x: number, y: number, s: number, r: number, t: number): void {
  w.get(x).get(y).op(Opcode.F64Add).set(s);
  w.get(s).get(x).op(Opcode.F64Sub).set(t); // the part of s that came from y
  w.get(x).get(s).get(t).op(Opcode.F64Sub).op(Opcode.F64Sub);
  w.get(y).get(t).op(Opcode.F64Sub).op(Opcode.F64Add).set(r);
}
