/* modes.S: privilege modes and the mstatus controls over them (Privileged ISA 3.1.6
 * "Machine Status Registers", 3.3.2 "Trap-Return Instructions", 3.3.3 "Wait for
 * Interrupt", 4.1.1 "sstatus").
 *
 * Covered: MRET and SRET restoring MIE / SIE from MPIE / SPIE, setting MPIE / SPIE to 1
 * and MPP / SPP to the least privileged mode (U), landing in the mode they name, and
 * clearing MPRV when they leave M; xRET from too low a mode is illegal; TSR (SRET in S
 * traps); TW (WFI in S traps; with TW = 0 it returns for a pending interrupt); TVM
 * (satp and SFENCE.VMA in S trap); MPRV with MPP = S and U translating M-mode loads and
 * stores (with SUM deciding S access to U pages), while fetches stay untranslated. */
#include "isa.h"

/* A U-accessible alias of the image: virtual 0x4000_0000 + x maps physical
 * 0x8000_0000 + x. */
#define ALIAS_U (0x40000000 - 0x80000000)

/* Privileged 1.12 made MRET and SRET clear MPRV when they leave M (3.1.6.3). QEMU 7.2
 * does not (the 1.11 behaviour), so there only MPP is checked after such a return. */
#ifdef QEMU
#define XRET_CLEARS_MPRV 0
#else
#define XRET_CLEARS_MPRV MSTATUS_MPRV
#endif

test_main:
  /* ---- MRET to M: MIE = MPIE, MPIE = 1, MPP = U (3.3.2) ---- */
  CASE 1
  li t0, MSTATUS_MPP | MSTATUS_MPIE
  csrs mstatus, t0
  csrci mstatus, MSTATUS_MIE
  la t0, 1f
  csrw mepc, t0
  mret
  j test_fail
1:
  EXPECT_CSR_MASKED mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE
  CASE 2
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret                        /* MIE = 1 -> 0 from MPIE = 0 */
  j test_fail
1:
  EXPECT_CSR_MASKED mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE
  /* MRET staying in M keeps MPRV (only a return below M clears it). */
  CASE 3
  li t0, MSTATUS_MPP | MSTATUS_MPRV
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret                        /* now MPRV = 1, MPP = U: loads would be U's, bare here */
1:
  li t0, MSTATUS_MPRV
  csrr a0, mstatus
  csrc mstatus, t0
  EXPECT_MASKED a0, MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPRV

  /* ---- MRET to S and to U lands in that mode and clears MPRV ---- */
  CASE 4
  li t0, MSTATUS_MPRV
  csrs mstatus, t0            /* harmless with MPP = S below and satp = Bare */
  ENTER_MODE PRV_S, 1f
1:
  csrr a0, sstatus            /* S may read sstatus ... */
  T_ILLEGAL 5, csrr a0, mscratch /* ... but not M CSRs: we are in S */
  GOTO_M 2f
2:
  CASE 6
  la t5, trap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, XRET_CLEARS_MPRV | MSTATUS_MPP, MSTATUS_MPP_S
  CASE 7
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ENTER_MODE PRV_U, 1f
1:
  T_ILLEGAL 8, csrr a0, sstatus  /* in U */
  GOTO_M 2f
2:
  CASE 9
  la t5, trap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, XRET_CLEARS_MPRV | MSTATUS_MPP, 0
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  /* ---- SRET (in S): SIE = SPIE, SPIE = 1, SPP = U, into the mode SPP named ---- */
  CASE 10
  ENTER_MODE PRV_S, 1f
1:
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  csrci sstatus, MSTATUS_SIE
  la t0, 2f
  csrw sepc, t0
  sret
  j test_fail
2:
  EXPECT_CSR_MASKED sstatus, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE
  CASE 11
  li t0, MSTATUS_SPIE
  csrc sstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret                        /* SIE = 1 -> 0 from SPIE = 0 */
  j test_fail
2:
  EXPECT_CSR_MASKED sstatus, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE
  /* SRET with SPP = U enters U. */
  CASE 12
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  j test_fail
2:
  T_ILLEGAL 13, csrr a0, sstatus   /* in U */
  /* xRET above the current mode is illegal: SRET and MRET in U, MRET in S. */
  T_ILLEGAL 14, sret
  T_ILLEGAL 15, mret
  GOTO_M 3f
3:
  CASE 16
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 17, mret
  GOTO_M 2f
2:
  /* SRET executed in M goes to SPP's mode and clears MPRV. */
  CASE 18
  li t0, MSTATUS_MPRV | MSTATUS_SPP
  csrs mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  csrr a0, sstatus            /* fine in S */
  T_ILLEGAL 19, csrr a0, mstatus
  GOTO_M 2f
2:
  CASE 20
  la t5, trap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, XRET_CLEARS_MPRV | MSTATUS_MPP, MSTATUS_MPP_S
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  /* ---- TSR: SRET in S is illegal; M is unaffected (3.1.6.5) ---- */
  CASE 21
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  ENTER_MODE PRV_S, 1f
1:
  la t0, 2f
  csrw sepc, t0
  T_ILLEGAL 22, sret
  GOTO_M 3f
2:
  j test_fail
3:
  CASE 23
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret                        /* from M: allowed even with TSR = 1 */
  j test_fail
1:
  GOTO_M 2f
2:
  li t0, MSTATUS_TSR
  csrc mstatus, t0

  /* ---- TW: WFI in S is illegal; with TW = 0 it runs, and returns when an interrupt is
   * pending and enabled even though sstatus.SIE = 0 (3.1.6.5, 3.3.3) ---- */
  CASE 24
  li t0, MSTATUS_TW
  csrs mstatus, t0
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 25, wfi
  GOTO_M 2f
2:
  /* In M, TW does not apply; the pending SSIP (masked by MIE = 0) lets WFI return. */
  CASE 26
  csrsi mie, MIP_SSIP
  csrsi mip, MIP_SSIP
  wfi
  li t0, MSTATUS_TW
  csrc mstatus, t0
  CASE 27
  csrci mstatus, MSTATUS_SIE
  csrsi mideleg, MIP_SSIP     /* delegated, enabled in sie, SIE = 0: pending, not taken */
  ENTER_MODE PRV_S, 1f
1:
  wfi
  GOTO_M 2f
2:
  csrci mip, MIP_SSIP
  csrw mie, zero
  csrw mideleg, zero

  /* ---- TVM: satp and SFENCE.VMA in S are illegal; in M they are not (3.1.6.5) ---- */
  CASE 28
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  csrr a0, satp
  sfence.vma
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 29, csrr a0, satp
  T_ILLEGAL 30, csrw satp, zero
  T_ILLEGAL 31, sfence.vma
  T_ILLEGAL 32, sfence.vma a0, a1
  GOTO_M 2f
2:
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  CASE 33
  ENTER_MODE PRV_S, 1f
1:
  csrr a0, satp               /* TVM = 0: fine */
  sfence.vma
  GOTO_M 2f
2:

  /* ---- MPRV: M-mode loads and stores use the translation and privilege in MPP
   * (3.1.6.3). Sv39 with the image mapped twice: identity for S (no U bit) and at
   * ALIAS_U with the U bit. Fetches are never affected. ---- */
  CASE 34
  PTE_LEAF_PA pt_root, 2, 0x80000000, PTE_LEAF_RWX
  PTE_LEAF_PA pt_root, 1, 0x80000000, PTE_LEAF_RWX | PTE_U
  SATP_SET SATP_MODE_SV39, pt_root
  la s1, mprv_data            /* physical = identity virtual */
  li t0, ALIAS_U
  add s2, s1, t0              /* the U alias */
  li a1, 0x1122334455667788
  sd a1, 0(s1)
  /* MPP = S: an S access through the identity map; the U alias faults with SUM = 0 and
   * works with SUM = 1 (4.3.1). */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(s1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT a0, 0x1122334455667788
  CASE 35
  TRAP_RESUME 1f
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, t0
9:
  ld a0, 0(s2)
  j test_fail
1:
  li t0, MSTATUS_MPRV         /* the MRET back to M left MPP = U: clear MPRV first */
  csrc mstatus, t0
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_LOAD_PAGE
  EXPECT_DWORD_ADDR trap_rec, REC_EPC, 9b
  la t5, trap_rec
  ld a0, REC_TVAL(t5)
  EXPECT_REG a0, s2
  CASE 36
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S | MSTATUS_SUM
  csrs mstatus, t0
  li a1, 0x0a0b0c0d
  sw a1, 4(s2)
  li t0, MSTATUS_MPRV | MSTATUS_SUM
  csrc mstatus, t0
  EXPECT_DWORD mprv_data, 0, 0x0a0b0c0d55667788
  /* MPP = U: the U alias works, the supervisor-only identity map faults (store: 15). */
  CASE 37
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(s2)
  csrc mstatus, t0
  EXPECT a0, 0x0a0b0c0d55667788
  CASE 38
  TRAP_RESUME 1f              /* before MPRV: the record is not reachable from U */
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
9:
  sd zero, 0(s1)
  j test_fail
1:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_STORE_PAGE
  la t5, trap_rec
  ld a0, REC_TVAL(t5)
  EXPECT_REG a0, s1
  EXPECT_DWORD mprv_data, 0, 0x0a0b0c0d55667788
  /* MPP = M: MPRV changes nothing. */
  CASE 39
  li t0, MSTATUS_MPP_M | MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(s1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT a0, 0x0a0b0c0d55667788
  csrw satp, zero
  sfence.vma

  j test_pass

  .data
  .balign 8
mprv_data:
  .dword 0

  .bss
  .balign 4096
pt_root:
  .skip 4096
