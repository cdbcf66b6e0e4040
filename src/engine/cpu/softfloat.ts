// IEEE 754-2008 binary32/binary64 arithmetic, bit-exact to the RISC-V "F" and "D" extensions, for
// the hart's floating-point instructions. Integer arithmetic only, no allocation.
//
// Contract:
// - Values are raw encodings: binary32 as u32, binary64 as u64.
// - rm is the RISC-V rounding-mode encoding (RNE 0, RTZ 1, RDN 2, RUP 3, RMM 4); the hart resolves
//   DYN and rejects the reserved modes before calling in.
// - Exceptions are ORed into `fflags` (NV 0x10, DZ 0x08, OF 0x04, UF 0x02, NX 0x01), never cleared.
// - Every NaN result is the canonical NaN; signalling NaN operands raise NV.
// - Underflow is tininess after rounding, and raised only when the result is also inexact.
// - FMSUB, FNMSUB and FNMADD are mulAdd with the signs of its inputs flipped by the caller.
//
// The work lives in softfloat-*.ts: format (unpacking, rounding), arith, compare, convert, and
// wide (128-bit helpers). Each generic core takes its format as a constant and is inlined here.

import { fusedMulAdd, product, quotient, squareRoot, sum } from './softfloat-arith';
import {
  classOf,
  equal,
  less,
  lessOrEqual,
  maximumNumber,
  minimumNumber,
} from './softfloat-compare';
import { convertFormat, fromInteger, toInteger } from './softfloat-convert';
import { DOUBLE, SINGLE, signBit } from './softfloat-format';

export { fflags } from './softfloat-env';

// binary32

export function f32_add(a: u32, b: u32, rm: u32): u32 {
  return <u32>sum(a, b, rm, SINGLE);
}

export function f32_sub(a: u32, b: u32, rm: u32): u32 {
  return <u32>sum(a, b ^ <u32>signBit(SINGLE), rm, SINGLE);
}

export function f32_mul(a: u32, b: u32, rm: u32): u32 {
  return <u32>product(a, b, rm, SINGLE);
}

export function f32_div(a: u32, b: u32, rm: u32): u32 {
  return <u32>quotient(a, b, rm, SINGLE);
}

export function f32_sqrt(a: u32, rm: u32): u32 {
  return <u32>squareRoot(a, rm, SINGLE);
}

export function f32_mulAdd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return <u32>fusedMulAdd(a, b, c, rm, SINGLE);
}

export function f32_eq(a: u32, b: u32): u32 {
  return equal(a, b, SINGLE);
}

export function f32_lt(a: u32, b: u32): u32 {
  return less(a, b, SINGLE);
}

export function f32_le(a: u32, b: u32): u32 {
  return lessOrEqual(a, b, SINGLE);
}

export function f32_min(a: u32, b: u32): u32 {
  return <u32>minimumNumber(a, b, SINGLE);
}

export function f32_max(a: u32, b: u32): u32 {
  return <u32>maximumNumber(a, b, SINGLE);
}

export function f32_classify(a: u32): u32 {
  return classOf(a, SINGLE);
}

// binary64

export function f64_add(a: u64, b: u64, rm: u32): u64 {
  return sum(a, b, rm, DOUBLE);
}

export function f64_sub(a: u64, b: u64, rm: u32): u64 {
  return sum(a, b ^ signBit(DOUBLE), rm, DOUBLE);
}

export function f64_mul(a: u64, b: u64, rm: u32): u64 {
  return product(a, b, rm, DOUBLE);
}

export function f64_div(a: u64, b: u64, rm: u32): u64 {
  return quotient(a, b, rm, DOUBLE);
}

export function f64_sqrt(a: u64, rm: u32): u64 {
  return squareRoot(a, rm, DOUBLE);
}

export function f64_mulAdd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fusedMulAdd(a, b, c, rm, DOUBLE);
}

export function f64_eq(a: u64, b: u64): u32 {
  return equal(a, b, DOUBLE);
}

export function f64_lt(a: u64, b: u64): u32 {
  return less(a, b, DOUBLE);
}

export function f64_le(a: u64, b: u64): u32 {
  return lessOrEqual(a, b, DOUBLE);
}

export function f64_min(a: u64, b: u64): u64 {
  return minimumNumber(a, b, DOUBLE);
}

export function f64_max(a: u64, b: u64): u64 {
  return maximumNumber(a, b, DOUBLE);
}

export function f64_classify(a: u64): u32 {
  return classOf(a, DOUBLE);
}

// Between the formats

export function f32_to_f64(a: u32): u64 {
  return convertFormat(a, 0, SINGLE, DOUBLE); // exact, so the rounding mode never matters
}

export function f64_to_f32(a: u64, rm: u32): u32 {
  return <u32>convertFormat(a, rm, DOUBLE, SINGLE);
}

// To integers: 32-bit results come back sign-extended, as FCVT.W and FCVT.WU write them.

export function f32_to_i32(a: u32, rm: u32): i64 {
  return <i64>toInteger(a, rm, 32, true, SINGLE);
}

export function f32_to_u32(a: u32, rm: u32): u64 {
  return toInteger(a, rm, 32, false, SINGLE);
}

export function f32_to_i64(a: u32, rm: u32): i64 {
  return <i64>toInteger(a, rm, 64, true, SINGLE);
}

export function f32_to_u64(a: u32, rm: u32): u64 {
  return toInteger(a, rm, 64, false, SINGLE);
}

export function f64_to_i32(a: u64, rm: u32): i64 {
  return <i64>toInteger(a, rm, 32, true, DOUBLE);
}

export function f64_to_u32(a: u64, rm: u32): u64 {
  return toInteger(a, rm, 32, false, DOUBLE);
}

export function f64_to_i64(a: u64, rm: u32): i64 {
  return <i64>toInteger(a, rm, 64, true, DOUBLE);
}

export function f64_to_u64(a: u64, rm: u32): u64 {
  return toInteger(a, rm, 64, false, DOUBLE);
}

// From integers: the 32-bit forms read only the low word of a, as FCVT.S.W[U] reads rs1.

export function i32_to_f32(a: i64, rm: u32): u32 {
  const x = <i64>(<i32>a);
  return <u32>fromInteger(x < 0, x < 0 ? <u64>-x : <u64>x, rm, SINGLE);
}

export function u32_to_f32(a: u64, rm: u32): u32 {
  return <u32>fromInteger(false, a & 0xffffffff, rm, SINGLE);
}

export function i64_to_f32(a: i64, rm: u32): u32 {
  return <u32>fromInteger(a < 0, a < 0 ? <u64>(0 - a) : <u64>a, rm, SINGLE);
}

export function u64_to_f32(a: u64, rm: u32): u32 {
  return <u32>fromInteger(false, a, rm, SINGLE);
}

export function i32_to_f64(a: i64, rm: u32): u64 {
  const x = <i64>(<i32>a);
  return fromInteger(x < 0, x < 0 ? <u64>-x : <u64>x, rm, DOUBLE); // always exact
}

export function u32_to_f64(a: u64, rm: u32): u64 {
  return fromInteger(false, a & 0xffffffff, rm, DOUBLE); // always exact
}

export function i64_to_f64(a: i64, rm: u32): u64 {
  return fromInteger(a < 0, a < 0 ? <u64>(0 - a) : <u64>a, rm, DOUBLE);
}

export function u64_to_f64(a: u64, rm: u32): u64 {
  return fromInteger(false, a, rm, DOUBLE);
}
