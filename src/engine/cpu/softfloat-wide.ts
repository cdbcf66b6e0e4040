// Unsigned 128-bit integers as (hi, lo) pairs of u64, for the exact significand products that
// multiplication, fused multiply-add and square root need. AssemblyScript returns one value and
// these must not allocate, so a 128-bit result lands in the globals wideHi and wideLo.

export let wideHi: u64 = 0;
export let wideLo: u64 = 0;

/** The full 128-bit product a × b, built from 32-bit halves. */
@inline
export function mul64x64(a: u64, b: u64): void {
  const aLo = a & 0xffffffff;
  const aHi = a >> 32;
  const bLo = b & 0xffffffff;
  const bHi = b >> 32;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  // The middle column sums three values below 2^32 each, so it cannot overflow.
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  wideLo = (mid << 32) | (ll & 0xffffffff);
  wideHi = aHi * bHi + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** (hi, lo) >> n with the bits shifted out ORed into bit 0, for any n ≥ 0. */
@inline
export function shiftRightJam128(hi: u64, lo: u64, n: i32): void {
  if (n == 0) {
    wideHi = hi;
    wideLo = lo;
  } else if (n < 64) {
    wideHi = hi >> n;
    wideLo = (hi << (64 - n)) | (lo >> n) | <u64>(lo << (64 - n) != 0);
  } else if (n == 64) {
    wideHi = 0;
    wideLo = hi | <u64>(lo != 0);
  } else if (n < 128) {
    wideHi = 0;
    wideLo = (hi >> (n - 64)) | <u64>((hi << (128 - n)) != 0 || lo != 0);
  } else {
    wideHi = 0;
    wideLo = <u64>((hi | lo) != 0);
  }
}

/** (hi, lo) << n for 0 ≤ n < 128. */
@inline
export function shiftLeft128(hi: u64, lo: u64, n: i32): void {
  if (n == 0) {
    wideHi = hi;
    wideLo = lo;
  } else if (n < 64) {
    wideHi = (hi << n) | (lo >> (64 - n));
    wideLo = lo << n;
  } else {
    wideHi = lo << (n - 64);
    wideLo = 0;
  }
}

@inline
export function add128(aHi: u64, aLo: u64, bHi: u64, bLo: u64): void {
  const lo = aLo + bLo;
  wideHi = aHi + bHi + <u64>(lo < aLo);
  wideLo = lo;
}

@inline
export function sub128(aHi: u64, aLo: u64, bHi: u64, bLo: u64): void {
  wideHi = aHi - bHi - <u64>(aLo < bLo);
  wideLo = aLo - bLo;
}

@inline
export function lessThan128(aHi: u64, aLo: u64, bHi: u64, bLo: u64): bool {
  return aHi < bHi || (aHi == bHi && aLo < bLo);
}

@inline
export function clz128(hi: u64, lo: u64): i32 {
  return hi != 0 ? <i32>clz(hi) : 64 + <i32>clz(lo);
}
