/* rv64ui-branch.S: RV64I control transfer (Unprivileged ISA 2.5, "Control Transfer
 * Instructions"): every conditional branch taken and not taken, signed and unsigned
 * boundaries, forward and backward targets, JAL and JALR link values, JALR clearing
 * bit 0 of the target, and rd == rs1 for JALR. */
#include "isa.h"

/* Case \n: \op must branch for (a, b). */
.macro T_TAKEN n, op, a, b
  CASE \n
  li a1, \a
  li a2, \b
  \op a1, a2, .Ltaken\@
  j test_fail
.Ltaken\@:
.endm

/* Case \n: \op must fall through for (a, b). */
.macro T_NOT_TAKEN n, op, a, b
  CASE \n
  li a1, \a
  li a2, \b
  \op a1, a2, .Lbad\@
  j .Lok\@
.Lbad\@:
  j test_fail
.Lok\@:
.endm

test_main:

  /* BEQ */
  T_TAKEN 1, beq, 0x0000000000000000, 0x0000000000000000
  T_TAKEN 2, beq, 0x0000000000000001, 0x0000000000000001
  T_TAKEN 3, beq, 0xffffffffffffffff, 0xffffffffffffffff
  T_NOT_TAKEN 4, beq, 0x0000000000000000, 0x0000000000000001
  T_NOT_TAKEN 5, beq, 0x0000000000000001, 0x0000000000000000
  T_NOT_TAKEN 6, beq, 0xffffffffffffffff, 0x0000000000000001
  T_NOT_TAKEN 7, beq, 0x0000000000000001, 0xffffffffffffffff
  T_NOT_TAKEN 8, beq, 0x8000000000000000, 0x7fffffffffffffff
  T_NOT_TAKEN 9, beq, 0x7fffffffffffffff, 0x8000000000000000
  T_TAKEN 10, beq, 0x8000000000000000, 0x8000000000000000
  T_NOT_TAKEN 11, beq, 0x0000000100000000, 0x0000000000000000
  T_NOT_TAKEN 12, beq, 0x0000000000000000, 0x0000000100000000
  T_NOT_TAKEN 13, beq, 0x00000000ffffffff, 0x000000007fffffff

  /* BNE */
  T_NOT_TAKEN 14, bne, 0x0000000000000000, 0x0000000000000000
  T_NOT_TAKEN 15, bne, 0x0000000000000001, 0x0000000000000001
  T_NOT_TAKEN 16, bne, 0xffffffffffffffff, 0xffffffffffffffff
  T_TAKEN 17, bne, 0x0000000000000000, 0x0000000000000001
  T_TAKEN 18, bne, 0x0000000000000001, 0x0000000000000000
  T_TAKEN 19, bne, 0xffffffffffffffff, 0x0000000000000001
  T_TAKEN 20, bne, 0x0000000000000001, 0xffffffffffffffff
  T_TAKEN 21, bne, 0x8000000000000000, 0x7fffffffffffffff
  T_TAKEN 22, bne, 0x7fffffffffffffff, 0x8000000000000000
  T_NOT_TAKEN 23, bne, 0x8000000000000000, 0x8000000000000000
  T_TAKEN 24, bne, 0x0000000100000000, 0x0000000000000000
  T_TAKEN 25, bne, 0x0000000000000000, 0x0000000100000000
  T_TAKEN 26, bne, 0x00000000ffffffff, 0x000000007fffffff

  /* BLT */
  T_NOT_TAKEN 27, blt, 0x0000000000000000, 0x0000000000000000
  T_NOT_TAKEN 28, blt, 0x0000000000000001, 0x0000000000000001
  T_NOT_TAKEN 29, blt, 0xffffffffffffffff, 0xffffffffffffffff
  T_TAKEN 30, blt, 0x0000000000000000, 0x0000000000000001
  T_NOT_TAKEN 31, blt, 0x0000000000000001, 0x0000000000000000
  T_TAKEN 32, blt, 0xffffffffffffffff, 0x0000000000000001
  T_NOT_TAKEN 33, blt, 0x0000000000000001, 0xffffffffffffffff
  T_TAKEN 34, blt, 0x8000000000000000, 0x7fffffffffffffff
  T_NOT_TAKEN 35, blt, 0x7fffffffffffffff, 0x8000000000000000
  T_NOT_TAKEN 36, blt, 0x8000000000000000, 0x8000000000000000
  T_NOT_TAKEN 37, blt, 0x0000000100000000, 0x0000000000000000
  T_TAKEN 38, blt, 0x0000000000000000, 0x0000000100000000
  T_NOT_TAKEN 39, blt, 0x00000000ffffffff, 0x000000007fffffff

  /* BGE */
  T_TAKEN 40, bge, 0x0000000000000000, 0x0000000000000000
  T_TAKEN 41, bge, 0x0000000000000001, 0x0000000000000001
  T_TAKEN 42, bge, 0xffffffffffffffff, 0xffffffffffffffff
  T_NOT_TAKEN 43, bge, 0x0000000000000000, 0x0000000000000001
  T_TAKEN 44, bge, 0x0000000000000001, 0x0000000000000000
  T_NOT_TAKEN 45, bge, 0xffffffffffffffff, 0x0000000000000001
  T_TAKEN 46, bge, 0x0000000000000001, 0xffffffffffffffff
  T_NOT_TAKEN 47, bge, 0x8000000000000000, 0x7fffffffffffffff
  T_TAKEN 48, bge, 0x7fffffffffffffff, 0x8000000000000000
  T_TAKEN 49, bge, 0x8000000000000000, 0x8000000000000000
  T_TAKEN 50, bge, 0x0000000100000000, 0x0000000000000000
  T_NOT_TAKEN 51, bge, 0x0000000000000000, 0x0000000100000000
  T_TAKEN 52, bge, 0x00000000ffffffff, 0x000000007fffffff

  /* BLTU */
  T_NOT_TAKEN 53, bltu, 0x0000000000000000, 0x0000000000000000
  T_NOT_TAKEN 54, bltu, 0x0000000000000001, 0x0000000000000001
  T_NOT_TAKEN 55, bltu, 0xffffffffffffffff, 0xffffffffffffffff
  T_TAKEN 56, bltu, 0x0000000000000000, 0x0000000000000001
  T_NOT_TAKEN 57, bltu, 0x0000000000000001, 0x0000000000000000
  T_NOT_TAKEN 58, bltu, 0xffffffffffffffff, 0x0000000000000001
  T_TAKEN 59, bltu, 0x0000000000000001, 0xffffffffffffffff
  T_NOT_TAKEN 60, bltu, 0x8000000000000000, 0x7fffffffffffffff
  T_TAKEN 61, bltu, 0x7fffffffffffffff, 0x8000000000000000
  T_NOT_TAKEN 62, bltu, 0x8000000000000000, 0x8000000000000000
  T_NOT_TAKEN 63, bltu, 0x0000000100000000, 0x0000000000000000
  T_TAKEN 64, bltu, 0x0000000000000000, 0x0000000100000000
  T_NOT_TAKEN 65, bltu, 0x00000000ffffffff, 0x000000007fffffff

  /* BGEU */
  T_TAKEN 66, bgeu, 0x0000000000000000, 0x0000000000000000
  T_TAKEN 67, bgeu, 0x0000000000000001, 0x0000000000000001
  T_TAKEN 68, bgeu, 0xffffffffffffffff, 0xffffffffffffffff
  T_NOT_TAKEN 69, bgeu, 0x0000000000000000, 0x0000000000000001
  T_TAKEN 70, bgeu, 0x0000000000000001, 0x0000000000000000
  T_TAKEN 71, bgeu, 0xffffffffffffffff, 0x0000000000000001
  T_NOT_TAKEN 72, bgeu, 0x0000000000000001, 0xffffffffffffffff
  T_TAKEN 73, bgeu, 0x8000000000000000, 0x7fffffffffffffff
  T_NOT_TAKEN 74, bgeu, 0x7fffffffffffffff, 0x8000000000000000
  T_TAKEN 75, bgeu, 0x8000000000000000, 0x8000000000000000
  T_TAKEN 76, bgeu, 0x0000000100000000, 0x0000000000000000
  T_NOT_TAKEN 77, bgeu, 0x0000000000000000, 0x0000000100000000
  T_TAKEN 78, bgeu, 0x00000000ffffffff, 0x000000007fffffff

  /* A backward branch taken repeatedly: a loop of ten iterations. */
  CASE 100
  li a0, 0
  li a1, 10
1:
  addi a0, a0, 1
  bne a0, a1, 1b
  EXPECT a0, 10

  /* Comparing a register with itself, and with x0. */
  CASE 101
  li a1, -5
  bge a1, a1, 1f
  j test_fail
1:
  blt a1, x0, 1f
  j test_fail
1:
  bltu x0, a1, 1f
  j test_fail
1:

  /* Branch offsets at the limits of the 13-bit range: +4092 (the largest multiple of 4
   * below +4094) and -4096. */
  CASE 102
  beq x0, x0, 1f
  .rept 1022
  j test_fail
  .endr
1:
  CASE 103
  j 2f
1:
  j 3f
  .rept 1023
  j test_fail
  .endr
2:
  beq x0, x0, 1b
  j test_fail
3:

  /* JAL: rd = pc + 4; a target beyond the reach of a branch. */
  CASE 104
  jal ra, 1f
2:
  j test_fail
  .rept 2048
  j test_fail
  .endr
1:
  EXPECT_ADDR ra, 2b
  CASE 105
  jal x0, 1f              /* J: no link */
  j test_fail
1:
  /* JAL backwards. */
  CASE 106
  j 2f
1:
  j 3f
2:
  jal s1, 1b
4:
  j test_fail
3:
  EXPECT_ADDR s1, 4b

  /* JALR: target = (rs1 + imm) & ~1, rd = pc + 4 (2.5, "Unconditional Jumps"). */
  CASE 107
  la a1, 1f
  jalr ra, 0(a1)
2:
  j test_fail
1:
  EXPECT_ADDR ra, 2b
  CASE 108
  la a1, 1f
  addi a1, a1, -12
  jalr ra, 12(a1)
  j test_fail
1:
  CASE 109
  la a1, 1f + 2047
  jalr x0, -2047(a1)
  j test_fail
1:
  CASE 110
  la a1, 1f - 2046
  jalr x0, 2047(a1)       /* the sum is odd: bit 0 is cleared, never a misaligned fetch */
  j test_fail
  .rept 511
  j test_fail
  .endr
1:
  CASE 111
  la a1, 1f
  addi a1, a1, 1
  jalr ra, 0(a1)
2:
  j test_fail
1:
  EXPECT_ADDR ra, 2b

  /* JALR with rd == rs1: the target uses the old rs1. */
  CASE 112
  la a1, 1f
  jalr a1, 0(a1)
2:
  j test_fail
1:
  EXPECT_ADDR a1, 2b

  /* JAL / JALR linking into x0 leave it zero. */
  CASE 113
  la a1, 1f
  jalr x0, 0(a1)
  j test_fail
1:
  EXPECT x0, 0

  /* A call / return pair through ra. */
  CASE 114
  li a0, 1
  call 5f
  EXPECT a0, 2
  j 6f
5:
  addi a0, a0, 1
  ret
6:

  j test_pass
