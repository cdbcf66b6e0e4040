/* csr.S: control and status registers (Unprivileged ISA chapter 9, "Zicsr"; Privileged
 * ISA chapters 2 and 3).
 *
 * Covered: CSRRW / CSRRS / CSRRC and the immediate forms, including the rules for when
 * they read and write; read-only CSRs trapping on writes; unimplemented CSRs; WARL fields
 * (mtvec and stvec MODE, mstatus.MPP, satp MODE); misa; mhartid; the sstatus, sie and
 * sip views of mstatus, mie and mip; mscratch / sscratch; mcounteren / scounteren gating
 * cycle, time and instret in S and U; interrupts through a vectored mtvec (a software
 * interrupt raised by writing mip.SSIP); WFI returning for a pending enabled interrupt;
 * stimecmp (Sstc) raising STIP. */
#include "isa.h"

#define MISA_MXL_64  (2 << 62)
#define MISA_IMAFDCSU ((1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20))
#define SSTATUS_VIEW (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define MSTATUS_M_ONLY (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)

test_main:
  /* ---- the six CSR instructions, on mscratch (restored afterwards: the M trap
   * handler uses it) ---- */
  csrr s11, mscratch
  CASE 1
  li a1, 0x0123456789abcdef
  csrw mscratch, a1
  li a2, -1
  csrrw a0, mscratch, a2      /* old value out, new value in */
  EXPECT a0, 0x0123456789abcdef
  EXPECT_CSR mscratch, -1
  CASE 2
  li a2, 0xff00
  csrrc a0, mscratch, a2      /* clear the bits set in rs1 */
  EXPECT a0, -1
  EXPECT_CSR mscratch, 0xffffffffffff00ff
  CASE 3
  li a2, 0x0f00
  csrrs a0, mscratch, a2      /* set the bits set in rs1 */
  EXPECT a0, 0xffffffffffff00ff
  EXPECT_CSR mscratch, 0xffffffffffff0fff
  CASE 4
  csrrwi a0, mscratch, 31     /* uimm is zero-extended */
  EXPECT a0, 0xffffffffffff0fff
  EXPECT_CSR mscratch, 31
  CASE 5
  csrrci a0, mscratch, 0x15
  EXPECT a0, 31
  EXPECT_CSR mscratch, 0x0a
  CASE 6
  csrrsi a0, mscratch, 0x11
  EXPECT a0, 0x0a
  EXPECT_CSR mscratch, 0x1b
  /* rd = rs1: the CSR gets the old rs1, rd gets the old CSR value (9.1). */
  CASE 7
  li a0, 0x777
  csrrw a0, mscratch, a0
  EXPECT a0, 0x1b
  EXPECT_CSR mscratch, 0x777
  CASE 8
  li a0, 0x8
  csrrs a0, mscratch, a0
  EXPECT a0, 0x777
  EXPECT_CSR mscratch, 0x77f
  /* rd = x0 and rs1 = x0 / uimm = 0 forms do nothing beyond their one side. */
  CASE 9
  csrrs x0, mscratch, x0
  csrrc a0, mscratch, x0
  EXPECT a0, 0x77f
  csrrsi a0, mscratch, 0
  csrrci a0, mscratch, 0
  EXPECT a0, 0x77f
  csrrw x0, mscratch, zero
  EXPECT_CSR mscratch, 0
  csrw mscratch, s11

  /* sscratch is a plain 64-bit register too. */
  CASE 10
  csrr s11, sscratch
  li a1, 0xfedcba9876543210
  csrw sscratch, a1
  EXPECT_CSR sscratch, 0xfedcba9876543210
  csrw sscratch, s11

  /* ---- read-only CSRs (address bits 11:10 = 11): a write traps, even of the same
   * value, while reads, and the CSRRS / CSRRC forms with rs1 = x0 or uimm = 0, do not
   * (9.1; Privileged 2.1) ---- */
  CASE 11
  csrr a0, mhartid
  EXPECT a0, 0
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid
  csrrs a0, mhartid, x0
  csrrc a0, mhartid, x0
  csrrsi a0, mhartid, 0
  csrrci a0, mhartid, 0
  EXPECT a0, 0
  csrr a0, cycle
  csrr a0, time
  csrr a0, instret
  T_ILLEGAL 12, csrw mhartid, zero
  T_ILLEGAL 13, csrw mvendorid, a0
  T_ILLEGAL 14, csrrwi a0, marchid, 0
  T_ILLEGAL 15, csrrs a0, mimpid, a1
  T_ILLEGAL 16, csrrci a0, mhartid, 1
  T_ILLEGAL 17, csrw cycle, zero
  T_ILLEGAL 18, csrrsi a0, time, 1
  T_ILLEGAL 19, csrrc a0, instret, a1
  /* A trapping CSR instruction writes neither the CSR nor rd. */
  CASE 20
  li a0, 0x55
  TRAP_RESUME 1f
  csrrw a0, mhartid, a0
1:
  EXPECT a0, 0x55
  EXPECT_CSR mhartid, 0

  /* ---- CSRs that do not exist are illegal (Privileged 2.1: 0x0ff and 0x3ff are
   * unallocated standard addresses) ---- */
  T_ILLEGAL 21, csrr a0, 0x0ff
  T_ILLEGAL 22, csrw 0x3ff, a0

  /* ---- misa (Privileged 3.1.1): MXL = 2 (64-bit) and the extensions I M A F D C S U.
   * The runner reports exactly RV64IMAFDCSU; QEMU 7.2 also reports H. ---- */
  CASE 23
#ifdef QEMU
  EXPECT_CSR_MASKED misa, MISA_MXL_64 | MISA_IMAFDCSU, MISA_MXL_64 | MISA_IMAFDCSU
#else
  EXPECT_CSR misa, MISA_MXL_64 | MISA_IMAFDCSU
#endif
  /* Writing misa back unchanged is harmless (it is WARL). */
  CASE 24
  csrr a0, misa
  csrw misa, a0
  csrr a1, misa
  EXPECT_REG a0, a1
  /* UXL and SXL read 2: U and S are 64-bit (3.1.6.2). */
  CASE 25
  EXPECT_CSR_MASKED mstatus, MSTATUS_UXL | MSTATUS_SXL, (2 << 32) | (2 << 34)

  /* ---- WARL fields hold only legal values ---- */
  /* mtvec MODE: 0 Direct, 1 Vectored, >= 2 reserved (3.1.7). */
  CASE 26
  csrr s11, mtvec
  la a1, mvec_table
  ori a1, a1, 1
  csrw mtvec, a1
  csrr a0, mtvec
  EXPECT_REG a0, a1
  CASE 27
  la a1, mvec_table
  ori a1, a1, 2
  csrw mtvec, a1
  csrr a0, mtvec
  andi a0, a0, 3
  li t0, 2
  bgeu a0, t0, test_fail
  CASE 28
  la a1, mvec_table
  ori a1, a1, 3
  csrw mtvec, a1
  csrr a0, mtvec
  andi a0, a0, 3
  li t0, 2
  bgeu a0, t0, test_fail
  csrw mtvec, s11
  /* stvec the same (4.1.2). */
  CASE 29
  la a1, svec_table
  ori a1, a1, 1
  csrw stvec, a1
  csrr a0, stvec
  EXPECT_REG a0, a1
  ori a1, a1, 2
  csrw stvec, a1
  csrr a0, stvec
  andi a0, a0, 3
  li t0, 2
  bgeu a0, t0, test_fail
  /* mstatus.MPP: 2 is not a supported privilege mode, so it is never read back
   * (3.1.6.1: MPP is WARL; "M-mode software can determine whether a privilege mode is
   * implemented by writing that mode to MPP then reading it back"). QEMU 7.2 keeps the
   * 2 (it does not legalize MPP), so the check is ours only. */
#ifndef QEMU
  CASE 30
  li a1, MSTATUS_MPP
  csrc mstatus, a1
  li a1, 2 << 11
  csrs mstatus, a1
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  li t0, 2
  beq a0, t0, test_fail
  li a1, MSTATUS_MPP
  csrc mstatus, a1
#endif
  /* satp: an unsupported MODE makes the whole write ineffective (4.1.11). */
  CASE 31
  csrw satp, zero
  li a1, (SATP_MODE_SV39 << 60) | 0x12345
  csrw satp, a1
  EXPECT_CSR satp, (SATP_MODE_SV39 << 60) | 0x12345
  .irp mode, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15
  li a2, (\mode << 60) | 0x54321
  csrw satp, a2
  EXPECT_CSR satp, (SATP_MODE_SV39 << 60) | 0x12345
  .endr
  csrw satp, zero
  EXPECT_CSR satp, 0

  /* ---- sstatus is a restricted view of mstatus (4.1.1) ---- */
  CASE 32
  li a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_TW | MSTATUS_MPP_S
  csrs mstatus, a1
  csrr a0, mstatus
  li t0, SSTATUS_VIEW
  and a0, a0, t0
  csrr a2, sstatus
  EXPECT_REG a0, a2
  EXPECT_MASKED a2, MSTATUS_M_ONLY, 0
  EXPECT_MASKED a2, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  /* Writing sstatus cannot touch the M-only bits. */
  CASE 33
  csrr s2, mstatus
  csrw sstatus, zero
  csrr a0, mstatus
  EXPECT_MASKED a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, 0
  li t0, MSTATUS_M_ONLY
  and a0, a0, t0
  and s2, s2, t0
  EXPECT_REG a0, s2
  CASE 34
#ifdef QEMU
  /* QEMU 7.2 lets a write through sstatus store UXL = 3, a reserved value of a WARL
   * field (3.1.6.2), so it gets every bit but UXL. */
  li a1, ~MSTATUS_UXL
#else
  li a1, -1
#endif
  li t0, MSTATUS_M_ONLY
  csrc mstatus, t0
  csrw sstatus, a1
  csrr a0, mstatus
  EXPECT_MASKED a0, MSTATUS_M_ONLY, 0
  EXPECT_MASKED a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_FS | MSTATUS_VS
  csrc mstatus, t0
  EXPECT_CSR_MASKED mstatus, MSTATUS_UXL | MSTATUS_SXL, (2 << 32) | (2 << 34)

  /* ---- sie / sip show only the interrupts delegated in mideleg (4.1.3) ---- */
  CASE 35
  csrw mideleg, zero
  li a1, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrs mie, a1
  EXPECT_CSR sie, 0
  CASE 36
  csrw mideleg, a1
  csrr a0, mideleg
  EXPECT_MASKED a0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
  EXPECT_CSR_MASKED sie, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw sie, zero
  EXPECT_CSR_MASKED mie, MIP_SSIP | MIP_STIP | MIP_SEIP, 0
  CASE 37
  csrsi sip, MIP_SSIP         /* SSIP is writable through sip when delegated */
  EXPECT_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
  csrci sip, MIP_SSIP
  EXPECT_CSR_MASKED mip, MIP_SSIP, 0
  /* mideleg can never delegate the M-level interrupts (3.1.8). */
  CASE 38
  li a1, -1
  csrw mideleg, a1
  EXPECT_CSR_MASKED mideleg, MIP_MSIP | MIP_MTIP | MIP_MEIP, 0
  csrw mideleg, zero
  csrw mie, zero

  /* ---- counter enables: cycle, time, instret from S need mcounteren, from U need
   * mcounteren and scounteren (3.1.11, 4.1.5) ---- */
  CASE 39
  csrw mcounteren, zero
  csrw scounteren, zero
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 40, rdcycle a0
  T_ILLEGAL 41, rdtime a0
  T_ILLEGAL 42, rdinstret a0
  GOTO_M 2f
2:
  CASE 43
  ENTER_MODE PRV_U, 1f
1:
  T_ILLEGAL 44, rdcycle a0
  T_ILLEGAL 45, rdtime a0
  T_ILLEGAL 46, rdinstret a0
  GOTO_M 2f
2:
  /* mcounteren = CY | TM | IR: S may read them, U still may not. */
  CASE 47
  csrwi mcounteren, 7
  ENTER_MODE PRV_S, 1f
1:
  rdcycle a0
  rdtime a0
  rdinstret a0
  GOTO_M 2f
2:
  CASE 48
  ENTER_MODE PRV_U, 1f
1:
  T_ILLEGAL 49, rdcycle a0
  T_ILLEGAL 50, rdtime a0
  T_ILLEGAL 51, rdinstret a0
  GOTO_M 2f
2:
  /* scounteren = CY | IR: U may read cycle and instret, not time. */
  CASE 52
  csrwi scounteren, 5
  ENTER_MODE PRV_U, 1f
1:
  rdcycle a0
  rdinstret a0
  T_ILLEGAL 53, rdtime a0
  GOTO_M 2f
2:
  /* mcounteren = TM only: S reads time but not cycle; U is blocked by mcounteren even
   * where scounteren allows. */
  CASE 54
  csrwi mcounteren, 2
  csrwi scounteren, 7
  ENTER_MODE PRV_S, 1f
1:
  rdtime a0
  T_ILLEGAL 55, rdcycle a0
  GOTO_M 2f
2:
  CASE 56
  ENTER_MODE PRV_U, 1f
1:
  rdtime a0
  T_ILLEGAL 57, rdinstret a0
  GOTO_M 2f
2:
  csrw mcounteren, zero
  csrw scounteren, zero
  /* M-mode CSRs are illegal from S, S-mode CSRs from U (2.1: bits 9:8 of the address
   * give the lowest privilege). */
  CASE 58
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 59, csrr a0, mstatus
  T_ILLEGAL 60, csrw mscratch, a0
  csrr a0, sstatus
  GOTO_M 2f
2:
  CASE 61
  ENTER_MODE PRV_U, 1f
1:
  T_ILLEGAL 62, csrr a0, sstatus
  T_ILLEGAL 63, csrr a0, mhartid
  T_ILLEGAL 64, csrw sscratch, a0
  GOTO_M 2f
2:

  /* ---- interrupts through a vectored mtvec (3.1.7): a supervisor software interrupt,
   * raised by writing mip.SSIP and not delegated, enters slot 1; exceptions still use
   * the base (slot 0) ---- */
  CASE 65
  csrci mstatus, MSTATUS_MIE
  csrr s11, mtvec
  la a1, mvec_table
  ori a1, a1, 1
  csrw mtvec, a1
  li a1, MIP_SSIP
  csrs mie, a1
  csrs mip, a1              /* pending, but MIE = 0 in M: not taken */
  EXPECT_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  nop
  EXPECT_DWORD trap_rec, REC_COUNT, 0
  CASE 66
  csrsi mstatus, MSTATUS_MIE  /* now it is taken, right after this instruction */
9:
  nop
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_SOFT
  EXPECT_DWORD trap_rec, REC_VECTOR, 1
  EXPECT_DWORD_ADDR trap_rec, REC_EPC, 9b
  /* The trap cleared MIE and saved it in MPIE with MPP = M; MRET restored MIE
   * (3.1.6.1). */
  la t5, trap_rec
  ld a0, REC_STATUS(t5)
  EXPECT_MASKED a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP_M
  EXPECT_CSR_MASKED mstatus, MSTATUS_MIE, MSTATUS_MIE
  /* The handler masked mie.SSIE; SSIP is still pending until software clears it. */
  EXPECT_CSR_MASKED mie, MIP_SSIP, 0
  EXPECT_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
  csrci mip, MIP_SSIP
  /* An exception with a vectored mtvec goes to the base: slot 0. */
  T_ILLEGAL 67, .word 0
  EXPECT_DWORD trap_rec, REC_VECTOR, 0
  /* With a direct mtvec, the interrupt enters at the base. */
  CASE 68
  csrw mtvec, s11
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  csrsi mie, MIP_SSIP
  csrsi mip, MIP_SSIP
  nop
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_SOFT
  EXPECT_DWORD trap_rec, REC_VECTOR, -1
  csrci mip, MIP_SSIP
  csrci mstatus, MSTATUS_MIE

  /* WFI returns when an interrupt is pending and enabled in mie, even with
   * mstatus.MIE = 0, and then no trap is taken (3.3.3). */
  CASE 69
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  csrsi mie, MIP_SSIP
  csrsi mip, MIP_SSIP
  wfi
  EXPECT_DWORD trap_rec, REC_COUNT, 0
  csrci mip, MIP_SSIP
  csrw mie, zero

  /* ---- Sstc: with menvcfg.STCE = 1, mip.STIP is (time >= stimecmp) and read-only ---- */
  CASE 70
  li a1, MENVCFG_STCE
  csrs CSR_MENVCFG, a1
  EXPECT_CSR_MASKED CSR_MENVCFG, MENVCFG_STCE, MENVCFG_STCE
  li a1, -1
  csrw CSR_STIMECMP, a1
  EXPECT_CSR CSR_STIMECMP, -1
  EXPECT_CSR_MASKED mip, MIP_STIP, 0
  CASE 71
  csrw CSR_STIMECMP, zero
  EXPECT_CSR_MASKED mip, MIP_STIP, MIP_STIP
  CASE 72
  li a1, MIP_STIP
  csrc mip, a1                /* no effect: STIP follows the comparison */
  EXPECT_CSR_MASKED mip, MIP_STIP, MIP_STIP
  /* A compare value 10 ms (at 10 MHz) ahead: STIP is clear until time reaches it. */
  CASE 73
  rdtime a0
  li t0, 100000
  add s2, a0, t0
  csrw CSR_STIMECMP, s2
  EXPECT_CSR_MASKED mip, MIP_STIP, 0
  CASE 74
  li t0, 50000000             /* give up 5 s (at 10 MHz) after the deadline */
  add s3, s2, t0
1:
  csrr a0, mip
  andi a0, a0, MIP_STIP
  bnez a0, 2f
  rdtime a1
  bltu a1, s3, 1b
  j test_fail
2:
  rdtime a1
  bltu a1, s2, test_fail      /* STIP must not rise before time >= stimecmp */
  /* Taking the timer interrupt in M (not delegated): cause 5. */
  CASE 75
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  li a1, MIP_STIP
  csrs mie, a1
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_TIMER
  li a1, -1
  csrw CSR_STIMECMP, a1
  EXPECT_CSR_MASKED mip, MIP_STIP, 0
  /* From S, stimecmp needs both menvcfg.STCE and mcounteren.TM (Sstc). */
  CASE 76
  csrwi mcounteren, 2
  ENTER_MODE PRV_S, 1f
1:
  csrr a0, CSR_STIMECMP
  EXPECT a0, -1
  GOTO_M 2f
2:
  CASE 77
  csrwi mcounteren, 0
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 78, csrr a0, CSR_STIMECMP
  GOTO_M 2f
2:
  CASE 79
  csrwi mcounteren, 2
  li a1, MENVCFG_STCE
  csrc CSR_MENVCFG, a1
  ENTER_MODE PRV_S, 1f
1:
  T_ILLEGAL 80, csrw CSR_STIMECMP, zero
  GOTO_M 2f
2:
  csrwi mcounteren, 0

  /* mip.MSIP is read-only: only a memory-mapped register (a CLINT) can raise a machine
   * software interrupt, so the vectored-interrupt cases above use SSIP (3.1.9). */
  CASE 81
  csrsi mip, MIP_MSIP
  EXPECT_CSR_MASKED mip, MIP_MSIP, 0

  j test_pass

  /* Vector tables: slot i records i and joins the ordinary handlers. */
  M_VECTOR_TABLE(mvec_table)
  S_VECTOR_TABLE(svec_table)
