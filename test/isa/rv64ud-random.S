/* rv64ud-random.S: D arithmetic on many pseudo-random operands, folded into one checksum that
 * must match QEMU's (the same program passes under QEMU, so the constant below is QEMU's result
 * as much as ours). Operands have exponents near 0 and far apart, both signs, and the fused
 * multiply-adds are also fed c = -(a*b) rounded, so that the exact sum cancels to the product's
 * rounding error (Unprivileged ISA, "D" Standard Extension; FMA: "Double-Precision Fused
 * Multiply-Add"). The first half runs with fflags.NX set, the second with fflags clear before
 * every operation, and the flags raised are folded in too. */
#include "isa.h"

#define ROUNDS 4000
#define CHECKSUM 0x2bfc6d65d0b25f69 /* QEMU 7.2 and the emulator agree */

/* s0: xorshift state; s1: checksum; s2: rounds left; s3: the flags-clear phase (0 or 1) */
.macro NEXT reg
  slli t0, s0, 13
  xor s0, s0, t0
  srli t0, s0, 7
  xor s0, s0, t0
  slli t0, s0, 17
  xor s0, s0, t0
  mv \reg, s0
.endm

/* freg = a double with a random mantissa and sign and an exponent of 1023 + (rand % 64) - 32,
 * or, when \wide, of (rand % 2046) + 1 (anywhere in the normal range). */
.macro RANDOM freg, wide
  NEXT t1
  li t2, 0x800fffffffffffff
  and t3, t1, t2
  srli t4, t1, 20
.if \wide
  li t5, 2046
  remu t4, t4, t5
  addi t4, t4, 1
.else
  andi t4, t4, 63
  addi t4, t4, 1023 - 32
.endif
  slli t4, t4, 52
  or t3, t3, t4
  fmv.d.x \freg, t3
.endm

/* checksum = rotl(checksum, 5) ^ bits(freg) ^ fflags; then fflags cleared in phase 1 */
.macro FOLD freg
  fmv.x.d t1, \freg
  slli t2, s1, 5
  srli t3, s1, 59
  or s1, t2, t3
  xor s1, s1, t1
  csrr t1, fflags
  xor s1, s1, t1
  beqz s3, .Lkeep\@
  csrwi fflags, 0
.Lkeep\@:
.endm

test_main:
  FP_ON
  CASE 1
  li s0, 0x9e3779b97f4a7c15
  li s1, 0
  li s3, 0
  csrwi fflags, 1            /* NX set: the arithmetic's fast paths apply */
phase:
  li s2, ROUNDS
1:
  RANDOM fa0, 0
  RANDOM fa1, 0
  RANDOM fa2, 0
  fadd.d fa3, fa0, fa1
  FOLD fa3
  fsub.d fa3, fa0, fa1
  FOLD fa3
  fmul.d fa3, fa0, fa1
  FOLD fa3
  fdiv.d fa3, fa0, fa1
  FOLD fa3
  fabs.d fa4, fa0
  fsqrt.d fa3, fa4
  FOLD fa3
  fmadd.d fa3, fa0, fa1, fa2
  FOLD fa3
  fmsub.d fa3, fa0, fa1, fa2
  FOLD fa3
  fnmsub.d fa3, fa0, fa1, fa2
  FOLD fa3
  fnmadd.d fa3, fa0, fa1, fa2
  FOLD fa3
  /* cancellation: c = -(a*b) rounded, so a*b + c is the product's rounding error */
  fmul.d fa4, fa0, fa1
  fneg.d fa4, fa4
  fmadd.d fa3, fa0, fa1, fa4
  FOLD fa3
  /* nearly cancelling: c one unit off -(a*b) */
  fmv.x.d t1, fa4
  addi t1, t1, 1
  fmv.d.x fa5, t1
  fmadd.d fa3, fa0, fa1, fa5
  FOLD fa3
  fnmadd.d fa3, fa0, fa1, fa5
  FOLD fa3
  /* exponents anywhere: overflow, underflow, subnormal results */
  RANDOM fa0, 1
  RANDOM fa1, 1
  RANDOM fa2, 1
  fmul.d fa3, fa0, fa1
  FOLD fa3
  fdiv.d fa3, fa0, fa1
  FOLD fa3
  fadd.d fa3, fa0, fa1
  FOLD fa3
  fmadd.d fa3, fa0, fa1, fa2
  FOLD fa3
  addi s2, s2, -1
  bnez s2, 1b
  bnez s3, 2f
  li s3, 1
  csrwi fflags, 0
  j phase
2:
  li t0, CHECKSUM
  bne s1, t0, test_fail

  /* Sums a double rounding gets wrong: a*b = 1 - 2^-104, so a*b + c lies just off a tie of c's
   * precision; rounding the product's error away first would land on the tie, then on even. */
  csrwi fflags, 1
  CASE 2
  li t0, 0x3ff0000000000001  /* 1 + 2^-52 */
  fmv.d.x fa0, t0
  li t0, 0x3feffffffffffffe  /* 1 - 2^-52 */
  fmv.d.x fa1, t0
  li t0, 0x4340000000000001  /* 2^53 + 2 */
  fmv.d.x fa2, t0
  fmadd.d fa3, fa0, fa1, fa2 /* 2^53 + 3 - 2^-104: down to 2^53 + 2, not the even 2^53 + 4 */
  fmv.x.d a0, fa3
  EXPECT a0, 0x4340000000000001
  CASE 3
  li t0, 0xc340000000000001  /* -(2^53 + 2) */
  fmv.d.x fa2, t0
  fmadd.d fa3, fa0, fa1, fa2 /* -(2^53 + 1 + 2^-104): to -(2^53 + 2), not the even -2^53 */
  fmv.x.d a0, fa3
  EXPECT a0, 0xc340000000000001
  j test_pass
