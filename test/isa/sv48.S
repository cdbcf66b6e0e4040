/* sv48.S: Sv48 virtual memory (Privileged ISA 4.5 "Sv48", with the walk of 4.3.2 over
 * four levels; 4.1.11 "satp").
 *
 * Page faults are delegated to S (medeleg 12, 13, 15) and resolved by the S handler's
 * fixup (store the corrected PTE, SFENCE.VMA, retry). Covered: the four-level walk to a
 * 4 KiB page; an invalid PTE fixed and retried; a store to a read-only page; SUM for U
 * pages; A and D set by hardware; 2 MiB, 1 GiB and 512 GiB superpages, and misaligned
 * 1 GiB and 512 GiB ones faulting; virtual addresses whose bits 63:48 do not copy bit 47
 * faulting; U-mode code through a user mapping.
 *
 * Virtual layout (root = level 3):
 *   0x0000_8000_0000  1 GiB   identity map of RAM (the image), supervisor only
 *   0x0000_4000_0000  1 GiB   the same RAM with the U bit (ALIAS_U)
 *   0x0000_0000_1000..        4 KiB test pages
 *   0x0000_c000_0000  2 MiB   megapage -> MEGA_PA
 *   0x0001_0000_0000  1 GiB   misaligned gigapage
 *   0x0080_0000_0000  512 GiB terapage -> physical 0 (so +0x8000_0000 is RAM)
 *   0x0100_0000_0000  512 GiB misaligned terapage */
#include "isa.h"

#define ALIAS_U (0x40000000 - 0x80000000)
#define MEGA_PA 0x80200000
#define TERA_VA 0x0000008000000000
#define PTE_RW_AD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

test_main:
  /* ---- page tables ---- */
  PTE_NEXT pt_root, 0, pt_l2
  PTE_LEAF_PA pt_l2, 2, 0x80000000, PTE_LEAF_RWX
  PTE_LEAF_PA pt_l2, 1, 0x80000000, PTE_LEAF_RWX | PTE_U
  PTE_NEXT pt_l2, 0, pt_l1
  PTE_NEXT pt_l1, 0, pt_l0
  PTE_NEXT pt_l2, 3, pt_mega
  PTE_LEAF_PA pt_mega, 0, MEGA_PA, PTE_RW_AD
  PTE_LEAF_PA pt_l2, 4, MEGA_PA, PTE_RW_AD                  /* misaligned gigapage */
  PTE_LEAF_PA pt_root, 1, 0, PTE_RW_AD                      /* terapage at 0 */
  PTE_LEAF_PA pt_root, 2, 0x80000000, PTE_RW_AD             /* misaligned terapage */
  /* 0x1000: page1, invalid until fixed */
  PTE_LEAF pt_l0, 2, page2, PTE_V | PTE_R | PTE_A | PTE_D  /* read-only */
  PTE_LEAF pt_l0, 3, page3, PTE_RW_AD | PTE_U              /* user */
  PTE_LEAF pt_l0, 5, page5, PTE_V | PTE_R | PTE_W          /* A = D = 0 */
  li t0, MEGA_PA
  li t1, 0x4d45474134383438
  sd t1, 0x100(t0)

  la t0, s_trap_entry
  csrw stvec, t0
  li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE)
  csrw medeleg, t0
  /* Sv48 is supported: satp keeps MODE 9 and the root PPN. */
  CASE 1
  SATP_SET SATP_MODE_SV48, pt_root
  csrr a0, satp
  la t0, pt_root
  srli t0, t0, 12
  li t1, SATP_MODE_SV48 << 60
  or t0, t0, t1
  EXPECT_REG a0, t0
  ENTER_MODE PRV_S, s_main

s_main:
  CASE 2
  EXPECT_DWORD page2, 0, 0x2222222222222222

  /* ---- the four-level walk to a 4 KiB page; an invalid leaf fixed and retried ---- */
  CASE 3
  la a2, pt_l0 + 1 * 8
  PTE_VALUE a3, page1, PTE_RW_AD
  ARM_FIXUP strap_rec, a2, a3
  li s1, 0x1000
9:
  lw a0, 12(s1)
  EXPECT a0, 0x11111111
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x100c
  /* An invalid pointer at level 1 (the walk stops early): fault, fixed, retried. */
  CASE 4
  la a2, pt_l1 + 0 * 8
  ld s2, 0(a2)
  sd zero, 0(a2)
  sfence.vma
  ARM_FIXUP strap_rec, a2, s2
9:
  ld a0, 0(s1)
  EXPECT a0, 0x1111111111111111
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x1000

  /* ---- a store to a read-only page: fault 15, fixed by adding W and D ---- */
  CASE 5
  la a2, pt_l0 + 2 * 8
  PTE_VALUE a3, page2, PTE_RW_AD
  ARM_FIXUP strap_rec, a2, a3
  li s1, 0x2000
  li a1, 0x2424
9:
  sd a1, 0x18(s1)
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x2018
  EXPECT_DWORD page2, 0x18, 0x2424

  /* ---- a U page from S needs SUM ---- */
  CASE 6
  li s1, 0x3000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x3000
  CASE 7
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a0, 0(s1)
  csrc sstatus, t0
  EXPECT a0, 0x3333333333333333

  /* ---- A and D set by hardware ---- */
  CASE 8
  la s2, pt_l0 + 5 * 8
  li s1, 0x5000
  ld a0, 0(s1)
  EXPECT a0, 0x5555555555555555
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, PTE_A
  sfence.vma
  sd zero, 0(s1)
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, PTE_A | PTE_D

  /* ---- superpages ---- */
  CASE 9
  li s1, 0xc0000000           /* 2 MiB */
  ld a0, 0x100(s1)
  EXPECT a0, 0x4d45474134383438
  CASE 10
  li s1, TERA_VA              /* 512 GiB at physical 0: + a RAM address reads RAM */
  la t0, page2
  add s1, s1, t0
  ld a0, 0(s1)
  EXPECT a0, 0x2222222222222222
  li a1, 0x7e7a
  sd a1, 8(s1)
  EXPECT_DWORD page2, 8, 0x7e7a
  /* Misaligned: a gigapage with PPN[1] != 0, a terapage with PPN[2] != 0. */
  CASE 11
  li s1, 0x100000000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x100000000
  CASE 12
  li s1, 0x0000010000000000
  STRAP_RESUME 1f
9:
  sb a0, 3(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x0000010000000003

  /* ---- bits 63:48 must equal bit 47, or the access faults before any walk (4.5.1) ---- */
  CASE 13
  li s1, 0x0000800000000000   /* bit 47 set, upper bits clear */
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x0000800000000000
  CASE 14
  li s1, 0x0001000080000000   /* bit 48 set: would be the identity map in Sv39 terms */
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x0001000080000000
  /* A canonical upper-half address walks normally (root[256] is invalid here). */
  CASE 15
  li s1, 0xffff800000000000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0xffff800000000000

  /* ---- U mode through the user alias ---- */
  CASE 16
  GOTO_M 1f
1:
  ENTER_MODE PRV_U, u_main, ALIAS_U
u_main:
  CASE 17
  li s1, 0x3000
  ld a0, 0(s1)
  EXPECT a0, 0x3333333333333333
  CASE 18
  li s1, 0x1000
  STRAP_RESUME 1f
9:
  sd a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x1000
  GOTO_M 2f
2:
  csrw satp, zero
  sfence.vma
  csrw medeleg, zero

  j test_pass

  .data
  .balign 4096
page1:
  .dword 0x1111111111111111, 0x1111111111111111
  .balign 4096
page2:
  .dword 0x2222222222222222, 0x2222222222222222, 0x2222222222222222, 0x2222222222222222
  .balign 4096
page3:
  .dword 0x3333333333333333
  .balign 4096
page5:
  .dword 0x5555555555555555

  .bss
  .balign 4096
pt_root: .skip 4096
pt_l2:   .skip 4096
pt_l1:   .skip 4096
pt_l0:   .skip 4096
pt_mega: .skip 4096
