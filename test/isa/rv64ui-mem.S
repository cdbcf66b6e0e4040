/* rv64ui-mem.S: RV64I loads and stores (Unprivileged ISA 2.6 and 5.3, "Load and Store
 * Instructions"): every width with sign / zero extension, positive and negative offsets,
 * stores writing only their own bytes, misaligned accesses of every width and offset,
 * also across a page boundary, FENCE forms, and FENCE.I making self-modified code
 * visible (chapter 3, "Zifencei").
 *
 * Misaligned ordinary loads and stores: the spec lets an execution environment either
 * perform them or trap (2.6); our engine performs them, and so does QEMU, so these checks
 * run in both builds. */
#include "isa.h"

/* Case \n: \op from pattern + \off must give \expect (a1 = pattern base + 8, so that
 * offsets reach negative values too). */
.macro T_LOAD n, op, expect, off
  CASE \n
  la a1, pattern + 8
  \op a0, (\off - 8)(a1)
  EXPECT a0, \expect
.endm

/* Case \n: with the 16 bytes at `scratch` set to 0xaa, \op of 0x1122334455667788 at
 * scratch + \off (addressed as -16 from scratch + 16) must leave the two doublewords
 * \d0 and \d1. */
.macro T_STORE n, op, off, d0, d1
  CASE \n
  la a1, scratch
  li t5, 0xaaaaaaaaaaaaaaaa
  sd t5, 0(a1)
  sd t5, 8(a1)
  addi a1, a1, 16
  li a2, 0x1122334455667788
  \op a2, (\off - 16)(a1)
  EXPECT_DWORD scratch, 0, \d0
  EXPECT_DWORD scratch, 8, \d1
.endm

test_main:

  /* Aligned loads of every width, sign- and zero-extending. */
  T_LOAD 1, lb, 0xfffffffffffffff0, 0
  T_LOAD 2, lb, 0x0000000000000001, 1
  T_LOAD 3, lb, 0xffffffffffffff82, 2
  T_LOAD 4, lb, 0xffffffffffffffff, 15
  T_LOAD 5, lbu, 0x00000000000000f0, 0
  T_LOAD 6, lbu, 0x0000000000000001, 1
  T_LOAD 7, lbu, 0x0000000000000082, 2
  T_LOAD 8, lbu, 0x00000000000000ff, 15
  T_LOAD 9, lh, 0x00000000000001f0, 0
  T_LOAD 10, lh, 0x0000000000007382, 2
  T_LOAD 11, lh, 0xffffffffffffff8e, 14
  T_LOAD 12, lhu, 0x00000000000001f0, 0
  T_LOAD 13, lhu, 0x0000000000007382, 2
  T_LOAD 14, lhu, 0x000000000000ff8e, 14
  T_LOAD 15, lw, 0x00000000738201f0, 0
  T_LOAD 16, lw, 0x00000000279615e4, 4
  T_LOAD 17, lw, 0xffffffffff8e6ddc, 12
  T_LOAD 18, lwu, 0x00000000738201f0, 0
  T_LOAD 19, lwu, 0x00000000279615e4, 4
  T_LOAD 20, lwu, 0x00000000ff8e6ddc, 12
  T_LOAD 21, ld, 0x279615e4738201f0, 0
  T_LOAD 22, ld, 0xff8e6ddc4bca39a8, 8
  T_LOAD 23, ld, 0x8776655443322110, 16

  /* Misaligned loads: every width at every misaligned offset. */
  T_LOAD 24, lh, 0xffffffffffff8201, 1
  T_LOAD 25, lhu, 0x0000000000008201, 1
  T_LOAD 26, lw, 0xffffffffe4738201, 1
  T_LOAD 27, lw, 0x0000000015e47382, 2
  T_LOAD 28, lw, 0xffffffff9615e473, 3
  T_LOAD 29, lwu, 0x00000000e4738201, 1
  T_LOAD 30, lwu, 0x0000000015e47382, 2
  T_LOAD 31, lwu, 0x000000009615e473, 3
  T_LOAD 32, ld, 0xa8279615e4738201, 1
  T_LOAD 33, ld, 0x39a8279615e47382, 2
  T_LOAD 34, ld, 0xca39a8279615e473, 3
  T_LOAD 35, ld, 0x4bca39a8279615e4, 4
  T_LOAD 36, ld, 0xdc4bca39a8279615, 5
  T_LOAD 37, ld, 0x6ddc4bca39a82796, 6
  T_LOAD 38, ld, 0x8e6ddc4bca39a827, 7
  T_LOAD 39, ld, 0x10ff8e6ddc4bca39, 9
  T_LOAD 40, ld, 0x2110ff8e6ddc4bca, 10
  T_LOAD 41, ld, 0x322110ff8e6ddc4b, 11
  T_LOAD 42, ld, 0x43322110ff8e6ddc, 12
  T_LOAD 43, ld, 0x5443322110ff8e6d, 13
  T_LOAD 44, ld, 0x655443322110ff8e, 14
  T_LOAD 45, ld, 0x76655443322110ff, 15

  /* Stores write exactly their own bytes; aligned, misaligned, negative offsets. */
  T_STORE 50, sb, 0, 0xaaaaaaaaaaaaaa88, 0xaaaaaaaaaaaaaaaa
  T_STORE 51, sb, 7, 0x88aaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaaa
  T_STORE 52, sb, 8, 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaa88
  T_STORE 53, sb, 15, 0xaaaaaaaaaaaaaaaa, 0x88aaaaaaaaaaaaaa
  T_STORE 54, sh, 0, 0xaaaaaaaaaaaa7788, 0xaaaaaaaaaaaaaaaa
  T_STORE 55, sh, 6, 0x7788aaaaaaaaaaaa, 0xaaaaaaaaaaaaaaaa
  T_STORE 56, sh, 1, 0xaaaaaaaaaa7788aa, 0xaaaaaaaaaaaaaaaa
  T_STORE 57, sh, 7, 0x88aaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaa77
  T_STORE 58, sw, 0, 0xaaaaaaaa55667788, 0xaaaaaaaaaaaaaaaa
  T_STORE 59, sw, 4, 0x55667788aaaaaaaa, 0xaaaaaaaaaaaaaaaa
  T_STORE 60, sw, 1, 0xaaaaaa55667788aa, 0xaaaaaaaaaaaaaaaa
  T_STORE 61, sw, 2, 0xaaaa55667788aaaa, 0xaaaaaaaaaaaaaaaa
  T_STORE 62, sw, 3, 0xaa55667788aaaaaa, 0xaaaaaaaaaaaaaaaa
  T_STORE 63, sw, 5, 0x667788aaaaaaaaaa, 0xaaaaaaaaaaaaaa55
  T_STORE 64, sw, 7, 0x88aaaaaaaaaaaaaa, 0xaaaaaaaaaa556677
  T_STORE 65, sd, 0, 0x1122334455667788, 0xaaaaaaaaaaaaaaaa
  T_STORE 66, sd, 8, 0xaaaaaaaaaaaaaaaa, 0x1122334455667788
  T_STORE 67, sd, 1, 0x22334455667788aa, 0xaaaaaaaaaaaaaa11
  T_STORE 68, sd, 2, 0x334455667788aaaa, 0xaaaaaaaaaaaa1122
  T_STORE 69, sd, 3, 0x4455667788aaaaaa, 0xaaaaaaaaaa112233
  T_STORE 70, sd, 4, 0x55667788aaaaaaaa, 0xaaaaaaaa11223344
  T_STORE 71, sd, 5, 0x667788aaaaaaaaaa, 0xaaaaaa1122334455
  T_STORE 72, sd, 6, 0x7788aaaaaaaaaaaa, 0xaaaa112233445566
  T_STORE 73, sd, 7, 0x88aaaaaaaaaaaaaa, 0xaa11223344556677

  /* A load right after a store to the same bytes sees the new value. */
  CASE 74
  la a1, scratch
  li a2, -2
  sw a2, 4(a1)
  lwu a0, 4(a1)
  EXPECT a0, 0xfffffffe
  lw a0, 4(a1)
  EXPECT a0, -2

  /* Loads with rd == rs1, and with rd == x0 (the load happens, the result is dropped). */
  CASE 75
  la a1, pattern
  ld a1, 0(a1)
  EXPECT a1, 0x279615e4738201f0
  CASE 76
  la a1, pattern
  lw x0, 0(a1)
  ld x0, 3(a1)
  EXPECT x0, 0

  /* Misaligned accesses that straddle a 4 KiB page boundary. */
  CASE 77
  la a1, two_pages + 4096
  li a2, 0x8877665544332211
  sd a2, -3(a1)
  ld a0, -3(a1)
  EXPECT a0, 0x8877665544332211
  ld a0, -8(a1)
  EXPECT a0, 0x3322110000000000
  ld a0, 0(a1)
  EXPECT a0, 0x0000008877665544
  CASE 78
  lw a0, -2(a1)
  EXPECT a0, 0x0000000055443322
  lh a0, -1(a1)
  EXPECT a0, 0x4433
  lhu a0, -1(a1)
  EXPECT a0, 0x4433
  CASE 79
  li a2, 0xfedc
  sh a2, -1(a1)
  lbu a0, -1(a1)
  EXPECT a0, 0xdc
  lbu a0, 0(a1)
  EXPECT a0, 0xfe
  li a2, 0x80706050
  sw a2, -3(a1)
  lwu a0, -3(a1)
  EXPECT a0, 0x80706050
  lw a0, -3(a1)
  EXPECT a0, 0xffffffff80706050

  /* FENCE in its forms. FENCE.TSO and an unused fm value are ordinary fences, and the
   * reserved rs1 / rd fields are ignored (2.7, "Memory Ordering Instructions"). PAUSE
   * (FENCE with pred = W, succ = 0) is a HINT. None of them trap or write a register. */
  CASE 80
  li ra, 0x1234
  fence
  fence rw, rw
  fence r, r
  fence w, w
  fence iorw, iorw
  fence.tso
  .word 0x0100000f        /* pause */
  .word 0x0ff0808f        /* fence iorw, iorw with rd = x1, rs1 = x1 */
  .word 0x5ff0000f        /* fence iorw, iorw with fm = 0101 (reserved: a normal fence) */
  EXPECT ra, 0x1234

  /* FENCE.I: after it, instruction fetches see earlier stores (Zifencei). The routine
   * in smc_code is run, rewritten, and run again; a cached translation must not survive. */
  CASE 81
  la s1, smc_code
  jalr ra, 0(s1)
  EXPECT a0, 1
  CASE 82
  li t0, 0x00200513       /* addi a0, x0, 2 */
  sw t0, 0(s1)
  fence.i
  jalr ra, 0(s1)
  EXPECT a0, 2
  CASE 83
  li s2, 3
  li s3, 8
1:
  slli t0, s2, 20
  ori t0, t0, 0x513       /* addi a0, x0, s2 */
  sw t0, 0(s1)
  fence.i
  jalr ra, 0(s1)
  EXPECT_REG a0, s2
  addi s2, s2, 1
  bne s2, s3, 1b

  /* Rewriting an instruction a few words ahead in straight-line code that is already
   * being executed. */
  CASE 84
  la t0, 1f
  li t1, 0x00700513       /* addi a0, x0, 7 */
  sw t1, 0(t0)
  fence.i
1:
  li a0, 9
  EXPECT a0, 7

  j test_pass

  .data
pattern:
  .byte 0xf0, 0x01, 0x82, 0x73, 0xe4, 0x15, 0x96, 0x27, 0xa8, 0x39, 0xca, 0x4b, 0xdc, 0x6d, 0x8e, 0xff
  .byte 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87
  .balign 16
scratch:
  .skip 32
  .balign 4
smc_code:
  .word 0x00100513        /* addi a0, x0, 1 */
  .word 0x00008067        /* jalr x0, 0(ra) */

  .bss
  .balign 4096
two_pages:
  .skip 8192
