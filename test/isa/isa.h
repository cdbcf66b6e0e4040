/* isa.h: shared runtime and check macros for the bare-metal ISA tests in test/isa/.
 *
 * Every test is one .S file that includes this header and then defines `test_main`.
 * The header supplies `_start`, an M-mode and an S-mode trap handler, the finishing
 * routines and the macros below.
 *
 * Result protocol (the emulator's ELF runner): the test ends by storing to the 8-byte
 * symbol `tohost`: 1 = pass, (n << 1) | 1 = case n failed. Built with -DQEMU, the test
 * instead prints "PASS" / "FAIL n" on the virt machine's UART and stops QEMU through
 * the SiFive test device at 0x100000 (exit status 0, or n & 0xff, or 255 when that is 0).
 *
 * Register conventions inside tests:
 *   gp (x3)    the current case number; CASE sets it, a failure reports it.
 *   t5, t6     scratch for the macros: tests must not keep values in them across one.
 *   a0 .. a3   operands and results of the T_* / TF_* operation macros.
 *   sp         free for tests: the trap handlers switch to their own area via
 *              mscratch / sscratch (which tests must restore if they change them).
 *
 * Traps: both handlers record cause, epc, tval, status and a count in a record
 * (trap_rec for M, strap_rec for S). A trap nobody asked for fails the current case.
 * A test that expects a trap arms the record first (TRAP_RESUME / STRAP_RESUME): the
 * handler then continues at the given label in the mode that trapped (or in the
 * handler's own mode, with GOTO_M / GOTO_S). An armed fixup (ARM_FIXUP) instead
 * stores a value (a PTE), runs sfence.vma and retries the faulting instruction, the
 * way an OS resolves a page fault.
 * Interrupts are recorded too; the handler masks the interrupt's enable bit in mie/sie
 * so it does not fire again, and continues at the armed label or, if none, at the
 * interrupted instruction.
 *
 * Spec references in these tests name sections of the Unprivileged ISA (version
 * 20191213) and the Privileged ISA (version 20211203).
 *
 * Finishing from any mode: test_pass / test_fail put the result in a0 and ecall with
 * a7 = FINISH_MAGIC; the M handler (the S handler forwards such a delegated ecall)
 * writes the result. So a check may fail from U or S mode with paging on, as long as
 * the code runs from a mapping of the whole image.
 */
#ifndef ISA_H
#define ISA_H

/* `la` must be pc-relative (auipc), not a GOT load: everything is linked at fixed addresses. */
  .option nopic

/* ---- architectural constants (Privileged ISA, "Machine-Level ISA" chapter) ---- */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_UBE   (1 << 6)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_VS    (3 << 9)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_MPP_M (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN   (2 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_XS    (3 << 15)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_UXL   (3 << 32)
#define MSTATUS_SXL   (3 << 34)
#define MSTATUS_SD    (1 << 63)

#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (1 << IRQ_S_SOFT)
#define MIP_MSIP (1 << IRQ_M_SOFT)
#define MIP_STIP (1 << IRQ_S_TIMER)
#define MIP_MTIP (1 << IRQ_M_TIMER)
#define MIP_SEIP (1 << IRQ_S_EXT)
#define MIP_MEIP (1 << IRQ_M_EXT)
#define CAUSE_INTERRUPT (1 << 63)

#define CAUSE_FETCH_MISALIGNED 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_LOAD_MISALIGNED  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_STORE_MISALIGNED 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
/* A leaf with A and D already set: hardware never needs to update it. */
#define PTE_LEAF_RWX (PTE_V | PTE_RWX | PTE_A | PTE_D)
/* The PTE for physical address pa: PPN in bits 53:10 (Privileged ISA, Sv39 PTE format). */
#define PTE_FOR(pa, flags) ((((pa) >> 12) << 10) | (flags))

#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10
#define SATP_MODE_SV64 11

/* CSRs named by number, so the tests do not depend on the assembler knowing them. */
#define CSR_STIMECMP 0x14d
#define CSR_MENVCFG  0x30a
#define MENVCFG_STCE (1 << 63)

#define FINISH_MAGIC 0x7e57d0e

/* Layout of trap_rec / strap_rec, 8 bytes per field. */
#define REC_T0       0
#define REC_T1       8
#define REC_T2       16
#define REC_CAUSE    24
#define REC_EPC      32
#define REC_TVAL     40
#define REC_STATUS   48   /* mstatus / sstatus as the handler found it */
#define REC_COUNT    56   /* traps taken since the record was last armed */
#define REC_RESUME   64   /* continue here (one shot); 0 = a trap is unexpected */
#define REC_RESUME_HERE 72 /* nonzero: continue in the handler's mode (M or S) */
#define REC_VECTOR   80   /* vector table slot that was entered, -1 = direct entry */
#define REC_FIX_ADDR 88   /* nonzero: store REC_FIX_VAL here, sfence.vma, retry */
#define REC_FIX_VAL  96
#define REC_SIZE     104

/* ---- checks ---- */

/* Start case n: a failure from here on reports n. */
.macro CASE n
  li gp, \n
.endm

/* Fail the current case unless \reg equals the 64-bit constant \val. */
.macro EXPECT reg, val
  li t6, \val
  beq \reg, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless two registers are equal. */
.macro EXPECT_REG reg, other
  beq \reg, \other, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless \reg holds the address of \label (as seen from the current mapping). */
.macro EXPECT_ADDR reg, label
  la t6, \label
  beq \reg, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless (\reg & \mask) == \val. */
.macro EXPECT_MASKED reg, mask, val
  li t6, \mask
  and t6, \reg, t6
  li t5, \val
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless the CSR reads \val. */
.macro EXPECT_CSR csr, val
  csrr t5, \csr
  li t6, \val
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless (CSR & \mask) == \val. */
.macro EXPECT_CSR_MASKED csr, mask, val
  csrr t5, \csr
  li t6, \mask
  and t5, t5, t6
  li t6, \val
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless the 8-byte word at \label + \off equals \val. */
.macro EXPECT_DWORD label, off, val
  la t5, \label
  ld t5, \off(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Fail unless the 8-byte word at \label + \off equals the address of \target. */
.macro EXPECT_DWORD_ADDR label, off, target
  la t5, \label
  ld t5, \off(t5)
  la t6, \target
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* ---- operation tests: a1, a2 (, a3) are the operands, a0 the result ---- */

/* rd = op(a, b) for a register-register instruction. */
.macro T_RR n, op, expect, a, b
  CASE \n
  li a1, \a
  li a2, \b
  \op a0, a1, a2
  EXPECT a0, \expect
.endm

/* The same with rd = rs1, rd = rs2 and rs1 = rs2 (\a twice): an operand must be read
 * before the result is written. */
.macro T_RR_DEST1 n, op, expect, a, b
  CASE \n
  li a1, \a
  li a2, \b
  \op a1, a1, a2
  EXPECT a1, \expect
.endm
.macro T_RR_DEST2 n, op, expect, a, b
  CASE \n
  li a1, \a
  li a2, \b
  \op a2, a1, a2
  EXPECT a2, \expect
.endm
.macro T_RR_SAME n, op, expect, a
  CASE \n
  li a1, \a
  \op a0, a1, a1
  EXPECT a0, \expect
.endm

/* rd = op(a, imm) for a register-immediate instruction. */
.macro T_RI n, op, expect, a, imm
  CASE \n
  li a1, \a
  \op a0, a1, \imm
  EXPECT a0, \expect
.endm
.macro T_RI_DEST1 n, op, expect, a, imm
  CASE \n
  li a1, \a
  \op a1, a1, \imm
  EXPECT a1, \expect
.endm

/* ---- floating-point tests ----
 * Operands and results are raw bit patterns. \box is 0xffffffff00000000 for single
 * precision (operands are NaN-boxed, and the result register is read whole with FMV.X.D,
 * so a single result must be NaN-boxed too) and 0 for double. fflags is cleared before
 * the operation and must equal \flags exactly afterwards. \rm is a static rounding mode
 * (rne, rtz, rdn, rup, rmm) or blank for dynamic (frm). */
#define FFLAG_NX 1
#define FFLAG_UF 2
#define FFLAG_OF 4
#define FFLAG_DZ 8
#define FFLAG_NV 16
#define BOX_S 0xffffffff00000000
#define BOX_D 0

.macro FP_OPERAND freg, box, bits
  li t6, (\box) | (\bits)
  fmv.d.x \freg, t6
.endm

.macro FP_RESULT box, res, flags
  fmv.x.d a0, fa0
  EXPECT a0, (\box) | (\res)
  csrr a1, fflags
  EXPECT a1, \flags
.endm

/* fa0 = \op(fa1, fa2) */
.macro TF_RR n, op, box, res, flags, a, b, rm
  CASE \n
  FP_OPERAND fa1, \box, \a
  FP_OPERAND fa2, \box, \b
  csrwi fflags, 0
  .ifb \rm
  \op fa0, fa1, fa2
  .else
  \op fa0, fa1, fa2, \rm
  .endif
  FP_RESULT \box, \res, \flags
.endm

/* fa0 = \op(fa1) */
.macro TF_R n, op, box, res, flags, a, rm
  CASE \n
  FP_OPERAND fa1, \box, \a
  csrwi fflags, 0
  .ifb \rm
  \op fa0, fa1
  .else
  \op fa0, fa1, \rm
  .endif
  FP_RESULT \box, \res, \flags
.endm

/* fa0 = \op(fa1) between formats: operand boxed with \abox, result with \rbox. */
.macro TF_CVT n, op, abox, rbox, res, flags, a, rm
  CASE \n
  FP_OPERAND fa1, \abox, \a
  csrwi fflags, 0
  .ifb \rm
  \op fa0, fa1
  .else
  \op fa0, fa1, \rm
  .endif
  FP_RESULT \rbox, \res, \flags
.endm

/* fa0 = \op(fa1, fa2, fa3) */
.macro TF_RRR n, op, box, res, flags, a, b, c, rm
  CASE \n
  FP_OPERAND fa1, \box, \a
  FP_OPERAND fa2, \box, \b
  FP_OPERAND fa3, \box, \c
  csrwi fflags, 0
  .ifb \rm
  \op fa0, fa1, fa2, fa3
  .else
  \op fa0, fa1, fa2, fa3, \rm
  .endif
  FP_RESULT \box, \res, \flags
.endm

/* a0 = \op(fa1, fa2), an integer result (comparisons) */
.macro TF_CMP n, op, box, res, flags, a, b
  CASE \n
  FP_OPERAND fa1, \box, \a
  FP_OPERAND fa2, \box, \b
  csrwi fflags, 0
  \op a0, fa1, fa2
  EXPECT a0, \res
  csrr a1, fflags
  EXPECT a1, \flags
.endm

/* a0 = \op(fa1), an integer result (conversions to integer, FCLASS, FMV.X) */
.macro TF_TOINT n, op, box, res, flags, a, rm
  CASE \n
  FP_OPERAND fa1, \box, \a
  csrwi fflags, 0
  .ifb \rm
  \op a0, fa1
  .else
  \op a0, fa1, \rm
  .endif
  EXPECT a0, \res
  csrr a1, fflags
  EXPECT a1, \flags
.endm

/* fa0 = \op(a1), from an integer (conversions from integer, FMV.W.X / FMV.D.X) */
.macro TF_FROMINT n, op, box, res, flags, a, rm
  CASE \n
  li a1, \a
  csrwi fflags, 0
  .ifb \rm
  \op fa0, a1
  .else
  \op fa0, a1, \rm
  .endif
  FP_RESULT \box, \res, \flags
.endm

/* ---- trap expectations ---- */

/* Arm record \rec: the next trap continues at \label in the mode that trapped
 * (for the S record: in S). Resets the record's count. */
.macro ARM_RESUME rec, label
  la t5, \rec
  la t6, \label
  sd t6, REC_RESUME(t5)
  sd zero, REC_COUNT(t5)
  sd zero, REC_CAUSE(t5)
  sd zero, REC_EPC(t5)
  sd zero, REC_TVAL(t5)
.endm
.macro TRAP_RESUME label
  ARM_RESUME trap_rec, \label
.endm
.macro STRAP_RESUME label
  ARM_RESUME strap_rec, \label
.endm

/* Arm record \rec to resolve the next fault by storing \val_reg at the address in
 * \addr_reg, then sfence.vma, then retrying the faulting instruction. */
.macro ARM_FIXUP rec, addr_reg, val_reg
  la t5, \rec
  sd \addr_reg, REC_FIX_ADDR(t5)
  sd \val_reg, REC_FIX_VAL(t5)
  sd zero, REC_COUNT(t5)
  sd zero, REC_CAUSE(t5)
  sd zero, REC_EPC(t5)
  sd zero, REC_TVAL(t5)
.endm

/* Fail unless exactly one trap went to record \rec, with \cause, at the instruction
 * labelled \epc_label, and tval == \tval (a constant). */
.macro EXPECT_REC rec, cause, epc_label, tval
  EXPECT_DWORD \rec, REC_COUNT, 1
  EXPECT_DWORD \rec, REC_CAUSE, \cause
  EXPECT_DWORD_ADDR \rec, REC_EPC, \epc_label
  EXPECT_DWORD \rec, REC_TVAL, \tval
.endm
/* The same, with tval the address of \tval_label. */
.macro EXPECT_REC_AT rec, cause, epc_label, tval_label
  EXPECT_DWORD \rec, REC_COUNT, 1
  EXPECT_DWORD \rec, REC_CAUSE, \cause
  EXPECT_DWORD_ADDR \rec, REC_EPC, \epc_label
  EXPECT_DWORD_ADDR \rec, REC_TVAL, \tval_label
.endm
.macro EXPECT_TRAP cause, epc_label, tval
  EXPECT_REC trap_rec, \cause, \epc_label, \tval
.endm
.macro EXPECT_TRAP_AT cause, epc_label, tval_label
  EXPECT_REC_AT trap_rec, \cause, \epc_label, \tval_label
.endm
.macro EXPECT_STRAP cause, epc_label, tval
  EXPECT_REC strap_rec, \cause, \epc_label, \tval
.endm
.macro EXPECT_STRAP_AT cause, epc_label, tval_label
  EXPECT_REC_AT strap_rec, \cause, \epc_label, \tval_label
.endm

/* Fail unless the 8-byte word at \label + \off equals \val or \alt. */
.macro EXPECT_DWORD_EITHER label, off, val, alt
  la t5, \label
  ld t5, \off(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  li t6, \alt
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* EXPECT_TRAP / EXPECT_TRAP_AT where the cause may be \cause or \alt: for documented
 * QEMU deviations, accepting both the spec's value and the one QEMU 7.2 gives. */
.macro EXPECT_TRAP_EITHER cause, alt, epc_label, tval
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD_EITHER trap_rec, REC_CAUSE, \cause, \alt
  EXPECT_DWORD_ADDR trap_rec, REC_EPC, \epc_label
  EXPECT_DWORD trap_rec, REC_TVAL, \tval
.endm
.macro EXPECT_TRAP_EITHER_AT cause, alt, epc_label, tval_label
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD_EITHER trap_rec, REC_CAUSE, \cause, \alt
  EXPECT_DWORD_ADDR trap_rec, REC_EPC, \epc_label
  EXPECT_DWORD_ADDR trap_rec, REC_TVAL, \tval_label
.endm

/* One breakpoint trap to M at \epc_label. mtval = the pc on our engine; the spec also
 * allows 0 (Privileged 3.1.16), which is what QEMU 7.2 writes. */
.macro EXPECT_BREAKPOINT epc_label
  EXPECT_DWORD trap_rec, REC_COUNT, 1
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_BREAKPOINT
  EXPECT_DWORD_ADDR trap_rec, REC_EPC, \epc_label
#ifdef QEMU
  la t5, trap_rec
  ld t5, REC_TVAL(t5)
  beqz t5, .Lok\@
#endif
  EXPECT_DWORD_ADDR trap_rec, REC_TVAL, \epc_label
.Lok\@:
.endm

/* Fail unless exactly one illegal-instruction trap went to \rec, at \epc_label, with the
 * instruction's 32 bits in tval (read back from the instruction itself). */
.macro EXPECT_ILLEGAL_REC rec, epc_label
  EXPECT_DWORD \rec, REC_COUNT, 1
  EXPECT_DWORD \rec, REC_CAUSE, CAUSE_ILLEGAL
  EXPECT_DWORD_ADDR \rec, REC_EPC, \epc_label
  la t5, \epc_label
  lwu t6, 0(t5)
  la t5, \rec
  ld t5, REC_TVAL(t5)
  beq t5, t6, .Lok\@
  j test_fail
.Lok\@:
.endm

/* Case \n: the 32-bit instruction \insn must raise illegal instruction (to M), with its
 * bits in mtval; execution continues after it in the same mode. */
.macro T_ILLEGAL n, insn:vararg
  CASE \n
  TRAP_RESUME .Lresume\@
.Linsn\@:
  \insn
  j test_fail
.Lresume\@:
  EXPECT_ILLEGAL_REC trap_rec, .Linsn\@
.endm

/* ---- privilege changes ---- */

/* From M: continue at \label + \offset in privilege \prv (PRV_U / PRV_S / PRV_M), with
 * mstatus.MIE = 0 afterwards (MPIE is cleared first; below M, M-level interrupts are
 * enabled whatever MIE says). \offset lets a test enter an alias mapping of the image.
 * Clobbers t5, t6. */
.macro ENTER_MODE prv, label, offset=0
  li t6, MSTATUS_MPP | MSTATUS_MPIE
  csrc mstatus, t6
  li t6, (\prv) << 11
  csrs mstatus, t6
  la t6, \label
  li t5, \offset
  add t6, t6, t5
  csrw mepc, t6
  mret
.endm

/* From any mode: ecall into the M handler and continue at \label in M mode, with
 * mstatus.MIE = 0.
 * \label is taken as its link-time (physical) address, so this works from an alias
 * mapping too. U-mode ecalls must not be delegated while this is used from U. */
.macro GOTO_M label
  la t5, trap_rec
  ld t6, .Labs\@
  sd t6, REC_RESUME(t5)
  li t6, 1
  sd t6, REC_RESUME_HERE(t5)
  sd zero, REC_COUNT(t5)
  ecall
  j test_fail
  .balign 8
.Labs\@:
  .dword \label
.endm

/* From U, with U ecalls delegated to S: ecall into the S handler and continue at
 * \label in S mode (sstatus.SIE = 0), at \label's link-time address, which S must map
 * (the tests identity-map the image for S). */
.macro GOTO_S label
  la t5, strap_rec
  ld t6, .Labs\@
  sd t6, REC_RESUME(t5)
  li t6, 1
  sd t6, REC_RESUME_HERE(t5)
  sd zero, REC_COUNT(t5)
  ecall
  j test_fail
  .balign 8
.Labs\@:
  .dword \label
.endm

/* Turn the FPU on (mstatus.FS = Initial) and clear fcsr. */
.macro FP_ON
  li t6, MSTATUS_FS_INITIAL
  csrs mstatus, t6
  csrwi fcsr, 0
.endm

/* ---- page tables (built at run time: the assembler cannot shift symbols) ---- */

/* \table[\index] = leaf PTE for the address of symbol \target with \flags. */
.macro PTE_LEAF table, index, target, flags
  la t6, \target
  srli t6, t6, 12
  slli t6, t6, 10
  ori t6, t6, \flags
  la t5, \table + (\index) * 8
  sd t6, 0(t5)
.endm

/* \table[\index] = leaf PTE for the constant physical address \pa with \flags. */
.macro PTE_LEAF_PA table, index, pa, flags
  li t6, PTE_FOR(\pa, \flags)
  la t5, \table + (\index) * 8
  sd t6, 0(t5)
.endm

/* \reg = leaf PTE for the address of symbol \target with \flags. */
.macro PTE_VALUE reg, target, flags
  la \reg, \target
  srli \reg, \reg, 12
  slli \reg, \reg, 10
  ori \reg, \reg, \flags
.endm

/* \table[\index] = pointer to the next-level table \next. */
.macro PTE_NEXT table, index, next
  la t6, \next
  srli t6, t6, 12
  slli t6, t6, 10
  ori t6, t6, PTE_V
  la t5, \table + (\index) * 8
  sd t6, 0(t5)
.endm

/* satp = \mode with root table \root; then flush the TLB. */
.macro SATP_SET mode, root
  la t6, \root
  srli t6, t6, 12
  li t5, (\mode) << 60
  or t6, t6, t5
  csrw satp, t6
  sfence.vma
.endm

/* ---- vector tables (mtvec / stvec MODE = Vectored) ----
 * Slot i records i in REC_VECTOR and joins the ordinary handler. The table must be
 * aligned; 256 bytes covers every alignment an implementation may demand for 16 slots
 * (Privileged ISA, "Machine Trap-Vector Base-Address Register"). */
.macro VECTOR_SLOT scratch, join, index
  csrrw sp, \scratch, sp
  sd t0, REC_T0(sp)
  li t0, \index
  j \join
.endm
.macro VECTOR_TABLE name, scratch, join
  .balign 256
\name:
  .option push
  .option norvc
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j \name\()_slot_\i
  .endr
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
\name\()_slot_\i:
  VECTOR_SLOT \scratch, \join, \i
  .endr
  .option pop
.endm
#define M_VECTOR_TABLE(name) VECTOR_TABLE name, mscratch, m_trap_join
#define S_VECTOR_TABLE(name) VECTOR_TABLE name, sscratch, s_trap_join

/* ======================================================================== */
/* Runtime                                                                   */
/* ======================================================================== */

  .section .text.init, "ax", @progbits
  .option push
  .option norvc
  .globl _start
_start:
  /* Let S and U mode reach all of memory through PMP entry 0 (NAPOT over everything,
   * RWX): an implementation with PMP denies S/U accesses that match no entry
   * (Privileged ISA, "Physical Memory Protection"). PMP CSRs may be absent on the
   * emulator, so a trap here just skips the write. */
  la t0, .Lskip_insn
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f           /* A = NAPOT, X, W, R */
  csrw pmpcfg0, t0

  /* .bss holds page tables and records: make sure it is zero. */
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  la sp, stack_top
  la t0, trap_rec
  csrw mscratch, t0
  la t0, strap_rec
  csrw sscratch, t0
  la t0, m_trap_entry
  csrw mtvec, t0
  li t0, 0
  li t1, 0
  li gp, 0
  j test_main

  .balign 4
.Lskip_insn:
  csrr t1, mepc
  addi t1, t1, 4
  csrw mepc, t1
  mret

/* ---- M-mode trap handler ---- */
  .balign 256
  .globl m_trap_entry
m_trap_entry:
  csrrw sp, mscratch, sp
  sd t0, REC_T0(sp)
  li t0, -1
  .globl m_trap_join
m_trap_join:
  sd t0, REC_VECTOR(sp)
  sd t1, REC_T1(sp)
  sd t2, REC_T2(sp)
  csrr t0, mcause
  bltz t0, .Lm_record
  /* A finish request: ecall (cause 8, 9 or 11) with a7 = FINISH_MAGIC. */
  li t1, FINISH_MAGIC
  bne a7, t1, .Lm_record
  addi t1, t0, -CAUSE_ECALL_U
  li t2, 4
  bgeu t1, t2, .Lm_record
  li a1, 0
  j test_finish_m
.Lm_record:
  sd t0, REC_CAUSE(sp)
  csrr t1, mepc
  sd t1, REC_EPC(sp)
  csrr t1, mtval
  sd t1, REC_TVAL(sp)
  csrr t1, mstatus
  sd t1, REC_STATUS(sp)
  ld t1, REC_COUNT(sp)
  addi t1, t1, 1
  sd t1, REC_COUNT(sp)
  bgez t0, 1f
  /* Interrupt: clear its enable bit so it does not fire again on return. */
  li t1, 1
  sll t1, t1, t0
  csrc mie, t1
1:
  ld t1, REC_FIX_ADDR(sp)
  beqz t1, 2f
  /* Fixup: store the new PTE (physically; M mode is not translated), flush, retry. */
  ld t2, REC_FIX_VAL(sp)
  sd t2, 0(t1)
  sd zero, REC_FIX_ADDR(sp)
  sfence.vma
  j .Lm_return
2:
  ld t1, REC_RESUME(sp)
  bnez t1, 3f
  bltz t0, .Lm_return     /* an unarmed interrupt resumes where it struck */
  /* An unexpected exception fails the current case. */
  li a1, 1
  j .Lm_fail_code
3:
  csrw mepc, t1
  sd zero, REC_RESUME(sp)
  ld t1, REC_RESUME_HERE(sp)
  beqz t1, .Lm_return
  sd zero, REC_RESUME_HERE(sp)
  li t1, MSTATUS_MPP
  csrs mstatus, t1
  li t1, MSTATUS_MPIE
  csrc mstatus, t1
.Lm_return:
  ld t0, REC_T0(sp)
  ld t1, REC_T1(sp)
  ld t2, REC_T2(sp)
  csrrw sp, mscratch, sp
  mret

/* a0 = (gp << 1) | 1, with case 0 reported as 4095 (a failure outside any case). */
.Lm_fail_code:
  mv a0, gp
  bnez a0, 1f
  li a0, 4095
1:
  slli a0, a0, 1
  ori a0, a0, 1
  j test_finish_m

/* ---- S-mode trap handler (used when a test delegates traps to S) ---- */
  .balign 256
  .globl s_trap_entry
s_trap_entry:
  csrrw sp, sscratch, sp
  sd t0, REC_T0(sp)
  li t0, -1
  .globl s_trap_join
s_trap_join:
  sd t0, REC_VECTOR(sp)
  sd t1, REC_T1(sp)
  sd t2, REC_T2(sp)
  csrr t0, scause
  bltz t0, .Ls_record
  /* A finish request from U (delegated ecall): pass it on to M with an ecall from S. */
  li t1, FINISH_MAGIC
  bne a7, t1, .Ls_record
  li t1, CAUSE_ECALL_U
  bne t0, t1, .Ls_record
  ld t0, REC_T0(sp)
  ld t1, REC_T1(sp)
  ld t2, REC_T2(sp)
  csrrw sp, sscratch, sp
  ecall
.Ls_record:
  sd t0, REC_CAUSE(sp)
  csrr t1, sepc
  sd t1, REC_EPC(sp)
  csrr t1, stval
  sd t1, REC_TVAL(sp)
  csrr t1, sstatus
  sd t1, REC_STATUS(sp)
  ld t1, REC_COUNT(sp)
  addi t1, t1, 1
  sd t1, REC_COUNT(sp)
  bgez t0, 1f
  li t1, 1
  sll t1, t1, t0
  csrc sie, t1
1:
  ld t1, REC_FIX_ADDR(sp)
  beqz t1, 2f
  ld t2, REC_FIX_VAL(sp)
  sd t2, 0(t1)
  sd zero, REC_FIX_ADDR(sp)
  sfence.vma
  j .Ls_return
2:
  ld t1, REC_RESUME(sp)
  bnez t1, 3f
  bltz t0, .Ls_return
  /* Unexpected: fail the current case through M. */
  mv a0, gp
  bnez a0, 4f
  li a0, 4095
4:
  slli a0, a0, 1
  ori a0, a0, 1
  li a7, FINISH_MAGIC
  ecall
3:
  csrw sepc, t1
  sd zero, REC_RESUME(sp)
  ld t1, REC_RESUME_HERE(sp)
  beqz t1, .Ls_return
  sd zero, REC_RESUME_HERE(sp)
  li t1, MSTATUS_SPP
  csrs sstatus, t1
  li t1, MSTATUS_SPIE
  csrc sstatus, t1
.Ls_return:
  ld t0, REC_T0(sp)
  ld t1, REC_T1(sp)
  ld t2, REC_T2(sp)
  csrrw sp, sscratch, sp
  sret

/* ---- finishing ---- */
  .globl test_pass
test_pass:
  li a0, 1
  li a7, FINISH_MAGIC
  ecall
1:
  j 1b

  .globl test_fail
test_fail:
  mv a0, gp
  bnez a0, 1f
  li a0, 4095
1:
  slli a0, a0, 1
  ori a0, a0, 1
  li a7, FINISH_MAGIC
  ecall
2:
  j 2b

/* In M mode, untranslated: a0 = result, a1 != 0 when an unexpected trap caused it
 * (its details are in trap_rec). */
test_finish_m:
#ifdef QEMU
  mv s0, a0
  mv s1, a1
  li t0, 1
  bne s0, t0, 1f
  la a0, .Lmsg_pass
  jal ra, qemu_puts
  li t0, 0x5555                 /* SiFive test device: FINISHER_PASS */
  j 3f
1:
  la a0, .Lmsg_fail
  jal ra, qemu_puts
  srli a0, s0, 1
  jal ra, qemu_putdec
  beqz s1, 2f
  la a0, .Lmsg_cause
  jal ra, qemu_puts
  la t0, trap_rec
  ld a0, REC_CAUSE(t0)
  jal ra, qemu_puthex
  la a0, .Lmsg_epc
  jal ra, qemu_puts
  la t0, trap_rec
  ld a0, REC_EPC(t0)
  jal ra, qemu_puthex
  la a0, .Lmsg_tval
  jal ra, qemu_puts
  la t0, trap_rec
  ld a0, REC_TVAL(t0)
  jal ra, qemu_puthex
  la a0, .Lmsg_close
  jal ra, qemu_puts
2:
  la a0, .Lmsg_nl
  jal ra, qemu_puts
  /* FINISHER_FAIL with the exit status in bits 31:16; keep it nonzero. */
  srli t0, s0, 1
  andi t0, t0, 0xff
  bnez t0, 4f
  li t0, 0xff
4:
  slli t0, t0, 16
  li t1, 0x3333
  or t0, t0, t1
3:
  li t1, 0x100000
  sw t0, 0(t1)
#else
  la t0, tohost
  sd a0, 0(t0)
#endif
5:
  j 5b

#ifdef QEMU
/* The virt machine's NS16550A at 0x1000_0000: QEMU accepts bytes without setup. */
qemu_putc:                      /* a0 = byte */
  li t0, 0x10000000
1:
  lbu t1, 5(t0)                 /* LSR.THRE */
  andi t1, t1, 0x20
  beqz t1, 1b
  sb a0, 0(t0)
  ret
qemu_puts:                      /* a0 = NUL-terminated string */
  mv t2, a0
  mv a2, ra
1:
  lbu a0, 0(t2)
  beqz a0, 2f
  jal ra, qemu_putc
  addi t2, t2, 1
  j 1b
2:
  mv ra, a2
  ret
qemu_puthex:                    /* a0 = value, printed as 0x + 16 digits */
  mv a3, a0
  mv a4, ra
  li a0, '0'
  jal ra, qemu_putc
  li a0, 'x'
  jal ra, qemu_putc
  li a5, 60
1:
  srl a0, a3, a5
  andi a0, a0, 15
  addi a0, a0, '0'
  li t2, '9'
  ble a0, t2, 2f
  addi a0, a0, 'a' - '0' - 10
2:
  jal ra, qemu_putc
  addi a5, a5, -4
  bgez a5, 1b
  mv ra, a4
  ret
qemu_putdec:                    /* a0 = value, in decimal */
  mv a4, ra
  la a5, .Ldec_buf + 24
  sb zero, 0(a5)
  li a3, 10
1:
  remu t2, a0, a3
  divu a0, a0, a3
  addi t2, t2, '0'
  addi a5, a5, -1
  sb t2, 0(a5)
  bnez a0, 1b
  mv a0, a5
  jal ra, qemu_puts
  mv ra, a4
  ret
#endif
  .option pop

/* ---- data ---- */
  .section .tohost, "aw", @progbits
  .balign 8
  .globl tohost
tohost:
  .dword 0
  .globl fromhost
fromhost:
  .dword 0

  .section .rodata
.Lmsg_pass:  .asciz "PASS\n"
.Lmsg_fail:  .asciz "FAIL "
.Lmsg_cause: .asciz " (unexpected trap: mcause="
.Lmsg_epc:   .asciz " mepc="
.Lmsg_tval:  .asciz " mtval="
.Lmsg_close: .asciz ")"
.Lmsg_nl:    .asciz "\n"

  .section .bss
  .balign 64
  .globl trap_rec
trap_rec:
  .skip REC_SIZE
  .balign 64
  .globl strap_rec
strap_rec:
  .skip REC_SIZE
  .balign 16
.Ldec_buf:
  .skip 32
  .balign 16
  .skip 8192
  .globl stack_top
stack_top:

  .text
  .option norvc   /* tests spell out compressed code explicitly (rv64uc.S switches back) */
#endif
