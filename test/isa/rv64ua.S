/* rv64ua.S: the A extension (Unprivileged ISA chapter 8, "A Standard Extension for
 * Atomic Instructions"): LR/SC success and failure, every AMO in W and D width with the
 * old value returned (sign-extended for W) and the new value in memory, W forms leaving
 * the neighbouring word alone, aq/rl variants, register aliasing, and the traps for
 * misaligned LR (cause 4), SC and AMOs (cause 6) and for atomics outside RAM. */
#include "isa.h"

#define GUARD 0x5a5a5a5a5a5a5a5a

/* A faulting AMO raises the store/AMO exceptions: address-misaligned cause 6, access
 * fault cause 7 (Privileged 3.1.15, table 3.6). QEMU 7.2 reports both as the load
 * exceptions (causes 4 and 5): its atomic helpers fault as a load. Under QEMU either
 * cause is accepted. */
#ifdef QEMU
#define AMO_ALT_MISALIGNED CAUSE_LOAD_MISALIGNED
#define AMO_ALT_ACCESS CAUSE_LOAD_ACCESS
#else
#define AMO_ALT_MISALIGNED CAUSE_STORE_MISALIGNED
#define AMO_ALT_ACCESS CAUSE_STORE_ACCESS
#endif

/* Case \n: with the doubleword at amo_mem = \init, \op a0, a2, (a1) with a2 = \src must
 * return \old and leave \new; the next doubleword is untouched. */
.macro T_AMO_D n, op, init, src, old, new
  CASE \n
  la a1, amo_mem
  li t5, \init
  sd t5, 0(a1)
  li t5, GUARD
  sd t5, 8(a1)
  li a2, \src
  \op a0, a2, (a1)
  EXPECT a0, \old
  EXPECT_DWORD amo_mem, 0, \new
  EXPECT_DWORD amo_mem, 8, GUARD
.endm

/* Case \n: the same for a word at amo_mem + 4 (the word at amo_mem + 0 is a guard). The
 * upper bits of rs2 are ignored. */
.macro T_AMO_W n, op, init, src, old, new
  CASE \n
  la a1, amo_mem
  li t5, ((\init) << 32) | (GUARD & 0xffffffff)
  sd t5, 0(a1)
  li t5, GUARD
  sd t5, 8(a1)
  addi a1, a1, 4
  li a2, \src
  \op a0, a2, (a1)
  EXPECT a0, \old
  EXPECT_DWORD amo_mem, 0, ((\new) << 32) | (GUARD & 0xffffffff)
  EXPECT_DWORD amo_mem, 8, GUARD
.endm

test_main:

  /* AMOSWAP.D and AMOSWAP.W */
  T_AMO_D 1, amoswap.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003
  T_AMO_D 2, amoswap.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001
  T_AMO_D 3, amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
  T_AMO_D 4, amoswap.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000
  T_AMO_D 5, amoswap.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x7ffffffffffffff0
  T_AMO_D 6, amoswap.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210
  T_AMO_W 7, amoswap.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000003
  T_AMO_W 8, amoswap.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001
  T_AMO_W 9, amoswap.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff
  T_AMO_W 10, amoswap.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x80000000
  T_AMO_W 11, amoswap.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x7ffffff0
  T_AMO_W 12, amoswap.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x89abcdef

  /* AMOADD.D and AMOADD.W */
  T_AMO_D 13, amoadd.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000008
  T_AMO_D 14, amoadd.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000
  T_AMO_D 15, amoadd.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  T_AMO_D 16, amoadd.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff
  T_AMO_D 17, amoadd.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0xfffffffffffffff1
  T_AMO_D 18, amoadd.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xffffffffffffffff
  T_AMO_W 19, amoadd.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000008
  T_AMO_W 20, amoadd.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000
  T_AMO_W 21, amoadd.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff
  T_AMO_W 22, amoadd.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0xffffffff
  T_AMO_W 23, amoadd.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0xfffffff1
  T_AMO_W 24, amoadd.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x8acf1356

  /* AMOXOR.D and AMOXOR.W */
  T_AMO_D 25, amoxor.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000006
  T_AMO_D 26, amoxor.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xfffffffffffffffe
  T_AMO_D 27, amoxor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  T_AMO_D 28, amoxor.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff
  T_AMO_D 29, amoxor.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0xfffffffffffffff1
  T_AMO_D 30, amoxor.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xffffffffffffffff
  T_AMO_W 31, amoxor.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000006
  T_AMO_W 32, amoxor.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xfffffffe
  T_AMO_W 33, amoxor.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff
  T_AMO_W 34, amoxor.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0xffffffff
  T_AMO_W 35, amoxor.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0xfffffff1
  T_AMO_W 36, amoxor.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x88888888

  /* AMOAND.D and AMOAND.W */
  T_AMO_D 37, amoand.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000001
  T_AMO_D 38, amoand.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001
  T_AMO_D 39, amoand.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000000
  T_AMO_D 40, amoand.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000000
  T_AMO_D 41, amoand.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x0000000000000000
  T_AMO_D 42, amoand.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0x0000000000000000
  T_AMO_W 43, amoand.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000001
  T_AMO_W 44, amoand.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001
  T_AMO_W 45, amoand.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x00000000
  T_AMO_W 46, amoand.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x00000000
  T_AMO_W 47, amoand.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x00000000
  T_AMO_W 48, amoand.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x01234567

  /* AMOOR.D and AMOOR.W */
  T_AMO_D 49, amoor.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000007
  T_AMO_D 50, amoor.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff
  T_AMO_D 51, amoor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  T_AMO_D 52, amoor.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff
  T_AMO_D 53, amoor.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0xfffffffffffffff1
  T_AMO_D 54, amoor.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xffffffffffffffff
  T_AMO_W 55, amoor.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000007
  T_AMO_W 56, amoor.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff
  T_AMO_W 57, amoor.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff
  T_AMO_W 58, amoor.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0xffffffff
  T_AMO_W 59, amoor.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0xfffffff1
  T_AMO_W 60, amoor.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x89abcdef

  /* AMOMIN.D and AMOMIN.W */
  T_AMO_D 61, amomin.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003
  T_AMO_D 62, amomin.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff
  T_AMO_D 63, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000
  T_AMO_D 64, amomin.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000
  T_AMO_D 65, amomin.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x8000000000000001
  T_AMO_D 66, amomin.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210
  T_AMO_W 67, amomin.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000003
  T_AMO_W 68, amomin.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff
  T_AMO_W 69, amomin.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000
  T_AMO_W 70, amomin.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x80000000
  T_AMO_W 71, amomin.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x80000001
  T_AMO_W 72, amomin.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x89abcdef

  /* AMOMAX.D and AMOMAX.W */
  T_AMO_D 73, amomax.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000005
  T_AMO_D 74, amomax.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001
  T_AMO_D 75, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
  T_AMO_D 76, amomax.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff
  T_AMO_D 77, amomax.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x7ffffffffffffff0
  T_AMO_D 78, amomax.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0x0123456789abcdef
  T_AMO_W 79, amomax.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000005
  T_AMO_W 80, amomax.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001
  T_AMO_W 81, amomax.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff
  T_AMO_W 82, amomax.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x7fffffff
  T_AMO_W 83, amomax.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x7ffffff0
  T_AMO_W 84, amomax.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x01234567

  /* AMOMINU.D and AMOMINU.W */
  T_AMO_D 85, amominu.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003
  T_AMO_D 86, amominu.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001
  T_AMO_D 87, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
  T_AMO_D 88, amominu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff
  T_AMO_D 89, amominu.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x7ffffffffffffff0
  T_AMO_D 90, amominu.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0x0123456789abcdef
  T_AMO_W 91, amominu.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000003
  T_AMO_W 92, amominu.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001
  T_AMO_W 93, amominu.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff
  T_AMO_W 94, amominu.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x7fffffff
  T_AMO_W 95, amominu.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x7ffffff0
  T_AMO_W 96, amominu.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x01234567

  /* AMOMAXU.D and AMOMAXU.W */
  T_AMO_D 97, amomaxu.d, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000005
  T_AMO_D 98, amomaxu.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff
  T_AMO_D 99, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000
  T_AMO_D 100, amomaxu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000
  T_AMO_D 101, amomaxu.d, 0x8000000000000001, 0x7ffffffffffffff0, 0x8000000000000001, 0x8000000000000001
  T_AMO_D 102, amomaxu.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210
  T_AMO_W 103, amomaxu.w, 0x00000005, 0x0000000000000003, 0x0000000000000005, 0x00000005
  T_AMO_W 104, amomaxu.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff
  T_AMO_W 105, amomaxu.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000
  T_AMO_W 106, amomaxu.w, 0x7fffffff, 0x0000000080000000, 0x000000007fffffff, 0x80000000
  T_AMO_W 107, amomaxu.w, 0x80000001, 0xdeadbeef7ffffff0, 0xffffffff80000001, 0x80000001
  T_AMO_W 108, amomaxu.w, 0x01234567, 0x0000000089abcdef, 0x0000000001234567, 0x89abcdef

  /* Acquire / release variants behave the same on a single hart. */
  T_AMO_D 109, amoadd.d.aq, 0x10, 0x101, 0x0000000000000010, 0x0000000000000111
  T_AMO_D 110, amoor.d.rl, 0x10, 0x101, 0x0000000000000010, 0x0000000000000111
  T_AMO_D 111, amomaxu.d.aqrl, 0x10, 0x101, 0x0000000000000010, 0x0000000000000101
  T_AMO_W 112, amoswap.w.aq, 0x80000010, 0x101, 0xffffffff80000010, 0x00000101
  T_AMO_W 113, amominu.w.rl, 0x80000010, 0x101, 0xffffffff80000010, 0x00000101
  T_AMO_W 114, amoxor.w.aqrl, 0x80000010, 0x101, 0xffffffff80000010, 0x80000111

  /* Register aliasing: rd = x0 still performs the operation; rd == rs2 returns the old
   * value while memory gets the old rs2. */
  CASE 120
  la a1, amo_mem
  li t5, 40
  sd t5, 0(a1)
  li a2, 2
  amoadd.d x0, a2, (a1)
  EXPECT_DWORD amo_mem, 0, 42
  CASE 121
  li a2, 7
  amoswap.d a2, a2, (a1)
  EXPECT a2, 42
  EXPECT_DWORD amo_mem, 0, 7

  /* LR / SC (8.2): a paired SC succeeds (rd = 0) and stores. */
  CASE 122
  la a1, lr_mem
  li t5, 0x1111222233334444
  sd t5, 0(a1)
  lr.d a0, (a1)
  EXPECT a0, 0x1111222233334444
  li a2, 0x5555666677778888
  sc.d a3, a2, (a1)
  EXPECT a3, 0
  EXPECT_DWORD lr_mem, 0, 0x5555666677778888

  /* Any SC invalidates the reservation, so a second SC fails (rd nonzero) and does not
   * store (8.2). */
  CASE 123
  li a2, 0x0123
  sc.d a3, a2, (a1)
  beqz a3, test_fail
  EXPECT_DWORD lr_mem, 0, 0x5555666677778888
  CASE 124
  lr.d a0, (a1)
  sc.d a3, a2, (a1)
  EXPECT a3, 0
  sc.d a3, a2, (a1)
  beqz a3, test_fail

  /* LR.W sign-extends; SC.W stores only the low word. */
  CASE 125
  li t5, 0x7777777780000001
  sd t5, 0(a1)
  lr.w a0, (a1)
  EXPECT a0, 0xffffffff80000001
  li a2, 0xffffffff12345678
  sc.w a3, a2, (a1)
  EXPECT a3, 0
  EXPECT_DWORD lr_mem, 0, 0x7777777712345678
  CASE 126
  addi a4, a1, 4
  lr.w.aq a0, (a4)
  EXPECT a0, 0x77777777
  li a2, -1
  sc.w.rl a3, a2, (a4)
  EXPECT a3, 0
  EXPECT_DWORD lr_mem, 0, 0xffffffff12345678

  /* An intervening store by the same hart to the reserved bytes makes the SC fail. The
   * spec only requires failure for stores by other harts (8.2: "An SC may succeed only if
   * no store from another hart..."); our engine also drops the reservation on its own
   * store, and QEMU fails the SC because the value it compares has changed. */
  CASE 127
  lr.d a0, (a1)
  li t5, 0x0badc0de
  sd t5, 0(a1)
  li a2, 99
  sc.d a3, a2, (a1)
  beqz a3, test_fail
  EXPECT_DWORD lr_mem, 0, 0x0badc0de

  /* An atomic increment loop built from LR/SC. */
  CASE 128
  sd zero, 0(a1)
  li s1, 5
1:
  lr.d a0, (a1)
  addi a0, a0, 3
  sc.d a3, a0, (a1)
  bnez a3, 1b
  addi s1, s1, -1
  bnez s1, 1b
  EXPECT_DWORD lr_mem, 0, 15

  /* Misaligned LR raises load address-misaligned (cause 4), misaligned SC and AMOs raise
   * store/AMO address-misaligned (cause 6), mtval = the address (8.2, 8.4; Privileged
   * 3.1.15 "Machine Cause Register" / 3.1.16 "mtval"). */
  CASE 129
  la a1, amo_mem + 2
  TRAP_RESUME 1f
9:
  lr.w a0, (a1)
  j test_fail
1:
  EXPECT_TRAP_AT CAUSE_LOAD_MISALIGNED, 9b, amo_mem + 2
  CASE 130
  la a1, amo_mem + 4
  TRAP_RESUME 1f
9:
  lr.d a0, (a1)
  j test_fail
1:
  EXPECT_TRAP_AT CAUSE_LOAD_MISALIGNED, 9b, amo_mem + 4
  CASE 131
  la a1, amo_mem + 1
  TRAP_RESUME 1f
9:
  amoadd.w a0, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_EITHER_AT CAUSE_STORE_MISALIGNED, AMO_ALT_MISALIGNED, 9b, amo_mem + 1
  CASE 132
  la a1, amo_mem + 4
  TRAP_RESUME 1f
9:
  amoswap.d a0, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_EITHER_AT CAUSE_STORE_MISALIGNED, AMO_ALT_MISALIGNED, 9b, amo_mem + 4
  CASE 133
  la a1, amo_mem + 6
  TRAP_RESUME 1f
9:
  amomaxu.d a0, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_EITHER_AT CAUSE_STORE_MISALIGNED, AMO_ALT_MISALIGNED, 9b, amo_mem + 6
  /* The trapping AMO changed neither rd nor memory. */
  CASE 134
  la a1, amo_mem
  li t5, 0x1234
  sd t5, 0(a1)
  sd t5, 8(a1)
  li a0, 77
  addi a1, a1, 2
  TRAP_RESUME 1f
  amoadd.w a0, a2, (a1)
1:
  EXPECT a0, 77
  EXPECT_DWORD amo_mem, 0, 0x1234
#ifndef QEMU
  /* A misaligned SC traps even without a reservation. QEMU 7.2 checks the reservation
   * first and, finding none, just fails the SC without trapping. */
  CASE 135
  la a1, amo_mem + 2
  TRAP_RESUME 1f
9:
  sc.w a3, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_AT CAUSE_STORE_MISALIGNED, 9b, amo_mem + 2
  CASE 136
  la a1, amo_mem + 4
  TRAP_RESUME 1f
9:
  sc.d a3, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_AT CAUSE_STORE_MISALIGNED, 9b, amo_mem + 4
#endif

  /* Atomics to unmapped physical memory raise access faults: LR a load access fault
   * (cause 5), AMOs a store/AMO access fault (cause 7); mtval = the address. */
  CASE 137
  li a1, 0x800
  TRAP_RESUME 1f
9:
  lr.d a0, (a1)
  j test_fail
1:
  EXPECT_TRAP CAUSE_LOAD_ACCESS, 9b, 0x800
  CASE 138
  TRAP_RESUME 1f
9:
  amoor.w a0, a2, (a1)
  j test_fail
1:
  EXPECT_TRAP_EITHER CAUSE_STORE_ACCESS, AMO_ALT_ACCESS, 9b, 0x800

  j test_pass

  .data
  .balign 16
amo_mem:
  .dword 0, 0
lr_mem:
  .dword 0, 0
