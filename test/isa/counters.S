/* counters.S: the base counters (Unprivileged ISA chapter 10, "Counters", Zicntr;
 * Privileged ISA 3.1.10 "Hardware Performance Monitor" and 3.1.11 "Counter-Enable").
 *
 * Covered: cycle and instret increase; instret counts exactly the instructions retired
 * (32-bit and compressed alike, a CSR read counting the instructions before it); time
 * never goes backwards and does advance; mcycle / minstret are writable and the user
 * views follow them; the mhpmcounter / mhpmevent CSRs exist (they may read zero).
 *
 * QEMU without -icount derives cycle and instret from the host clock, so there instret
 * is only checked to increase. */
#include "isa.h"

test_main:
  /* ---- cycle increases ---- */
  CASE 1
  rdcycle a0
  li t0, 1000
1:
  addi t0, t0, -1
  bnez t0, 1b
  rdcycle a1
  bgeu a0, a1, test_fail

  /* ---- instret counts retired instructions. A CSR read returns the value before its
   * own instruction retires (Unprivileged 9.1: "...reads the value prior to the execution of the
   * instruction"), so between two reads the difference is 1 + what lies between. ---- */
  CASE 2
  rdinstret a0
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  rdinstret a1
  sub a2, a1, a0
#ifdef QEMU
  beqz a2, test_fail
#else
  EXPECT a2, 11
#endif
  /* A loop: 100 iterations of two instructions. */
  CASE 3
  li t0, 100
  rdinstret a0
1:
  addi t0, t0, -1
  bnez t0, 1b
  rdinstret a1
  sub a2, a1, a0
#ifdef QEMU
  beqz a2, test_fail
#else
  EXPECT a2, 201
#endif
  /* Compressed instructions count one each. */
  CASE 4
  .option push
  .option rvc
  rdinstret a0
  c.nop
  c.addi a3, 1
  c.li a4, 3
  c.mv a5, a4
  rdinstret a1
  .option pop
  sub a2, a1, a0
#ifdef QEMU
  beqz a2, test_fail
#else
  EXPECT a2, 5
#endif
  /* minstret is the same counter as instret. */
  CASE 5
  csrr a0, minstret
  rdinstret a1
#ifdef QEMU
  bltu a1, a0, test_fail
#else
  addi a0, a0, 1
  EXPECT_REG a1, a0
#endif

  /* ---- mcycle and minstret are writable (3.1.10) and instret / cycle follow ---- */
  CASE 6
  li a1, 1000000
  csrw minstret, a1
  rdinstret a0
  bltu a0, a1, test_fail
#ifndef QEMU
  /* "If a CSR access instruction writes such a CSR, the write is done instead of the
   * increment" (Unprivileged 9.1), and RDINSTRET reads the value before its own increment. */
  EXPECT_REG a0, a1
#endif
  CASE 7
  li a1, 0x123456789
  csrw mcycle, a1
  rdcycle a0
  bltu a0, a1, test_fail
  csrr a2, mcycle
  bltu a2, a0, test_fail

  /* ---- time never decreases, and advances ---- */
  CASE 8
  rdtime s1
  li s2, 10000000             /* give up after this many reads */
1:
  rdtime a0
  bltu a0, s1, test_fail      /* went backwards */
  bne a0, s1, 2f
  addi s2, s2, -1
  bnez s2, 1b
  j test_fail                 /* never moved */
2:
  CASE 9
  li s2, 1000
  rdtime s1
1:
  rdtime a0
  bltu a0, s1, test_fail
  mv s1, a0
  addi s2, s2, -1
  bnez s2, 1b

  /* ---- the hardware performance counters 3..31 exist, possibly hard-wired to zero
   * (3.1.10: "All counters should be implemented, but a legal implementation is to make
   * both the counter and its corresponding event selector be read-only 0"). Our engine
   * follows that; QEMU 7.2 implements 3..18 only and traps on the rest, which the
   * "should" permits. ---- */
  CASE 10
  csrr a0, mhpmcounter3
  csrr a0, mhpmevent3
#ifndef QEMU
  csrr a0, mhpmcounter31
  csrr a0, mhpmevent31
#endif

  j test_pass
