// Comparisons, minimum/maximum and classification: operations that look at encodings and never
// round. Finite values and infinities order like sign-magnitude integers, with ±0 equal.

import { FLAG_NV, raise } from './softfloat-env';
import {
  defaultNan,
  isInf,
  isNan,
  isSignalingNan,
  isSubnormal,
  isZero,
  signOf,
} from './softfloat-format';

/** a < b for non-NaN encodings, with −0 < +0 when zerosDiffer (min/max) and −0 = +0 otherwise. */
@inline
function orderedLess(a: u64, b: u64, zerosDiffer: bool, F: i32): bool {
  const signA = signOf(a, F);
  if (signA != signOf(b, F)) return signA && (zerosDiffer || !(isZero(a, F) && isZero(b, F)));
  return signA ? a > b : a < b;
}

/** FEQ: a quiet comparison, so only a signalling NaN raises NV. */
@inline
export function equal(a: u64, b: u64, F: i32): u32 {
  if (isNan(a, F) || isNan(b, F)) {
    if (isSignalingNan(a, F) || isSignalingNan(b, F)) raise(FLAG_NV);
    return 0;
  }
  return <u32>(a == b || (isZero(a, F) && isZero(b, F)));
}

/** FLT: signalling, any NaN raises NV (IEEE 754-2008 §5.11). */
@inline
export function less(a: u64, b: u64, F: i32): u32 {
  if (isNan(a, F) || isNan(b, F)) {
    raise(FLAG_NV);
    return 0;
  }
  return <u32>orderedLess(a, b, false, F);
}

/** FLE: signalling, like FLT. */
@inline
export function lessOrEqual(a: u64, b: u64, F: i32): u32 {
  if (isNan(a, F) || isNan(b, F)) {
    raise(FLAG_NV);
    return 0;
  }
  return <u32>!orderedLess(b, a, false, F);
}

// FMIN/FMAX are IEEE 754-2019 minimumNumber/maximumNumber (RISC-V "F" 2.2): a NaN operand gives
// way to the other operand, two NaNs give the canonical NaN, and −0 orders below +0.
@inline
function minMax(a: u64, b: u64, wantMax: bool, F: i32): u64 {
  if (isSignalingNan(a, F) || isSignalingNan(b, F)) raise(FLAG_NV);
  if (isNan(a, F)) return isNan(b, F) ? defaultNan(F) : b;
  if (isNan(b, F)) return a;
  return orderedLess(a, b, true, F) != wantMax ? a : b;
}

@inline
export function minimumNumber(a: u64, b: u64, F: i32): u64 {
  return minMax(a, b, false, F);
}

@inline
export function maximumNumber(a: u64, b: u64, F: i32): u64 {
  return minMax(a, b, true, F);
}

/** FCLASS: one bit set, from bit 0 (−∞) up to bit 9 (quiet NaN). */
@inline
export function classOf(a: u64, F: i32): u32 {
  if (isNan(a, F)) return isSignalingNan(a, F) ? 1 << 8 : 1 << 9;
  const negative = signOf(a, F);
  let k: u32; // the position counted from the middle outwards: 0 zero, 1 subnormal, 2 normal, 3 inf
  if (isZero(a, F)) k = 0;
  else if (isSubnormal(a, F)) k = 1;
  else if (isInf(a, F)) k = 3;
  else k = 2;
  return negative ? 1 << (3 - k) : 1 << (4 + k);
}
