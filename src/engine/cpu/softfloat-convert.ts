// Conversions between the two formats and to and from integers (RISC-V FCVT.*).

import { FLAG_NV, FLAG_NX, RDN, RMM, RNE, RUP, raise } from './softfloat-env';
import {
  bias,
  defaultNan,
  isInf,
  isNan,
  isSignalingNan,
  isZero,
  normExp,
  normSig,
  packInf,
  packZero,
  roundPack,
  signOf,
} from './softfloat-format';

/** An encoding of format FROM, rounded into format TO (exact when TO is the wider one). */
@inline
export function convertFormat(a: u64, rm: u32, FROM: i32, TO: i32): u64 {
  if (isNan(a, FROM)) {
    if (isSignalingNan(a, FROM)) raise(FLAG_NV);
    return defaultNan(TO);
  }
  const sign = signOf(a, FROM);
  if (isInf(a, FROM)) return packInf(sign, TO);
  if (isZero(a, FROM)) return packZero(sign, TO);
  return roundPack(sign, normExp(a, FROM) - bias(FROM) + bias(TO), normSig(a, FROM), rm, TO);
}

/** magnitude × (sign ? −1 : 1), rounded into format F. */
@inline
export function fromInteger(sign: bool, magnitude: u64, rm: u32, F: i32): u64 {
  if (magnitude == 0) return 0; // integer zero converts to +0
  const lead = 63 - <i32>clz(magnitude); // position of the leading one
  if (lead == 63) {
    // One place too high for the internal form: shift down, keeping the dropped bit as sticky.
    return roundPack(sign, bias(F) + 63, (magnitude >> 1) | (magnitude & 1), rm, F);
  }
  return roundPack(sign, bias(F) + lead, magnitude << (62 - lead), rm, F);
}

/**
 * An encoding rounded to an integer of `bits` (32 or 64) bits, signed or not, saturating as the
 * RISC-V "F" extension's FCVT table says: NaN and too-large values give the largest value, too
 * negative ones the smallest, and both raise NV instead of NX. A 32-bit result comes back
 * sign-extended to 64 bits, as FCVT.W[U] writes it to the register.
 */
@inline
export function toInteger(a: u64, rm: u32, bits: i32, signed: bool, F: i32): u64 {
  const max: u64 = signed ? (<u64>1 << (bits - 1)) - 1 : <u64>-1 >> (64 - bits);
  const min: u64 = signed ? <u64>-1 << (bits - 1) : 0; // already sign-extended
  if (isNan(a, F)) {
    raise(FLAG_NV);
    return sextIfWord(max, bits);
  }
  const sign = signOf(a, F);
  if (isZero(a, F)) return 0;
  const e = isInf(a, F) ? bits : normExp(a, F) - bias(F); // unbiased; ∞ counts as out of range
  if (e >= bits) {
    raise(FLAG_NV); // |a| ≥ 2^bits overflows every destination even before rounding
    return sign ? min : sextIfWord(max, bits);
  }

  const sig = normSig(a, F);
  const magnitude = roundToInteger(sign, sig, e, rm);
  const inRange = sign
    ? magnitude <= (signed ? <u64>1 << (bits - 1) : 0)
    : magnitude <= (signed ? max : <u64>-1 >> (64 - bits));
  if (!inRange) {
    raise(FLAG_NV);
    return sign ? min : sextIfWord(max, bits);
  }
  if (hasFraction(sig, e)) raise(FLAG_NX);
  const result = sign ? 0 - magnitude : magnitude;
  return sextIfWord(result, bits);
}

@inline
function sextIfWord(x: u64, bits: i32): u64 {
  return bits == 32 ? <u64>(<i64>(<i32>x)) : x;
}

/** Whether sig × 2^(e − 62) (sig normalised) is not an integer. */
@inline
function hasFraction(sig: u64, e: i32): bool {
  if (e >= 62) return false;
  if (e < 0) return true;
  return sig << (e + 2) != 0; // shift out bit 63 and the e + 1 integer bits
}

/** |value| = sig × 2^(e − 62), sig normalised and e < 64, rounded to an integer magnitude. */
@inline
function roundToInteger(sign: bool, sig: u64, e: i32, rm: u32): u64 {
  if (e >= 62) return sig << (e - 62);
  let shift = 62 - e;
  if (shift > 63) {
    // Below 1/2: any value there rounds alike, so stand in the smallest one.
    sig = 1;
    shift = 63;
  }
  const whole = sig >> shift;
  const rest = sig & ((<u64>1 << shift) - 1);
  const half = <u64>1 << (shift - 1);
  let up = false;
  if (rm == RNE) up = rest > half || (rest == half && (whole & 1) != 0);
  else if (rm == RMM) up = rest >= half;
  else if (rm == (sign ? RDN : RUP)) up = rest != 0;
  return whole + <u64>up;
}
