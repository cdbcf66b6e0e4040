/* delegation.S: trap delegation to S mode (Privileged ISA 3.1.8 "Machine Trap Delegation
 * Registers", 4.1.2 "stvec", 4.1.7 "sepc", 4.1.8 "scause", 4.1.9 "stval", 3.1.9
 * "Machine Interrupt Registers").
 *
 * Covered: exceptions from U and S delegated through medeleg arrive in S with scause,
 * sepc, stval and sstatus.SPP / SPIE / SIE set, and SRET returns; the same exception in
 * M is never delegated; undelegated exceptions still go to M; interrupts delegated
 * through mideleg (SSIP written by software, STIP from stimecmp) are taken in S, through
 * a vectored stvec, never while in M, and in U regardless of SIE; exceptions use the
 * stvec base even in vectored mode. */
#include "isa.h"

test_main:
  la t0, s_trap_entry
  csrw stvec, t0
  li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  csrr a0, medeleg
  EXPECT_MASKED a0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_ACCESS), (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_ACCESS)

  /* ---- an illegal instruction in U goes to S: SPP = U, SPIE = SIE, SIE = 0 ---- */
  CASE 1
  li t0, MSTATUS_SIE
  csrs mstatus, t0            /* SIE = 1 before the trap (U ignores it) */
  ENTER_MODE PRV_U, 1f
1:
  STRAP_RESUME 2f
9:
  .word 0xffffffff
  j test_fail
2:
  EXPECT_STRAP CAUSE_ILLEGAL, 9b, 0xffffffff
  la t5, strap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
  EXPECT_DWORD trap_rec, REC_COUNT, 0    /* M saw nothing */
  /* A breakpoint from U: scause 3. */
  CASE 2
  STRAP_RESUME 2f
9:
  ebreak
  j test_fail
2:
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_BREAKPOINT
  EXPECT_DWORD_ADDR strap_rec, REC_EPC, 9b
  /* An ecall from U: scause 8, stval 0. */
  CASE 3
  STRAP_RESUME 2f
9:
  ecall
  j test_fail
2:
  EXPECT_STRAP CAUSE_ECALL_U, 9b, 0
  /* A load access fault from U: scause 5, stval = the address. */
  CASE 4
  li a1, 0x800
  STRAP_RESUME 2f
9:
  lw a0, 4(a1)
  j test_fail
2:
  EXPECT_STRAP CAUSE_LOAD_ACCESS, 9b, 0x804
  /* A store access fault is not delegated: it goes to M. */
  CASE 5
  TRAP_RESUME 2f
  la t5, strap_rec
  sd zero, REC_COUNT(t5)
9:
  sw a0, 4(a1)
  j test_fail
2:
  EXPECT_TRAP CAUSE_STORE_ACCESS, 9b, 0x804
  EXPECT_DWORD strap_rec, REC_COUNT, 0
  /* Back to M through S: U ecalls are delegated, so GOTO_M runs from S. */
  CASE 6
  GOTO_S 3f
3:
  csrr a0, sstatus            /* in S now */
  GOTO_M 4f
4:

  /* ---- from S: SPP = S; SRET returns to S ---- */
  CASE 7
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  ENTER_MODE PRV_S, 1f
1:
  STRAP_RESUME 2f
9:
  .word 0x0000000b            /* custom-0: illegal here */
  j test_fail
2:
  EXPECT_STRAP CAUSE_ILLEGAL, 9b, 0x0000000b
  la t5, strap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP
  /* ecall from S is not delegated (medeleg bit 9 clear): it goes to M. */
  CASE 8
  TRAP_RESUME 2f
9:
  ecall
  j test_fail
2:
  EXPECT_TRAP CAUSE_ECALL_S, 9b, 0
  GOTO_M 3f
3:

  /* ---- in M, a delegated exception still traps to M (3.1.8) ---- */
  CASE 9
  la t5, strap_rec
  sd zero, REC_COUNT(t5)
  T_ILLEGAL 10, .word 0xffffffff
  EXPECT_DWORD strap_rec, REC_COUNT, 0

  /* ---- stvec vectored: exceptions still enter at the base (4.1.2) ---- */
  CASE 11
  la t0, svec_table
  ori t0, t0, 1
  csrw stvec, t0
  ENTER_MODE PRV_S, 1f
1:
  STRAP_RESUME 2f
  ebreak
2:
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_BREAKPOINT
  EXPECT_DWORD strap_rec, REC_VECTOR, 0
  GOTO_M 3f
3:

  /* ---- delegated interrupts: supervisor software interrupt (SSIP) ---- */
  /* Pending, enabled and delegated, but never taken while in M, even with MIE = 1
   * (3.1.8: an interrupt delegated to S is never taken while in M). */
  CASE 12
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  csrsi mie, MIP_SSIP
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  csrsi mstatus, MSTATUS_MIE
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  la t5, strap_rec
  sd zero, REC_COUNT(t5)
  csrsi mip, MIP_SSIP
  nop
  csrci mstatus, MSTATUS_MIE
  EXPECT_DWORD trap_rec, REC_COUNT, 0
  EXPECT_DWORD strap_rec, REC_COUNT, 0
  /* Entering S with SIE = 1: taken at once, before the first S instruction, into
   * stvec slot 1 with scause = interrupt 1 and SPP = S. */
  CASE 13
  li t0, MSTATUS_SPIE | MSTATUS_SPP
  csrc mstatus, t0
  ENTER_MODE PRV_S, 1f
1:
  nop
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_SOFT
  EXPECT_DWORD strap_rec, REC_VECTOR, 1
  EXPECT_DWORD_ADDR strap_rec, REC_EPC, 1b
  la t5, strap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  /* The handler cleared sie.SSIE; SRET restored SIE. SSIP itself is still pending. */
  EXPECT_CSR_MASKED sstatus, MSTATUS_SIE, MSTATUS_SIE
  EXPECT_CSR_MASKED sip, MIP_SSIP, MIP_SSIP
  /* S clears SSIP through sip. With SIE = 0, raising it again is not taken in S... */
  CASE 14
  csrci sip, MIP_SSIP
  csrci sstatus, MSTATUS_SIE
  csrsi sie, MIP_SSIP
  csrsi sip, MIP_SSIP
  nop
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  /* ... but in U it is, whatever SIE says (3.1.6.1: a higher mode's interrupts are
   * always enabled in a lower mode). */
  CASE 15
  la t5, strap_rec
  sd zero, REC_COUNT(t5)
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
2:
  nop
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_SOFT
  EXPECT_DWORD_ADDR strap_rec, REC_EPC, 2b
  la t5, strap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, MSTATUS_SPP, 0
  GOTO_S 3f
3:
  csrci sip, MIP_SSIP
  GOTO_M 4f
4:

  /* ---- delegated supervisor timer interrupt from stimecmp (Sstc) ---- */
  CASE 16
  li t0, MENVCFG_STCE
  csrs CSR_MENVCFG, t0
  li t0, -1
  csrw CSR_STIMECMP, t0
  csrwi mcounteren, 2
  la t5, strap_rec
  sd zero, REC_COUNT(t5)
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  ENTER_MODE PRV_S, 1f
1:
  li t0, MIP_STIP
  csrs sie, t0
  csrw CSR_STIMECMP, zero     /* time >= 0: STIP rises and is taken right away */
  nop
  EXPECT_DWORD strap_rec, REC_COUNT, 1
  EXPECT_DWORD strap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_TIMER
  EXPECT_DWORD strap_rec, REC_VECTOR, 5
  li t0, -1
  csrw CSR_STIMECMP, t0
  EXPECT_CSR_MASKED sip, MIP_STIP, 0
  GOTO_M 2f
2:
  csrw mcounteren, zero
  csrw mideleg, zero
  csrw medeleg, zero
  csrw mie, zero
  li t0, MENVCFG_STCE
  csrc CSR_MENVCFG, t0

  j test_pass

  S_VECTOR_TABLE(svec_table)
