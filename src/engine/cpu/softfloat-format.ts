// Binary32 and binary64, told apart by the width of their fraction field, and the two steps every
// operation shares: unpacking an operand, and rounding an exact result back into the format.
//
// Every helper takes the format as a constant `F` (SINGLE or DOUBLE) and is inlined, so each
// public function compiles to code for its one format. Encodings travel as u64 for both formats
// (a binary32 is zero-extended).
//
// Internal form of a finite nonzero value: sig × 2^(exp − bias − 62), where sig is a u64 whose
// leading one sits at bit 62 (bit 63 stays free for a carry) and exp is the biased exponent the
// value would have with an unbounded exponent range, so subnormals come out with exp ≤ 0.

import { FLAG_NV, FLAG_NX, FLAG_OF, FLAG_UF, RDN, RMM, RNE, RUP, raise } from './softfloat-env';

export const SINGLE: i32 = 23;
export const DOUBLE: i32 = 52;

@inline
export function expMax(F: i32): i32 {
  return F == SINGLE ? 0xff : 0x7ff; // the all-ones exponent of infinities and NaNs
}

@inline
export function bias(F: i32): i32 {
  return expMax(F) >> 1;
}

@inline
export function signBit(F: i32): u64 {
  return <u64>1 << (F == SINGLE ? 31 : 63);
}

@inline
function fracMask(F: i32): u64 {
  return (<u64>1 << F) - 1;
}

@inline
export function signOf(a: u64, F: i32): bool {
  return (a & signBit(F)) != 0;
}

@inline
function expField(a: u64, F: i32): i32 {
  return <i32>(a >> F) & expMax(F);
}

@inline
export function isNan(a: u64, F: i32): bool {
  return expField(a, F) == expMax(F) && (a & fracMask(F)) != 0;
}

// A NaN is signalling when the top fraction bit is clear (IEEE 754-2008 §6.2.1).
@inline
export function isSignalingNan(a: u64, F: i32): bool {
  return isNan(a, F) && (a & (<u64>1 << (F - 1))) == 0;
}

@inline
export function isInf(a: u64, F: i32): bool {
  return (a & ~signBit(F)) == <u64>expMax(F) << F;
}

@inline
export function isZero(a: u64, F: i32): bool {
  return (a & ~signBit(F)) == 0;
}

@inline
export function isSubnormal(a: u64, F: i32): bool {
  return expField(a, F) == 0 && (a & fracMask(F)) != 0;
}

/** RISC-V writes this one NaN for every NaN result ("F" extension, "NaN Generation and Propagation"). */
@inline
export function defaultNan(F: i32): u64 {
  return (<u64>expMax(F) << F) | (<u64>1 << (F - 1));
}

@inline
export function packZero(sign: bool, F: i32): u64 {
  return sign ? signBit(F) : 0;
}

@inline
export function packInf(sign: bool, F: i32): u64 {
  return packZero(sign, F) | (<u64>expMax(F) << F);
}

/** The NaN result of an operation with NaN operands: NV only when one of them signals. */
@inline
export function propagateNan(a: u64, b: u64, F: i32): u64 {
  if (isSignalingNan(a, F) || isSignalingNan(b, F)) raise(FLAG_NV);
  return defaultNan(F);
}

@inline
export function invalid(F: i32): u64 {
  raise(FLAG_NV);
  return defaultNan(F);
}

/** The zero that an exact x + (−x) produces: +0, except −0 when rounding down (IEEE 754-2008 §6.3). */
@inline
export function exactZeroSum(rm: u32, F: i32): u64 {
  return packZero(rm == RDN, F);
}

/** Biased exponent of a finite nonzero operand once its significand is normalised. */
@inline
export function normExp(a: u64, F: i32): i32 {
  const e = expField(a, F);
  if (e != 0) return e;
  // Subnormal: each place the leading one sits below the hidden bit costs one from exp = 1.
  return 1 - (<i32>clz(a & fracMask(F)) - (63 - F));
}

/** Significand of a finite nonzero operand, leading one at bit 62. */
@inline
export function normSig(a: u64, F: i32): u64 {
  const frac = a & fracMask(F);
  if (expField(a, F) != 0) return (frac | (<u64>1 << F)) << (62 - F);
  return frac << (<u64>clz(frac) - 1);
}

/** x >> n, with every bit shifted out ORed into bit 0 so later rounding still sees it. */
@inline
export function shiftRightJam64(x: u64, n: i32): u64 {
  if (n == 0) return x;
  if (n >= 64) return <u64>(x != 0);
  return (x >> n) | <u64>(x << (64 - n) != 0);
}

@inline
export function normalizeShift(sig: u64): i32 {
  return <i32>clz(sig) - 1; // how far sig must move left to put its leading one at bit 62
}

/**
 * Rounds sign × sig × 2^(exp − bias − 62) to the format and packs it, raising NX, UF and OF.
 * sig must be normalised (leading one at bit 62); bits below the format's precision act as the
 * round and sticky bits, so a caller that dropped nonzero bits must have ORed them into bit 0.
 */
@inline
export function roundPack(sign: bool, exp: i32, sig: u64, rm: u32, F: i32): u64 {
  return F == SINGLE ? roundPack32(sign, exp, sig, rm) : roundPack64(sign, exp, sig, rm);
}

function roundPack32(sign: bool, exp: i32, sig: u64, rm: u32): u64 {
  return roundPackIn(sign, exp, sig, rm, SINGLE);
}

function roundPack64(sign: bool, exp: i32, sig: u64, rm: u32): u64 {
  return roundPackIn(sign, exp, sig, rm, DOUBLE);
}

@inline
function roundPackIn(sign: bool, exp: i32, sig: u64, rm: u32, F: i32): u64 {
  const roundBits = 62 - F; // sig bits below the F + 1 that the format keeps
  const roundMask: u64 = (<u64>1 << roundBits) - 1;
  const half: u64 = <u64>1 << (roundBits - 1);
  let increment: u64 = 0;
  if (rm == RNE || rm == RMM) increment = half;
  else if (rm == (sign ? RDN : RUP)) increment = roundMask;

  if (exp <= 0) {
    // Tininess is detected after rounding (RISC-V; IEEE 754-2008 §7.5): the result is tiny unless
    // rounding to full precision, with the exponent unbounded, would carry it up to 2^emin.
    const tiny = exp < 0 || sig + increment < <u64>1 << 63;
    sig = shiftRightJam64(sig, 1 - exp);
    exp = 1; // now a subnormal: bit 62 weighs 2^emin but need not be set
    if (tiny && (sig & roundMask) != 0) raise(FLAG_UF);
  }

  const rest = sig & roundMask;
  let m = (sig + increment) >> roundBits;
  if (rest != 0) raise(FLAG_NX);
  if (rm == RNE && rest == half) m &= ~(<u64>1); // a tie: back off to the even neighbour
  if (m >> (F + 1) != 0) {
    m >>= 1; // carried out to 2^(F+1), which is exactly representable one exponent up
    exp++;
  }

  if (exp >= expMax(F)) {
    raise(FLAG_OF | FLAG_NX);
    const toInfinity = rm == RNE || rm == RMM || rm == (sign ? RDN : RUP);
    if (toInfinity) return packInf(sign, F);
    return packInf(sign, F) - 1; // the largest finite magnitude
  }
  // m holds the hidden bit, so adding it to (exp − 1) in the exponent field lands on exp; a
  // subnormal (m < 2^F, exp = 1) keeps field 0, and one that rounded up to 2^F becomes 2^emin.
  return packZero(sign, F) | ((<u64>(exp - 1) << F) + m);
}
