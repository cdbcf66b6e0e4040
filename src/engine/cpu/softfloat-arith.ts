// The correctly rounded operations of IEEE 754-2008 §5.4.1 (addition, multiplication, division,
// square root, fused multiply-add), computed with integers only: each forms the exact result, or
// enough of it plus a sticky bit, and leaves rounding to roundPack. Special operands are settled
// first, in the order the RISC-V "F" extension and IEEE 754-2008 §7.2 give them.

import { FLAG_DZ, FLAG_NV, raise } from './softfloat-env';
import {
  bias,
  defaultNan,
  exactZeroSum,
  invalid,
  isInf,
  isNan,
  isSignalingNan,
  isZero,
  normExp,
  normSig,
  normalizeShift,
  packInf,
  packZero,
  propagateNan,
  roundPack,
  shiftRightJam64,
  signOf,
} from './softfloat-format';
import {
  add128,
  clz128,
  lessThan128,
  mul64x64,
  shiftLeft128,
  shiftRightJam128,
  sub128,
  wideHi,
  wideLo,
} from './softfloat-wide';

/** a + b. Subtraction is this with b's sign flipped. */
@inline
export function sum(a: u64, b: u64, rm: u32, F: i32): u64 {
  if (isNan(a, F) || isNan(b, F)) return propagateNan(a, b, F);
  const signA = signOf(a, F);
  const signB = signOf(b, F);
  if (isInf(a, F)) {
    if (isInf(b, F) && signA != signB) return invalid(F); // ∞ − ∞
    return a;
  }
  if (isInf(b, F)) return b;
  if (isZero(a, F)) {
    if (isZero(b, F)) return signA == signB ? a : exactZeroSum(rm, F);
    return b;
  }
  if (isZero(b, F)) return a;
  return sumFinite(signA, normExp(a, F), normSig(a, F), signB, normExp(b, F), normSig(b, F), rm, F);
}

@inline
function sumFinite(
  signA: bool,
  expA: i32,
  sigA: u64,
  signB: bool,
  expB: i32,
  sigB: u64,
  rm: u32,
  F: i32,
): u64 {
  if (expA < expB) {
    const sign = signA;
    signA = signB;
    signB = sign;
    const exp = expA;
    expA = expB;
    expB = exp;
    const sig = sigA;
    sigA = sigB;
    sigB = sig;
  }
  // Aligning with a sticky bit is exact enough: both significands have zeros below the format's
  // precision, so when B is shifted by 2 or more places the difference loses at most one leading
  // bit, and when it is shifted by 0 or 1 places nothing is dropped at all.
  sigB = shiftRightJam64(sigB, expA - expB);
  if (signA == signB) {
    const sig = sigA + sigB;
    if (sig >> 63 != 0) return roundPack(signA, expA + 1, shiftRightJam64(sig, 1), rm, F);
    return roundPack(signA, expA, sig, rm, F);
  }
  let sign = signA;
  let sig = sigA - sigB;
  if (sigB > sigA) {
    sign = signB; // only possible when the exponents are equal
    sig = sigB - sigA;
  }
  if (sig == 0) return exactZeroSum(rm, F);
  const shift = normalizeShift(sig);
  return roundPack(sign, expA - shift, sig << shift, rm, F);
}

/** a × b. */
@inline
export function product(a: u64, b: u64, rm: u32, F: i32): u64 {
  if (isNan(a, F) || isNan(b, F)) return propagateNan(a, b, F);
  const sign = signOf(a, F) != signOf(b, F);
  if (isInf(a, F) || isInf(b, F)) {
    if (isZero(a, F) || isZero(b, F)) return invalid(F); // ∞ × 0
    return packInf(sign, F);
  }
  if (isZero(a, F) || isZero(b, F)) return packZero(sign, F);
  // Two significands in [2^62, 2^63) multiply to [2^124, 2^126).
  mul64x64(normSig(a, F), normSig(b, F));
  const exp = normExp(a, F) + normExp(b, F) - bias(F);
  if (wideHi >> 61 != 0) {
    const sig = (wideHi << 1) | (wideLo >> 63) | <u64>(wideLo << 1 != 0);
    return roundPack(sign, exp + 1, sig, rm, F);
  }
  const sig = (wideHi << 2) | (wideLo >> 62) | <u64>(wideLo << 2 != 0);
  return roundPack(sign, exp, sig, rm, F);
}

/** a ÷ b. */
@inline
export function quotient(a: u64, b: u64, rm: u32, F: i32): u64 {
  if (isNan(a, F) || isNan(b, F)) return propagateNan(a, b, F);
  const sign = signOf(a, F) != signOf(b, F);
  if (isInf(a, F)) {
    if (isInf(b, F)) return invalid(F); // ∞ ÷ ∞
    return packInf(sign, F);
  }
  if (isInf(b, F)) return packZero(sign, F);
  if (isZero(b, F)) {
    if (isZero(a, F)) return invalid(F); // 0 ÷ 0
    raise(FLAG_DZ);
    return packInf(sign, F);
  }
  if (isZero(a, F)) return packZero(sign, F);

  // Long division on the (F + 1)-bit integer significands, taking `step` quotient bits per native
  // division: the remainder stays below mB < 2^(F+1), so shifting it by step cannot overflow.
  // F + 3 quotient bits give the precision, a round bit and one spare; the remainder is the sticky.
  const step = 62 - F;
  const mA = normSig(a, F) >> step;
  const mB = normSig(b, F) >> step;
  let q = mA / mB;
  let rem = mA % mB;
  let bits = 0;
  do {
    rem <<= step;
    q = (q << step) | (rem / mB);
    rem %= mB;
    bits += step;
  } while (bits < F + 3);
  // q = floor(mA × 2^bits / mB); its leading one weighs 2^(62 − shift − bits) × 2^(expA − expB).
  const shift = normalizeShift(q);
  const exp = normExp(a, F) - normExp(b, F) + bias(F) + 62 - shift - bits;
  return roundPack(sign, exp, (q << shift) | <u64>(rem != 0), rm, F);
}

/** √a. */
@inline
export function squareRoot(a: u64, rm: u32, F: i32): u64 {
  if (isNan(a, F)) return propagateNan(a, a, F);
  if (isZero(a, F)) return a; // √(±0) = ±0 (IEEE 754-2008 §6.3)
  if (signOf(a, F)) return invalid(F);
  if (isInf(a, F)) return a;

  // a = m × 2^(e − F) with m the (F + 1)-bit integer significand and e unbiased. Take the integer
  // root of R = m × 2^s, choosing s so that e − F − s is even: R lies in [2^(2F+4), 2^(2F+6)), so
  // its root has exactly F + 3 bits, and R − root² ≠ 0 is the sticky bit.
  const e = normExp(a, F) - bias(F);
  const m = normSig(a, F) >> (62 - F);
  const s = (e & 1) == 0 ? F + 4 : F + 5;
  const rHi = m >> (64 - s);
  const rLo = m << s;

  // R has at most 53 significant bits, so it converts to f64 exactly, and the host's square root
  // is correctly rounded: the seed is within a unit of the integer root, which the loops settle.
  let root = <u64>sqrt<f64>(<f64>rHi * 18446744073709551616.0 + <f64>rLo);
  while (squareExceeds(root, rHi, rLo)) root--;
  while (!squareExceeds(root + 1, rHi, rLo)) root++;
  mul64x64(root, root);
  const exact = wideHi == rHi && wideLo == rLo;

  const exp = bias(F) + F + 2 + ((e - F - s) >> 1);
  return roundPack(false, exp, (root << (60 - F)) | <u64>!exact, rm, F);
}

@inline
function squareExceeds(root: u64, hi: u64, lo: u64): bool {
  mul64x64(root, root);
  return lessThan128(hi, lo, wideHi, wideLo);
}

/** a × b + c with a single rounding. */
@inline
export function fusedMulAdd(a: u64, b: u64, c: u64, rm: u32, F: i32): u64 {
  const infTimesZero = (isInf(a, F) && isZero(b, F)) || (isZero(a, F) && isInf(b, F));
  if (isNan(a, F) || isNan(b, F) || isNan(c, F)) {
    // RISC-V "F" extension: ∞ × 0 is invalid even when the addend is a quiet NaN.
    if (isSignalingNan(a, F) || isSignalingNan(b, F) || isSignalingNan(c, F) || infTimesZero) {
      raise(FLAG_NV);
    }
    return defaultNan(F);
  }
  if (infTimesZero) return invalid(F);
  const signP = signOf(a, F) != signOf(b, F);
  const signC = signOf(c, F);
  if (isInf(a, F) || isInf(b, F)) {
    if (isInf(c, F) && signC != signP) return invalid(F); // ∞ − ∞
    return packInf(signP, F);
  }
  if (isInf(c, F)) return c;
  if (isZero(a, F) || isZero(b, F)) {
    if (isZero(c, F)) return signP == signC ? packZero(signP, F) : exactZeroSum(rm, F);
    return c;
  }

  // The exact product, its leading one moved to bit 126 of the 128 (bit 127 is for the carry).
  mul64x64(normSig(a, F), normSig(b, F));
  let expP = normExp(a, F) + normExp(b, F) - bias(F);
  let pHi: u64;
  let pLo: u64;
  if (wideHi >> 61 != 0) {
    pHi = (wideHi << 1) | (wideLo >> 63);
    pLo = wideLo << 1;
    expP++;
  } else {
    pHi = (wideHi << 2) | (wideLo >> 62);
    pLo = wideLo << 2;
  }
  if (isZero(c, F)) return roundPack(signP, expP, pHi | <u64>(pLo != 0), rm, F);
  return sumWide(signP, expP, pHi, pLo, signC, normExp(c, F), normSig(c, F), 0, rm, F);
}

// sumFinite over 128-bit significands (leading one at bit 126), so that no bit of the product is
// lost before the addend has had its say. The same alignment argument holds: both inputs end in
// zeros, so jamming never disturbs a bit that survives normalisation.
@inline
function sumWide(
  signX: bool,
  expX: i32,
  xHi: u64,
  xLo: u64,
  signY: bool,
  expY: i32,
  yHi: u64,
  yLo: u64,
  rm: u32,
  F: i32,
): u64 {
  if (expX < expY) {
    const sign = signX;
    signX = signY;
    signY = sign;
    const exp = expX;
    expX = expY;
    expY = exp;
    let t = xHi;
    xHi = yHi;
    yHi = t;
    t = xLo;
    xLo = yLo;
    yLo = t;
  }
  shiftRightJam128(yHi, yLo, expX - expY);
  yHi = wideHi;
  yLo = wideLo;

  let sign = signX;
  let exp = expX;
  if (signX == signY) {
    add128(xHi, xLo, yHi, yLo);
    if (wideHi >> 63 != 0) {
      shiftRightJam128(wideHi, wideLo, 1);
      exp++;
    }
  } else {
    if (lessThan128(xHi, xLo, yHi, yLo)) {
      sign = signY; // only possible when the exponents are equal
      sub128(yHi, yLo, xHi, xLo);
    } else {
      sub128(xHi, xLo, yHi, yLo);
    }
    if ((wideHi | wideLo) == 0) return exactZeroSum(rm, F);
    const shift = clz128(wideHi, wideLo) - 1;
    shiftLeft128(wideHi, wideLo, shift);
    exp -= shift;
  }
  return roundPack(sign, exp, wideHi | <u64>(wideLo != 0), rm, F);
}
