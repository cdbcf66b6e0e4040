// Arithmetic the executor and translated units share.

/** The high 64 bits of the unsigned 128-bit product a·b. */
@inline export function mulhu(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff, aHi = a >> 32, bLo = b & 0xffffffff, bHi = b >> 32;
  const ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

@inline export function sext32(v: u64): u64 {
  return <u64><i64><i32>v;
}

