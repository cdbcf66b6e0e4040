/* sv39.S: Sv39 virtual memory (Privileged ISA 4.3 "Sv32" for the common rules, 4.4
 * "Sv39"; 4.1.11 "satp"; 4.2.1 "SFENCE.VMA").
 *
 * S mode runs with page faults delegated to it (medeleg 12, 13, 15) and resolves them
 * like an OS: the S handler's fixup stores a corrected PTE, runs SFENCE.VMA and retries
 * the instruction. Covered: an invalid PTE; a store to a read-only page; S access to a U
 * page with SUM = 0 and 1; S fetch from a U page (always a fault); fetch from a non-X
 * page; MXR reading an execute-only page; the W-without-R reserved encoding; a pointer
 * PTE at the last level; accessed / dirty bits set by hardware; SFENCE.VMA making a
 * changed PTE visible; misaligned accesses across two pages, and a store faulting on
 * its second page; U-mode code run through a user mapping, and its faults; a 32-bit
 * instruction split across two pages mapped out of order, and the fetch fault on its
 * second half; 2 MiB and 1 GiB superpages, and misaligned ones faulting; satp MODE
 * Sv57 left unchanged when unsupported.
 *
 * Virtual layout:
 *   0x8000_0000  1 GiB   identity map of RAM (the image), supervisor only
 *   0x4000_0000  1 GiB   the same RAM with the U bit: U code runs here (ALIAS_U)
 *   0x0000_1000..        4 KiB test pages (pt_l0), described at their PTEs below
 *   0xc000_0000  2 MiB   megapage -> 0x8020_0000; 0xc020_0000: misaligned megapage
 *   0x1_0000_0000 1 GiB  misaligned gigapage */
#include "isa.h"

#define ALIAS_U (0x40000000 - 0x80000000)
#define MEGA_PA 0x80200000          /* free RAM past the image, 2 MiB aligned */
#define PTE_RW_AD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

test_main:
  /* ---- page tables (built in M, physically) ---- */
  PTE_LEAF_PA pt_root, 2, 0x80000000, PTE_LEAF_RWX
  PTE_LEAF_PA pt_root, 1, 0x80000000, PTE_LEAF_RWX | PTE_U
  PTE_NEXT pt_root, 0, pt_l1
  PTE_NEXT pt_l1, 0, pt_l0
  PTE_NEXT pt_root, 3, pt_mega
  PTE_LEAF_PA pt_mega, 0, MEGA_PA, PTE_RW_AD
  PTE_LEAF_PA pt_mega, 1, MEGA_PA + 0x1000, PTE_RW_AD   /* PPN[0] != 0: misaligned */
  PTE_LEAF_PA pt_root, 4, MEGA_PA, PTE_RW_AD            /* PPN[1] != 0: misaligned */
  /* 0x1000: page1, invalid until a fault fixes it */
  PTE_LEAF pt_l0, 2, page2, PTE_V | PTE_R | PTE_A | PTE_D           /* read-only */
  PTE_LEAF pt_l0, 3, page3, PTE_RW_AD | PTE_U                       /* user data */
  PTE_LEAF pt_l0, 4, page4, PTE_V | PTE_X | PTE_A                   /* execute-only */
  PTE_LEAF pt_l0, 5, page5, PTE_V | PTE_R | PTE_W | PTE_X           /* A = D = 0 */
  PTE_LEAF pt_l0, 6, split_hi, PTE_V | PTE_R | PTE_X | PTE_A        /* note: */
  PTE_LEAF pt_l0, 7, split_lo, PTE_V | PTE_R | PTE_X | PTE_A        /* swapped */
  PTE_LEAF pt_l0, 8, page1, PTE_RW_AD                               /* non-X data */
  PTE_LEAF pt_l0, 9, page1, PTE_V | PTE_W | PTE_A | PTE_D           /* W without R */
  PTE_NEXT pt_l0, 10, page1                                         /* pointer at level 0 */
  /* A marker in the megapage's memory. */
  li t0, MEGA_PA
  li t1, 0x6d6567616d656761
  sd t1, 0x238(t0)
  /* The split instruction: ADDI a0, a0, 0x123 (0x12350513) with its low half at the end
   * of split_hi (virtual page 6) and its high half, then RET, at the start of split_lo
   * (virtual page 7). */
  la t0, split_hi + 4094
  li t1, 0x0513
  sh t1, 0(t0)
  la t0, split_lo
  li t1, 0x1235
  sh t1, 0(t0)
  li t1, 0x8067               /* ret = jalr x0, 0(ra) = 0x00008067 */
  sh t1, 2(t0)
  sh zero, 4(t0)
  fence.i

  la t0, s_trap_entry
  csrw stvec, t0
  li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE)
  csrw medeleg, t0
  CASE 1
  SATP_SET SATP_MODE_SV39, pt_root
  csrr a0, satp               /* the root's PPN round-trips */
  la t0, pt_root
  srli t0, t0, 12
  li t1, SATP_MODE_SV39 << 60
  or t0, t0, t1
  EXPECT_REG a0, t0

  ENTER_MODE PRV_S, s_main

s_main:
  /* The identity map works: this code runs, and data reads back. */
  CASE 2
  EXPECT_DWORD page2, 0, 0x2222222222222222

  /* ---- an invalid PTE: load page fault (13), stval = the address; the handler makes
   * the PTE valid and the load is retried ---- */
  CASE 3
  la a2, pt_l0 + 1 * 8
  PTE_VALUE a3, page1, PTE_RW_AD
  ARM_FIXUP strap_rec, a2, a3
  li s1, 0x1000
9:
  ld a0, 8(s1)
  EXPECT a0, 0x1111111111111111
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x1008

  /* ---- a store to a read-only page: store page fault (15); fixed by adding W ---- */
  CASE 4
  la a2, pt_l0 + 2 * 8
  PTE_VALUE a3, page2, PTE_RW_AD
  ARM_FIXUP strap_rec, a2, a3
  li s1, 0x2000
  li a1, 0x2323232323232323
9:
  sd a1, 0x10(s1)
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x2010
  EXPECT_DWORD page2, 0x10, 0x2323232323232323
  /* An AMO on a read-only page is a store fault too. */
  CASE 5
  la a2, pt_l0 + 2 * 8
  PTE_VALUE a3, page2, PTE_V | PTE_R | PTE_A | PTE_D
  sd a3, 0(a2)
  sfence.vma
  STRAP_RESUME 1f
9:
  amoadd.d a0, a1, (s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x2000

  /* ---- a U page from S: a fault with SUM = 0, allowed with SUM = 1 (4.3.1) ---- */
  CASE 6
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  li s1, 0x3000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x3000
  CASE 7
  STRAP_RESUME 1f
9:
  sd zero, 8(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x3008
  CASE 8
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a0, 0(s1)
  EXPECT a0, 0x3333333333333333
  li a1, 0x3434
  sd a1, 8(s1)
  EXPECT_DWORD page3, 8, 0x3434
  /* S never executes from a U page, SUM or not: fetch page fault (12), sepc = stval =
   * the target. */
  CASE 9
  STRAP_RESUME 1f
  jalr ra, 0(s1)
  j test_fail
1:
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_FETCH_PAGE
  EXPECT_DWORD strap_rec, REC_EPC, 0x3000
  EXPECT_DWORD strap_rec, REC_TVAL, 0x3000
  li t0, MSTATUS_SUM
  csrc sstatus, t0

  /* ---- execute permission ---- */
  /* Fetch from a page without X (virtual page 8, data): fault 12. */
  CASE 10
  li s1, 0x8000
  STRAP_RESUME 1f
  jalr ra, 0(s1)
  j test_fail
1:
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_FETCH_PAGE
  EXPECT_DWORD strap_rec, REC_EPC, 0x8000
  EXPECT_DWORD strap_rec, REC_TVAL, 0x8000
  /* An execute-only page runs; reading it faults unless MXR = 1 (4.3.1). */
  CASE 11
  li s1, 0x4000
  li a0, 0
  jalr ra, 0(s1)              /* page4: li a0, 0x42; ret */
  EXPECT a0, 0x42
  CASE 12
  STRAP_RESUME 1f
9:
  lw a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x4000
  CASE 13
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  lw a0, 0(s1)
  EXPECT a0, 0x04200513
  STRAP_RESUME 1f             /* MXR makes it readable, not writable */
9:
  sw a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x4000
  li t0, MSTATUS_MXR
  csrc sstatus, t0

  /* ---- reserved and malformed PTEs fault ---- */
  /* W = 1 with R = 0 is reserved (4.3.1, table 4.5). */
  CASE 14
  li s1, 0x9000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x9000
  CASE 15
  STRAP_RESUME 1f
9:
  sd a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x9000
  /* A pointer (R = W = X = 0) found at the last level (4.3.2, step 4). */
  CASE 16
  li s1, 0xa000
  STRAP_RESUME 1f
9:
  lb a0, 5(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0xa005

  /* ---- accessed and dirty bits: with A = D = 0, the access sets them (QEMU and our
   * engine update PTEs in hardware; 4.3.1 also allows a fault instead) ---- */
  CASE 17
  la s2, pt_l0 + 5 * 8
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, 0
  li s1, 0x5000
  ld a1, 0(s1)
  EXPECT a1, 0x5555555555555555
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, PTE_A       /* a load sets A only */
  CASE 18
  sfence.vma
  li a1, 0x5656
  sd a1, 8(s1)
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, PTE_A | PTE_D
  EXPECT_DWORD page5, 8, 0x5656
  /* A fetch sets A too. */
  CASE 19
  PTE_VALUE a0, page5, PTE_V | PTE_R | PTE_X
  sd a0, 0(s2)
  sfence.vma
  li t0, 0x00008067           /* ret */
  la t1, page5
  sw t0, 0x100(t1)
  fence.i
  li t0, 0x5100
  jalr ra, 0(t0)
  ld a0, 0(s2)
  EXPECT_MASKED a0, PTE_A | PTE_D, PTE_A

  /* ---- SFENCE.VMA makes a changed PTE visible (4.2.1) ---- */
  CASE 20
  li s1, 0x1000
  ld a0, 0(s1)
  EXPECT a0, 0x1111111111111111
  la a2, pt_l0 + 1 * 8
  PTE_VALUE a3, page3, PTE_RW_AD
  sd a3, 0(a2)
  sfence.vma s1, zero         /* just this address, all address spaces */
  ld a0, 0(s1)
  EXPECT a0, 0x3333333333333333
  PTE_VALUE a3, page1, PTE_RW_AD
  sd a3, 0(a2)
  sfence.vma
  ld a0, 0(s1)
  EXPECT a0, 0x1111111111111111

  /* ---- a 32-bit instruction whose halves are in different pages (which are mapped out
   * of physical order) ---- */
  CASE 21
  li a0, 0
  li t0, 0x6ffe
  jalr ra, 0(t0)
  EXPECT a0, 0x123
  /* With the second page invalid: fetch page fault; sepc = the instruction, stval = the
   * address of the part that faulted (4.1.9 / 3.1.16: "mtval will contain the virtual
   * address of the portion of the instruction that caused the fault, while mepc will
   * point to the beginning of the instruction"). The fixup maps it again. */
  CASE 22
  la a2, pt_l0 + 7 * 8
  sd zero, 0(a2)
  sfence.vma
  PTE_VALUE a3, split_lo, PTE_V | PTE_R | PTE_X | PTE_A
  ARM_FIXUP strap_rec, a2, a3
  li a0, 0
  li t0, 0x6ffe
  jalr ra, 0(t0)
  EXPECT a0, 0x123
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_FETCH_PAGE
  EXPECT_DWORD strap_rec, REC_EPC, 0x6ffe
  EXPECT_DWORD strap_rec, REC_TVAL, 0x7000

  /* ---- misaligned data accesses across two virtual pages whose physical pages are
   * not adjacent (pages 6 and 7 hold the split instruction): performed, like any
   * misaligned access on our engine and QEMU ---- */
  CASE 23
  li t0, 0x6ffc
  ld a0, 0(t0)                /* split_hi[4092..4095], split_lo[0..3] */
  EXPECT a0, 0x8067123505130000
  lhu a0, 3(t0)
  EXPECT a0, 0x3505
  /* A store whose second part falls in a read-only page: store page fault with stval =
   * the address of the part that faulted (3.1.16: "mtval will contain the virtual
   * address of the portion of the access that caused the fault"). */
  CASE 24
  li t0, 0x1ffc
  STRAP_RESUME 1f
9:
  sd zero, 0(t0)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x2000
  EXPECT_DWORD page2, 0, 0x2222222222222222

  /* ---- superpages ---- */
  /* A 2 MiB megapage: offset bits 20:0 come from the virtual address (4.3.2 step 8). */
  CASE 25
  li s1, 0xc0000000
  ld a0, 0x238(s1)
  EXPECT a0, 0x6d6567616d656761
  li t0, 0xc01ff000
  li a1, 0x1f1f
  sd a1, 0(t0)
  li t0, MEGA_PA + 0x1ff000
  ld a0, 0(t0)                /* the identity map sees it at the physical address */
  EXPECT a0, 0x1f1f
  /* The 1 GiB gigapages: the U alias shows the same memory as the identity map. */
  CASE 26
  la t0, page2
  li t1, ALIAS_U
  add t0, t0, t1
  li t1, MSTATUS_SUM
  csrs sstatus, t1
  ld a0, 0(t0)
  csrc sstatus, t1
  EXPECT a0, 0x2222222222222222
  /* A misaligned megapage (PPN[0] != 0) and gigapage (PPN[1] != 0): page faults
   * (4.3.2 step 6). */
  CASE 27
  li s1, 0xc0200000
  STRAP_RESUME 1f
9:
  ld a0, 0x10(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0xc0200010
  CASE 28
  li s1, 0x100000000
  STRAP_RESUME 1f
9:
  sw a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_STORE_PAGE, 9b, 0x100000000

  /* ---- U mode through the user alias of the image ---- */
  CASE 29
  GOTO_M 1f
1:
  ENTER_MODE PRV_U, u_main, ALIAS_U

u_main:
  /* U reads and writes its own page ... */
  CASE 30
  li s1, 0x3000
  ld a0, 0(s1)
  EXPECT a0, 0x3333333333333333
  /* ... but not a supervisor page: the fault goes to S, which resumes U. */
  CASE 31
  li s1, 0x2000
  STRAP_RESUME 1f
9:
  ld a0, 0(s1)
  j test_fail
1:
  EXPECT_STRAP CAUSE_LOAD_PAGE, 9b, 0x2000
  /* U cannot execute supervisor code either (the identity map). */
  CASE 32
  la t0, 2f                   /* this code's identity address */
  li t1, -ALIAS_U
  add t0, t0, t1
  STRAP_RESUME 1f
  jalr ra, 0(t0)
  j test_fail
2:
  j test_fail
1:
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_FETCH_PAGE
  la t0, 2b
  li t1, -ALIAS_U
  add t0, t0, t1
  la t5, strap_rec
  ld a0, REC_TVAL(t5)
  EXPECT_REG a0, t0
  GOTO_M m_after_u

m_after_u:
  /* ---- satp: Sv57 is not supported by our engine, so writing it changes nothing
   * (4.1.11: "If satp is written with an unsupported MODE, the entire write has no
   * effect"). QEMU 7.2 implements Sv57, so the check is ours only. ---- */
#ifndef QEMU
  CASE 33
  csrr s1, satp
  li t0, (SATP_MODE_SV57 << 60) | 0x1234
  csrw satp, t0
  csrr a0, satp
  EXPECT_REG a0, s1
#endif
  CASE 34
  csrr s1, satp
  li t0, (SATP_MODE_SV64 << 60) | 0x1234
  csrw satp, t0
  csrr a0, satp
  EXPECT_REG a0, s1
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
  .dword 0x2222222222222222, 0x2222222222222222, 0x2222222222222222
  .balign 4096
page3:
  .dword 0x3333333333333333, 0x3333333333333333
  .balign 4096
page4:
  .word 0x04200513            /* li a0, 0x42 */
  .word 0x00008067            /* ret */
  .balign 4096
page5:
  .dword 0x5555555555555555, 0x5555555555555555

  .bss
  .balign 4096
pt_root:  .skip 4096
pt_l1:    .skip 4096
pt_l0:    .skip 4096
pt_mega:  .skip 4096
split_lo: .skip 4096
split_hi: .skip 4096
