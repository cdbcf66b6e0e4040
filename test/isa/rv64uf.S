/* rv64uf.S: the F extension (Unprivileged ISA chapter 11, "F Standard Extension for
 * Single-Precision Floating-Point") and the mstatus.FS rules for it (Privileged 3.1.6.6,
 * "Extension Context Status in mstatus Register").
 *
 * Covered: FS = Off makes every FP instruction and FP CSR illegal; FS becomes Dirty after
 * FP state is written; fcsr / frm / fflags; reserved rounding modes; NaN-boxing of single
 * operands and results; FMV.X.W sign extension; FLW / FSW; arithmetic with exact fflags
 * for each of NV, DZ, OF, UF, NX; canonical NaN results; all five rounding modes static
 * and dynamic; fused multiply-add rounded once; FMIN / FMAX with signed zeros and NaNs;
 * comparisons; sign injection; FCLASS for every class; saturating conversions.
 * Expected bit patterns were computed with an exact rational model of IEEE 754 binary32
 * (tininess detected after rounding, as RISC-V specifies in 11.4). */
#include "isa.h"

/* The 32-bit encoding of OP-FP \funct7 with the given rm field: fd = fa0, fs1 = fa1,
 * fs2 = fa2. Used for the reserved rounding modes, which assemblers refuse. */
#define FP_RM_INSN(funct7, rm) (((funct7) << 25) | (12 << 20) | (11 << 15) | ((rm) << 12) | (10 << 7) | 0x53)

test_main:
  /* mstatus.FS starts Off (the runner's reset state, and QEMU's). With FS = Off, an FP
   * instruction, an FP load and a read of an FP CSR are illegal instructions, and mtval
   * holds the instruction bits. */
  CASE 1
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, 0
  CASE 2
  TRAP_RESUME 1f
9:
  fadd.s fa0, fa1, fa2
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0x00c5f553
  CASE 3
  la a1, fp_mem
  TRAP_RESUME 1f
9:
  flw fa0, 0(a1)
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0x0005a507
  CASE 4
  TRAP_RESUME 1f
9:
  fmv.x.w a0, fa0
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0xe0050553
  CASE 5
  TRAP_RESUME 1f
9:
  csrr a0, fcsr
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0x00302573
  CASE 6
  TRAP_RESUME 1f
9:
  csrwi fflags, 1
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0x0010d073

  /* FS = Initial: FP works; writing an f register makes FS Dirty, and SD = 1 summarises
   * it (3.1.6.6). */
  CASE 7
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_INITIAL
  fmv.w.x fa0, zero
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  /* FS = Clean, then an arithmetic result written: Dirty again. */
  CASE 8
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_CLEAN
  csrs mstatus, t0
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_CLEAN
  fadd.s fa1, fa0, fa0
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  /* ... and after an FP load, and after a write to fflags. */
  CASE 9
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_CLEAN
  csrs mstatus, t0
  la a1, fp_mem
  flw fa2, 0(a1)
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  CASE 10
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_CLEAN
  csrs mstatus, t0
  csrwi fflags, 0
  EXPECT_CSR_MASKED mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD

  /* fcsr = frm (bits 7:5) and fflags (bits 4:0); frm and fflags are views of it (11.2). */
  CASE 11
  csrwi fcsr, 0
  li t0, 0xff
  csrw fcsr, t0
  EXPECT_CSR frm, 7
  EXPECT_CSR fflags, 0x1f
  EXPECT_CSR fcsr, 0xff
  CASE 12
  csrwi frm, 3
  EXPECT_CSR fcsr, 0x7f
  csrwi fflags, 0x05
  EXPECT_CSR fcsr, 0x65
  CASE 13
  li a1, 0x0a
  fsflags a0, a1          /* swap: old value out, new value in */
  EXPECT a0, 0x05
  EXPECT_CSR fflags, 0x0a
  li a1, 1
  fsrm a0, a1
  EXPECT a0, 3
  EXPECT_CSR fcsr, 0x2a
  csrwi fcsr, 0

  /* Flags accumulate until cleared: DZ from 1/0, then NX from 1/3. */
  CASE 14
  FP_OPERAND fa1, BOX_S, 0x3f800000
  FP_OPERAND fa2, BOX_S, 0x00000000
  FP_OPERAND fa3, BOX_S, 0x40400000
  fdiv.s fa0, fa1, fa2
  EXPECT_CSR fflags, FFLAG_DZ
  fdiv.s fa0, fa1, fa3
  EXPECT_CSR fflags, FFLAG_DZ | FFLAG_NX
  fsqrt.s fa0, fa3
  EXPECT_CSR fflags, FFLAG_DZ | FFLAG_NX
  csrwi fflags, 0

  /* Rounding modes 5 and 6 are reserved: illegal as a static rm, and a dynamic rm with
   * frm = 5, 6 or 7 is illegal when the instruction executes (11.2). */
  CASE 15
  TRAP_RESUME 1f
9:
  .word FP_RM_INSN(0x00, 5)
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, FP_RM_INSN(0x00, 5)
  CASE 16
  TRAP_RESUME 1f
9:
  .word FP_RM_INSN(0x08, 6)   /* fmul.s */
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, FP_RM_INSN(0x08, 6)
  CASE 17
  csrwi frm, 5
  TRAP_RESUME 1f
9:
  fadd.s fa0, fa1, fa2      /* rm = dyn */
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, FP_RM_INSN(0x00, 7)
  CASE 18
  csrwi frm, 7
  TRAP_RESUME 1f
9:
  fsqrt.s fa0, fa1
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, 0x5805f553
  /* An instruction without rounding ignores frm. */
  CASE 19
  fmin.s fa0, fa1, fa1
  csrwi frm, 0

  /* NaN-boxing (12.2): a single operand whose upper 32 bits are not all ones reads as the
   * canonical NaN, in arithmetic, sign injection, FCLASS and conversions, without raising
   * NV (the canonical NaN is quiet). Transfers (FSW, FMV.X.W) move the low bits as they
   * are. */
  CASE 20
  FP_OPERAND fa1, 0, 0x3f800000           /* upper half zero */
  FP_OPERAND fa2, BOX_S, 0x3f800000
  csrwi fflags, 0
  fadd.s fa0, fa1, fa2
  FP_RESULT BOX_S, 0x7fc00000, 0
  CASE 21
  FP_OPERAND fa1, 0xfffffffe00000000, 0x3f800000   /* one upper bit clear */
  csrwi fflags, 0
  fmul.s fa0, fa2, fa1
  FP_RESULT BOX_S, 0x7fc00000, 0
  CASE 22
  FP_OPERAND fa1, 0, 0xbf800000
  FP_OPERAND fa2, BOX_S, 0xbf800000
  fsgnj.s fa0, fa1, fa2                   /* canonical NaN with the sign of -1.0 */
  FP_RESULT BOX_S, 0xffc00000, 0
  CASE 23
  fmv.s fa0, fa1
  FP_RESULT BOX_S, 0x7fc00000, 0
  CASE 24
  fclass.s a0, fa1
  EXPECT a0, 1 << 9
  CASE 25
  feq.s a0, fa1, fa1
  EXPECT a0, 0
  EXPECT_CSR fflags, 0
  CASE 26
  fcvt.w.s a0, fa1, rtz
  EXPECT a0, 0x7fffffff
  EXPECT_CSR fflags, FFLAG_NV
  csrwi fflags, 0
  CASE 27
  FP_OPERAND fa1, 0, 0x8badf00d
  fmv.x.w a0, fa1
  EXPECT a0, 0xffffffff8badf00d
  CASE 28
  la a1, fp_mem
  fsw fa1, 8(a1)
  lwu a0, 8(a1)
  EXPECT a0, 0x8badf00d

  /* FMV.W.X and FLW NaN-box what they write; FMV.X.W sign-extends bit 31 (11.7). */
  CASE 29
  li a1, 0x1234567880000001
  fmv.w.x fa0, a1
  FP_RESULT BOX_S, 0x80000001, 0
  CASE 30
  fmv.x.w a0, fa0
  EXPECT a0, 0xffffffff80000001
  CASE 31
  li a1, 0xffffffff7f800000
  fmv.w.x fa0, a1
  fmv.x.w a0, fa0
  EXPECT a0, 0x7f800000
  CASE 32
  la a1, fp_mem
  flw fa0, 4(a1)
  FP_RESULT BOX_S, 0xc0490fdb, 0
  CASE 33
  la a1, fp_mem
  flw f31, 0(a1)
  fsw f31, 12(a1)
  lw a0, 12(a1)
  EXPECT a0, 0x3fc00000
  /* f0 is an ordinary register, unlike x0. */
  CASE 34
  flw f0, 4(a1)
  fmv.x.w a0, f0
  EXPECT a0, 0xffffffffc0490fdb
  /* Misaligned FP loads and stores are performed like integer ones. */
  CASE 35
  addi a2, a1, 17
  fsw f0, 0(a2)
  flw f1, 0(a2)
  fmv.x.w a0, f1
  EXPECT a0, 0xffffffffc0490fdb

  FP_ON

  /* Arithmetic, exact and inexact; IEEE special cases; any NaN result is the
   * canonical NaN, whatever the payload of the input NaN (11.3, "NaN Generation and
   * Propagation"); only a signalling NaN input raises NV. */
  TF_RR 100, fadd.s, BOX_S, 0x40400000, 0, 0x3f800000, 0x40000000
  TF_RR 101, fadd.s, BOX_S, 0x3f800000, 0, 0x3fc00000, 0xbf000000
  TF_RR 102, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x30800000
  TF_RR 103, fadd.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800000, 0xff800000
  TF_RR 104, fadd.s, BOX_S, 0x7fc00000, 0, 0x7fc02345, 0x3f800000
  TF_RR 105, fadd.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800001, 0x3f800000
  TF_RR 106, fadd.s, BOX_S, 0x7fc00000, 0, 0x3f800000, 0xffc00000
  TF_RR 107, fadd.s, BOX_S, 0x7f800000, FFLAG_OF|FFLAG_NX, 0x7f7fffff, 0x7f7fffff
  TF_RR 108, fadd.s, BOX_S, 0x00000000, 0, 0x00000000, 0x80000000
  TF_RR 109, fadd.s, BOX_S, 0x80000000, 0, 0x80000000, 0x80000000
  TF_RR 110, fsub.s, BOX_S, 0x40000000, 0, 0x40400000, 0x3f800000
  TF_RR 111, fsub.s, BOX_S, 0x00000000, 0, 0x3f800000, 0x3f800000
  TF_RR 112, fsub.s, BOX_S, 0x80000000, 0, 0x3f800000, 0x3f800000, rdn
  TF_RR 113, fsub.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800000, 0x7f800000
  TF_RR 114, fsub.s, BOX_S, 0xff7fffff, FFLAG_NX, 0xbf800000, 0x7f7fffff
  TF_RR 115, fmul.s, BOX_S, 0xc1200000, 0, 0x40200000, 0xc0800000
  TF_RR 116, fmul.s, BOX_S, 0x7f800000, FFLAG_OF|FFLAG_NX, 0x7f7fffff, 0x40000000
  TF_RR 117, fmul.s, BOX_S, 0x7f7fffff, FFLAG_OF|FFLAG_NX, 0x7f7fffff, 0x40000000, rtz
  TF_RR 118, fmul.s, BOX_S, 0xff7fffff, FFLAG_OF|FFLAG_NX, 0xff7fffff, 0x40000000, rup
  TF_RR 119, fmul.s, BOX_S, 0xff800000, FFLAG_OF|FFLAG_NX, 0xff7fffff, 0x40000000, rdn
  TF_RR 120, fmul.s, BOX_S, 0x00400000, 0, 0x00800000, 0x3f000000
  TF_RR 121, fmul.s, BOX_S, 0x00000000, FFLAG_UF|FFLAG_NX, 0x00000001, 0x3f000000
  TF_RR 122, fmul.s, BOX_S, 0x00000001, FFLAG_UF|FFLAG_NX, 0x00000001, 0x3f000000, rup
  TF_RR 123, fmul.s, BOX_S, 0x00800002, FFLAG_NX, 0x00800003, 0x3f7fffff
  TF_RR 124, fmul.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x00000000, 0x7f800000
  TF_RR 125, fmul.s, BOX_S, 0x80000000, 0, 0x80000000, 0x40a00000
  TF_RR 126, fdiv.s, BOX_S, 0x3eaaaaab, FFLAG_NX, 0x3f800000, 0x40400000
  TF_RR 127, fdiv.s, BOX_S, 0xc0000000, 0, 0xc0c00000, 0x40400000
  TF_RR 128, fdiv.s, BOX_S, 0x7f800000, FFLAG_DZ, 0x3f800000, 0x00000000
  TF_RR 129, fdiv.s, BOX_S, 0xff800000, FFLAG_DZ, 0xbf800000, 0x00000000
  TF_RR 130, fdiv.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x00000000, 0x00000000
  TF_RR 131, fdiv.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800000, 0x7f800000
  TF_RR 132, fdiv.s, BOX_S, 0x80000000, 0, 0x3f800000, 0xff800000
  TF_R 133, fsqrt.s, BOX_S, 0x40000000, 0, 0x40800000
  TF_R 134, fsqrt.s, BOX_S, 0x3fb504f3, FFLAG_NX, 0x40000000
  TF_R 135, fsqrt.s, BOX_S, 0x7fc00000, FFLAG_NV, 0xbf800000
  TF_R 136, fsqrt.s, BOX_S, 0x80000000, 0, 0x80000000
  TF_R 137, fsqrt.s, BOX_S, 0x7f800000, 0, 0x7f800000
  TF_R 138, fsqrt.s, BOX_S, 0x1a3504f3, FFLAG_NX, 0x00000001
  TF_R 139, fsqrt.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800001

  /* The five static rounding modes on a tie (1 + half an ulp), on 1.5 ulp, and
   * negated (11.2, table 11.1). */
  TF_RR 140, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, rne
  TF_RR 141, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, rtz
  TF_RR 142, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, rdn
  TF_RR 143, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, rup
  TF_RR 144, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, rmm
  TF_RR 145, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, rne
  TF_RR 146, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, rtz
  TF_RR 147, fadd.s, BOX_S, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, rdn
  TF_RR 148, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, rup
  TF_RR 149, fadd.s, BOX_S, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, rmm
  TF_RR 150, fadd.s, BOX_S, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, rne
  TF_RR 151, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, rtz
  TF_RR 152, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, rdn
  TF_RR 153, fadd.s, BOX_S, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, rup
  TF_RR 154, fadd.s, BOX_S, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, rmm
  TF_RR 155, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000, rne
  TF_RR 156, fdiv.s, BOX_S, 0xbf2aaaaa, FFLAG_NX, 0xc0000000, 0x40400000, rtz
  TF_RR 157, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000, rdn
  TF_RR 158, fdiv.s, BOX_S, 0xbf2aaaaa, FFLAG_NX, 0xc0000000, 0x40400000, rup
  TF_RR 159, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000, rmm

  /* Dynamic rounding: the mode comes from frm. */
  csrwi frm, 0
  TF_RR 160, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000
  TF_RR 161, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000
  TF_RR 162, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000
  csrwi frm, 1
  TF_RR 163, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000
  TF_RR 164, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000
  TF_RR 165, fdiv.s, BOX_S, 0xbf2aaaaa, FFLAG_NX, 0xc0000000, 0x40400000
  csrwi frm, 2
  TF_RR 166, fadd.s, BOX_S, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000
  TF_RR 167, fadd.s, BOX_S, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000
  TF_RR 168, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000
  csrwi frm, 3
  TF_RR 169, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000
  TF_RR 170, fadd.s, BOX_S, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000
  TF_RR 171, fdiv.s, BOX_S, 0xbf2aaaaa, FFLAG_NX, 0xc0000000, 0x40400000
  csrwi frm, 4
  TF_RR 172, fadd.s, BOX_S, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000
  TF_RR 173, fadd.s, BOX_S, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000
  TF_RR 174, fdiv.s, BOX_S, 0xbf2aaaab, FFLAG_NX, 0xc0000000, 0x40400000
  csrwi frm, 0

  /* Fused multiply-add rounds once: these operands give a different result if a*b
   * were rounded first. inf * 0 raises NV even with a quiet NaN addend (11.6). */
  TF_RRR 175, fmadd.s, BOX_S, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000
  TF_RRR 176, fmadd.s, BOX_S, 0x40000000, FFLAG_NX, 0x3f800001, 0x3f7ffffe, 0x3f800000
  TF_RRR 177, fmsub.s, BOX_S, 0x40000000, FFLAG_NX, 0x3f800001, 0x3f7ffffe, 0xbf800000
  TF_RRR 178, fmsub.s, BOX_S, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0x3f800000
  TF_RRR 179, fnmsub.s, BOX_S, 0xc0000000, FFLAG_NX, 0x3f800001, 0x3f7ffffe, 0xbf800000
  TF_RRR 180, fnmsub.s, BOX_S, 0x28800000, 0, 0x3f800001, 0x3f7ffffe, 0x3f800000
  TF_RRR 181, fnmadd.s, BOX_S, 0x28800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000
  TF_RRR 182, fnmadd.s, BOX_S, 0xc0000000, FFLAG_NX, 0x3f800001, 0x3f7ffffe, 0x3f800000
  TF_RRR 183, fmadd.s, BOX_S, 0x41200000, 0, 0x40000000, 0x40400000, 0x40800000
  TF_RRR 184, fmadd.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800000, 0x00000000, 0x7fc00000
  TF_RRR 185, fmadd.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800000, 0x3f800000, 0xff800000
  TF_RRR 186, fmadd.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800001, 0x3f800000, 0x3f800000
  TF_RRR 187, fmadd.s, BOX_S, 0x00000000, 0, 0x3f800000, 0x3f800000, 0xbf800000
  TF_RRR 188, fmadd.s, BOX_S, 0x80000000, 0, 0x3f800000, 0x3f800000, 0xbf800000, rdn
  TF_RRR 189, fmadd.s, BOX_S, 0x7f7fffff, 0, 0x7f7fffff, 0x40000000, 0xff7fffff
  TF_RRR 190, fnmadd.s, BOX_S, 0x80000000, 0, 0x00000000, 0x3f800000, 0x00000000
  TF_RRR 191, fmadd.s, BOX_S, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000, rup
  TF_RRR 192, fmsub.s, BOX_S, 0x34800000, FFLAG_NX, 0x3f800001, 0x3f800001, 0x3f800000, rtz

  /* FMIN / FMAX: -0 < +0; a single NaN operand is ignored; two NaNs give the canonical
   * NaN; a signalling NaN raises NV (11.6, since version 2.2 of the F extension). */
  TF_RR 193, fmin.s, BOX_S, 0x3f800000, 0, 0x3f800000, 0x40000000
  TF_RR 194, fmin.s, BOX_S, 0xc0000000, 0, 0xc0000000, 0x3f800000
  TF_RR 195, fmin.s, BOX_S, 0x80000000, 0, 0x80000000, 0x00000000
  TF_RR 196, fmin.s, BOX_S, 0x80000000, 0, 0x00000000, 0x80000000
  TF_RR 197, fmin.s, BOX_S, 0x3f800000, 0, 0x7fc00000, 0x3f800000
  TF_RR 198, fmin.s, BOX_S, 0x3f800000, 0, 0x3f800000, 0x7fc00000
  TF_RR 199, fmin.s, BOX_S, 0x3f800000, FFLAG_NV, 0x7f800001, 0x3f800000
  TF_RR 200, fmin.s, BOX_S, 0x7fc00000, 0, 0x7fc00000, 0x7fc00000
  TF_RR 201, fmin.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800001, 0x7fc00000
  TF_RR 202, fmin.s, BOX_S, 0xff800000, 0, 0xff800000, 0xff7fffff
  TF_RR 203, fmin.s, BOX_S, 0x7f7fffff, 0, 0x7f800000, 0x7f7fffff
  TF_RR 204, fmax.s, BOX_S, 0x40000000, 0, 0x3f800000, 0x40000000
  TF_RR 205, fmax.s, BOX_S, 0x3f800000, 0, 0xc0000000, 0x3f800000
  TF_RR 206, fmax.s, BOX_S, 0x00000000, 0, 0x80000000, 0x00000000
  TF_RR 207, fmax.s, BOX_S, 0x00000000, 0, 0x00000000, 0x80000000
  TF_RR 208, fmax.s, BOX_S, 0x3f800000, 0, 0x7fc00000, 0x3f800000
  TF_RR 209, fmax.s, BOX_S, 0x3f800000, 0, 0x3f800000, 0x7fc00000
  TF_RR 210, fmax.s, BOX_S, 0x3f800000, FFLAG_NV, 0x7f800001, 0x3f800000
  TF_RR 211, fmax.s, BOX_S, 0x7fc00000, 0, 0x7fc00000, 0x7fc00000
  TF_RR 212, fmax.s, BOX_S, 0x7fc00000, FFLAG_NV, 0x7f800001, 0x7fc00000
  TF_RR 213, fmax.s, BOX_S, 0xff7fffff, 0, 0xff800000, 0xff7fffff
  TF_RR 214, fmax.s, BOX_S, 0x7f800000, 0, 0x7f800000, 0x7f7fffff

  /* Comparisons: FEQ is quiet (NV only for a signalling NaN), FLT and FLE signal NV for
   * any NaN; -0 == +0 (11.8). */
  TF_CMP 215, feq.s, BOX_S, 1, 0, 0x3f800000, 0x3f800000
  TF_CMP 216, feq.s, BOX_S, 0, 0, 0x3f800000, 0x40000000
  TF_CMP 217, feq.s, BOX_S, 0, 0, 0x40000000, 0x3f800000
  TF_CMP 218, feq.s, BOX_S, 1, 0, 0x80000000, 0x00000000
  TF_CMP 219, feq.s, BOX_S, 0, 0, 0x7fc00000, 0x3f800000
  TF_CMP 220, feq.s, BOX_S, 0, FFLAG_NV, 0x3f800000, 0x7f800001
  TF_CMP 221, feq.s, BOX_S, 0, 0, 0xff800000, 0x7f800000
  TF_CMP 222, feq.s, BOX_S, 0, 0, 0xbf800000, 0xc0000000
  TF_CMP 223, flt.s, BOX_S, 0, 0, 0x3f800000, 0x3f800000
  TF_CMP 224, flt.s, BOX_S, 1, 0, 0x3f800000, 0x40000000
  TF_CMP 225, flt.s, BOX_S, 0, 0, 0x40000000, 0x3f800000
  TF_CMP 226, flt.s, BOX_S, 0, 0, 0x80000000, 0x00000000
  TF_CMP 227, flt.s, BOX_S, 0, FFLAG_NV, 0x7fc00000, 0x3f800000
  TF_CMP 228, flt.s, BOX_S, 0, FFLAG_NV, 0x3f800000, 0x7f800001
  TF_CMP 229, flt.s, BOX_S, 1, 0, 0xff800000, 0x7f800000
  TF_CMP 230, flt.s, BOX_S, 0, 0, 0xbf800000, 0xc0000000
  TF_CMP 231, fle.s, BOX_S, 1, 0, 0x3f800000, 0x3f800000
  TF_CMP 232, fle.s, BOX_S, 1, 0, 0x3f800000, 0x40000000
  TF_CMP 233, fle.s, BOX_S, 0, 0, 0x40000000, 0x3f800000
  TF_CMP 234, fle.s, BOX_S, 1, 0, 0x80000000, 0x00000000
  TF_CMP 235, fle.s, BOX_S, 0, FFLAG_NV, 0x7fc00000, 0x3f800000
  TF_CMP 236, fle.s, BOX_S, 0, FFLAG_NV, 0x3f800000, 0x7f800001
  TF_CMP 237, fle.s, BOX_S, 1, 0, 0xff800000, 0x7f800000
  TF_CMP 238, fle.s, BOX_S, 0, 0, 0xbf800000, 0xc0000000

  /* Sign injection works on bits: NaNs pass through unchanged and raise nothing. */
  TF_RR 239, fsgnj.s, BOX_S, 0xbf800000, 0, 0x3f800000, 0xc0000000
  TF_RR 240, fsgnj.s, BOX_S, 0x3f800000, 0, 0xbf800000, 0x40000000
  TF_RR 241, fsgnj.s, BOX_S, 0xbf800000, 0, 0xbf800000, 0xc0000000
  TF_RR 242, fsgnj.s, BOX_S, 0xff800001, 0, 0x7f800001, 0x80000000
  TF_RR 243, fsgnj.s, BOX_S, 0x7fc02345, 0, 0xffc02345, 0x00000000
  TF_RR 244, fsgnjn.s, BOX_S, 0x3f800000, 0, 0x3f800000, 0xc0000000
  TF_RR 245, fsgnjn.s, BOX_S, 0xbf800000, 0, 0xbf800000, 0x40000000
  TF_RR 246, fsgnjn.s, BOX_S, 0x3f800000, 0, 0xbf800000, 0xc0000000
  TF_RR 247, fsgnjn.s, BOX_S, 0x7f800001, 0, 0x7f800001, 0x80000000
  TF_RR 248, fsgnjn.s, BOX_S, 0xffc02345, 0, 0xffc02345, 0x00000000
  TF_RR 249, fsgnjx.s, BOX_S, 0xbf800000, 0, 0x3f800000, 0xc0000000
  TF_RR 250, fsgnjx.s, BOX_S, 0xbf800000, 0, 0xbf800000, 0x40000000
  TF_RR 251, fsgnjx.s, BOX_S, 0x3f800000, 0, 0xbf800000, 0xc0000000
  TF_RR 252, fsgnjx.s, BOX_S, 0xff800001, 0, 0x7f800001, 0x80000000
  TF_RR 253, fsgnjx.s, BOX_S, 0xffc02345, 0, 0xffc02345, 0x00000000

  /* FCLASS: one case per class (11.9, table 11.5). */
  TF_TOINT 254, fclass.s, BOX_S, 1, 0, 0xff800000
  TF_TOINT 255, fclass.s, BOX_S, 2, 0, 0xc0400000
  TF_TOINT 256, fclass.s, BOX_S, 4, 0, 0x80000001
  TF_TOINT 257, fclass.s, BOX_S, 8, 0, 0x80000000
  TF_TOINT 258, fclass.s, BOX_S, 16, 0, 0x00000000
  TF_TOINT 259, fclass.s, BOX_S, 32, 0, 0x007fffff
  TF_TOINT 260, fclass.s, BOX_S, 64, 0, 0x40e00000
  TF_TOINT 261, fclass.s, BOX_S, 128, 0, 0x7f800000
  TF_TOINT 262, fclass.s, BOX_S, 256, 0, 0x7f800001
  TF_TOINT 263, fclass.s, BOX_S, 512, 0, 0x7fc00000
  TF_TOINT 264, fclass.s, BOX_S, 512, 0, 0xffc02345

  /* Float to integer: rounding per mode, NX when inexact, and saturation with NV for
   * NaN, infinities and out-of-range values (11.7, table 11.4). The 32-bit results are
   * sign-extended, FCVT.WU too. */
  TF_TOINT 265, fcvt.w.s, BOX_S, 0x0000000000000001, 0, 0x3f800000
  TF_TOINT 266, fcvt.w.s, BOX_S, 0xffffffffffffffff, 0, 0xbf800000
  TF_TOINT 267, fcvt.w.s, BOX_S, 0x0000000000000002, FFLAG_NX, 0x40200000, rtz
  TF_TOINT 268, fcvt.w.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000
  TF_TOINT 269, fcvt.w.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0x3f000000
  TF_TOINT 270, fcvt.w.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0xbf000000
  TF_TOINT 271, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x4f32d05e
  TF_TOINT 272, fcvt.w.s, BOX_S, 0xffffffff80000000, FFLAG_NV, 0xcf32d05e
  TF_TOINT 273, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x5f0ac723
  TF_TOINT 274, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x5f8ac723
  TF_TOINT 275, fcvt.w.s, BOX_S, 0xffffffff80000000, FFLAG_NV, 0xdf0ac723
  TF_TOINT 276, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x7f800000
  TF_TOINT 277, fcvt.w.s, BOX_S, 0xffffffff80000000, FFLAG_NV, 0xff800000
  TF_TOINT 278, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x7fc00000
  TF_TOINT 279, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x7f800001
  TF_TOINT 280, fcvt.w.s, BOX_S, 0x0000000000000000, 0, 0x80000000
  TF_TOINT 281, fcvt.w.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rne
  TF_TOINT 282, fcvt.w.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rtz
  TF_TOINT 283, fcvt.w.s, BOX_S, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, rdn
  TF_TOINT 284, fcvt.w.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rup
  TF_TOINT 285, fcvt.w.s, BOX_S, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, rmm
  TF_TOINT 286, fcvt.w.s, BOX_S, 0xffffffffffffffff, FFLAG_NX, 0xbf000000, rdn
  TF_TOINT 287, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x4f000000
  TF_TOINT 288, fcvt.w.s, BOX_S, 0xffffffff80000000, 0, 0xcf000000
  TF_TOINT 289, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x4f800000
  TF_TOINT 290, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x5f000000
  TF_TOINT 291, fcvt.w.s, BOX_S, 0xffffffff80000000, FFLAG_NV, 0xdf000000
  TF_TOINT 292, fcvt.w.s, BOX_S, 0x000000007fffffff, FFLAG_NV, 0x5f800000
  TF_TOINT 293, fcvt.wu.s, BOX_S, 0x0000000000000001, 0, 0x3f800000
  TF_TOINT 294, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xbf800000
  TF_TOINT 295, fcvt.wu.s, BOX_S, 0x0000000000000002, FFLAG_NX, 0x40200000, rtz
  TF_TOINT 296, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000
  TF_TOINT 297, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0x3f000000
  TF_TOINT 298, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0xbf000000
  TF_TOINT 299, fcvt.wu.s, BOX_S, 0xffffffffb2d05e00, 0, 0x4f32d05e
  TF_TOINT 300, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xcf32d05e
  TF_TOINT 301, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f0ac723
  TF_TOINT 302, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f8ac723
  TF_TOINT 303, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xdf0ac723
  TF_TOINT 304, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7f800000
  TF_TOINT 305, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xff800000
  TF_TOINT 306, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7fc00000
  TF_TOINT 307, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7f800001
  TF_TOINT 308, fcvt.wu.s, BOX_S, 0x0000000000000000, 0, 0x80000000
  TF_TOINT 309, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rne
  TF_TOINT 310, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rtz
  TF_TOINT 311, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rdn
  TF_TOINT 312, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rup
  TF_TOINT 313, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rmm
  TF_TOINT 314, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xbf000000, rdn
  TF_TOINT 315, fcvt.wu.s, BOX_S, 0xffffffff80000000, 0, 0x4f000000
  TF_TOINT 316, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xcf000000
  TF_TOINT 317, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x4f800000
  TF_TOINT 318, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f000000
  TF_TOINT 319, fcvt.wu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xdf000000
  TF_TOINT 320, fcvt.wu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f800000
  TF_TOINT 321, fcvt.l.s, BOX_S, 0x0000000000000001, 0, 0x3f800000
  TF_TOINT 322, fcvt.l.s, BOX_S, 0xffffffffffffffff, 0, 0xbf800000
  TF_TOINT 323, fcvt.l.s, BOX_S, 0x0000000000000002, FFLAG_NX, 0x40200000, rtz
  TF_TOINT 324, fcvt.l.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000
  TF_TOINT 325, fcvt.l.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0x3f000000
  TF_TOINT 326, fcvt.l.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0xbf000000
  TF_TOINT 327, fcvt.l.s, BOX_S, 0x00000000b2d05e00, 0, 0x4f32d05e
  TF_TOINT 328, fcvt.l.s, BOX_S, 0xffffffff4d2fa200, 0, 0xcf32d05e
  TF_TOINT 329, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x5f0ac723
  TF_TOINT 330, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x5f8ac723
  TF_TOINT 331, fcvt.l.s, BOX_S, 0x8000000000000000, FFLAG_NV, 0xdf0ac723
  TF_TOINT 332, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x7f800000
  TF_TOINT 333, fcvt.l.s, BOX_S, 0x8000000000000000, FFLAG_NV, 0xff800000
  TF_TOINT 334, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x7fc00000
  TF_TOINT 335, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x7f800001
  TF_TOINT 336, fcvt.l.s, BOX_S, 0x0000000000000000, 0, 0x80000000
  TF_TOINT 337, fcvt.l.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rne
  TF_TOINT 338, fcvt.l.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rtz
  TF_TOINT 339, fcvt.l.s, BOX_S, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, rdn
  TF_TOINT 340, fcvt.l.s, BOX_S, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, rup
  TF_TOINT 341, fcvt.l.s, BOX_S, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, rmm
  TF_TOINT 342, fcvt.l.s, BOX_S, 0xffffffffffffffff, FFLAG_NX, 0xbf000000, rdn
  TF_TOINT 343, fcvt.l.s, BOX_S, 0x0000000080000000, 0, 0x4f000000
  TF_TOINT 344, fcvt.l.s, BOX_S, 0xffffffff80000000, 0, 0xcf000000
  TF_TOINT 345, fcvt.l.s, BOX_S, 0x0000000100000000, 0, 0x4f800000
  TF_TOINT 346, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x5f000000
  TF_TOINT 347, fcvt.l.s, BOX_S, 0x8000000000000000, 0, 0xdf000000
  TF_TOINT 348, fcvt.l.s, BOX_S, 0x7fffffffffffffff, FFLAG_NV, 0x5f800000
  TF_TOINT 349, fcvt.lu.s, BOX_S, 0x0000000000000001, 0, 0x3f800000
  TF_TOINT 350, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xbf800000
  TF_TOINT 351, fcvt.lu.s, BOX_S, 0x0000000000000002, FFLAG_NX, 0x40200000, rtz
  TF_TOINT 352, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000
  TF_TOINT 353, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0x3f000000
  TF_TOINT 354, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NX, 0xbf000000
  TF_TOINT 355, fcvt.lu.s, BOX_S, 0x00000000b2d05e00, 0, 0x4f32d05e
  TF_TOINT 356, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xcf32d05e
  TF_TOINT 357, fcvt.lu.s, BOX_S, 0x8ac7230000000000, 0, 0x5f0ac723
  TF_TOINT 358, fcvt.lu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f8ac723
  TF_TOINT 359, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xdf0ac723
  TF_TOINT 360, fcvt.lu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7f800000
  TF_TOINT 361, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xff800000
  TF_TOINT 362, fcvt.lu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7fc00000
  TF_TOINT 363, fcvt.lu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x7f800001
  TF_TOINT 364, fcvt.lu.s, BOX_S, 0x0000000000000000, 0, 0x80000000
  TF_TOINT 365, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rne
  TF_TOINT 366, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rtz
  TF_TOINT 367, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rdn
  TF_TOINT 368, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rup
  TF_TOINT 369, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xc0200000, rmm
  TF_TOINT 370, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xbf000000, rdn
  TF_TOINT 371, fcvt.lu.s, BOX_S, 0x0000000080000000, 0, 0x4f000000
  TF_TOINT 372, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xcf000000
  TF_TOINT 373, fcvt.lu.s, BOX_S, 0x0000000100000000, 0, 0x4f800000
  TF_TOINT 374, fcvt.lu.s, BOX_S, 0x8000000000000000, 0, 0x5f000000
  TF_TOINT 375, fcvt.lu.s, BOX_S, 0x0000000000000000, FFLAG_NV, 0xdf000000
  TF_TOINT 376, fcvt.lu.s, BOX_S, 0xffffffffffffffff, FFLAG_NV, 0x5f800000

  /* Integer to float: W forms read the low 32 bits (signed or unsigned), rounding
   * when the integer does not fit the significand. */
  TF_FROMINT 377, fcvt.s.w, BOX_S, 0x00000000, 0, 0x0000000000000000
  TF_FROMINT 378, fcvt.s.w, BOX_S, 0x3f800000, 0, 0x0000000000000001
  TF_FROMINT 379, fcvt.s.w, BOX_S, 0xbf800000, 0, 0xffffffffffffffff
  TF_FROMINT 380, fcvt.s.w, BOX_S, 0x4f000000, FFLAG_NX, 0x000000007fffffff
  TF_FROMINT 381, fcvt.s.w, BOX_S, 0xcf000000, 0, 0x0000000080000000
  TF_FROMINT 382, fcvt.s.w, BOX_S, 0xcf000000, 0, 0xffffffff80000000
  TF_FROMINT 383, fcvt.s.w, BOX_S, 0xbf800000, 0, 0x12345678ffffffff
  TF_FROMINT 384, fcvt.s.w, BOX_S, 0x00000000, 0, 0x8000000000000000
  TF_FROMINT 385, fcvt.s.w, BOX_S, 0xbf800000, 0, 0x7fffffffffffffff
  TF_FROMINT 386, fcvt.s.w, BOX_S, 0x3f800000, 0, 0x0020000000000001
  TF_FROMINT 387, fcvt.s.w, BOX_S, 0x4b800000, FFLAG_NX, 0x0000000001000001
  TF_FROMINT 388, fcvt.s.w, BOX_S, 0xc1500000, 0, 0x00000000fffffff3
  TF_FROMINT 389, fcvt.s.wu, BOX_S, 0x00000000, 0, 0x0000000000000000
  TF_FROMINT 390, fcvt.s.wu, BOX_S, 0x3f800000, 0, 0x0000000000000001
  TF_FROMINT 391, fcvt.s.wu, BOX_S, 0x4f800000, FFLAG_NX, 0xffffffffffffffff
  TF_FROMINT 392, fcvt.s.wu, BOX_S, 0x4f000000, FFLAG_NX, 0x000000007fffffff
  TF_FROMINT 393, fcvt.s.wu, BOX_S, 0x4f000000, 0, 0x0000000080000000
  TF_FROMINT 394, fcvt.s.wu, BOX_S, 0x4f000000, 0, 0xffffffff80000000
  TF_FROMINT 395, fcvt.s.wu, BOX_S, 0x4f800000, FFLAG_NX, 0x12345678ffffffff
  TF_FROMINT 396, fcvt.s.wu, BOX_S, 0x00000000, 0, 0x8000000000000000
  TF_FROMINT 397, fcvt.s.wu, BOX_S, 0x4f800000, FFLAG_NX, 0x7fffffffffffffff
  TF_FROMINT 398, fcvt.s.wu, BOX_S, 0x3f800000, 0, 0x0020000000000001
  TF_FROMINT 399, fcvt.s.wu, BOX_S, 0x4b800000, FFLAG_NX, 0x0000000001000001
  TF_FROMINT 400, fcvt.s.wu, BOX_S, 0x4f800000, FFLAG_NX, 0x00000000fffffff3
  TF_FROMINT 401, fcvt.s.l, BOX_S, 0x00000000, 0, 0x0000000000000000
  TF_FROMINT 402, fcvt.s.l, BOX_S, 0x3f800000, 0, 0x0000000000000001
  TF_FROMINT 403, fcvt.s.l, BOX_S, 0xbf800000, 0, 0xffffffffffffffff
  TF_FROMINT 404, fcvt.s.l, BOX_S, 0x4f000000, FFLAG_NX, 0x000000007fffffff
  TF_FROMINT 405, fcvt.s.l, BOX_S, 0x4f000000, 0, 0x0000000080000000
  TF_FROMINT 406, fcvt.s.l, BOX_S, 0xcf000000, 0, 0xffffffff80000000
  TF_FROMINT 407, fcvt.s.l, BOX_S, 0x5d91a2b4, FFLAG_NX, 0x12345678ffffffff
  TF_FROMINT 408, fcvt.s.l, BOX_S, 0xdf000000, 0, 0x8000000000000000
  TF_FROMINT 409, fcvt.s.l, BOX_S, 0x5f000000, FFLAG_NX, 0x7fffffffffffffff
  TF_FROMINT 410, fcvt.s.l, BOX_S, 0x5a000000, FFLAG_NX, 0x0020000000000001
  TF_FROMINT 411, fcvt.s.l, BOX_S, 0x4b800000, FFLAG_NX, 0x0000000001000001
  TF_FROMINT 412, fcvt.s.l, BOX_S, 0x4f800000, FFLAG_NX, 0x00000000fffffff3
  TF_FROMINT 413, fcvt.s.lu, BOX_S, 0x00000000, 0, 0x0000000000000000
  TF_FROMINT 414, fcvt.s.lu, BOX_S, 0x3f800000, 0, 0x0000000000000001
  TF_FROMINT 415, fcvt.s.lu, BOX_S, 0x5f800000, FFLAG_NX, 0xffffffffffffffff
  TF_FROMINT 416, fcvt.s.lu, BOX_S, 0x4f000000, FFLAG_NX, 0x000000007fffffff
  TF_FROMINT 417, fcvt.s.lu, BOX_S, 0x4f000000, 0, 0x0000000080000000
  TF_FROMINT 418, fcvt.s.lu, BOX_S, 0x5f800000, FFLAG_NX, 0xffffffff80000000
  TF_FROMINT 419, fcvt.s.lu, BOX_S, 0x5d91a2b4, FFLAG_NX, 0x12345678ffffffff
  TF_FROMINT 420, fcvt.s.lu, BOX_S, 0x5f000000, 0, 0x8000000000000000
  TF_FROMINT 421, fcvt.s.lu, BOX_S, 0x5f000000, FFLAG_NX, 0x7fffffffffffffff
  TF_FROMINT 422, fcvt.s.lu, BOX_S, 0x5a000000, FFLAG_NX, 0x0020000000000001
  TF_FROMINT 423, fcvt.s.lu, BOX_S, 0x4b800000, FFLAG_NX, 0x0000000001000001
  TF_FROMINT 424, fcvt.s.lu, BOX_S, 0x4f800000, FFLAG_NX, 0x00000000fffffff3
  TF_FROMINT 425, fcvt.s.l, BOX_S, 0x5e800001, FFLAG_NX, 0x4000004000000001, rne
  TF_FROMINT 426, fcvt.s.l, BOX_S, 0xde800001, FFLAG_NX, 0xbfffffbfffffffff, rne
  TF_FROMINT 427, fcvt.s.l, BOX_S, 0x5e800000, FFLAG_NX, 0x4000004000000001, rtz
  TF_FROMINT 428, fcvt.s.l, BOX_S, 0xde800000, FFLAG_NX, 0xbfffffbfffffffff, rtz
  TF_FROMINT 429, fcvt.s.l, BOX_S, 0x5e800000, FFLAG_NX, 0x4000004000000001, rdn
  TF_FROMINT 430, fcvt.s.l, BOX_S, 0xde800001, FFLAG_NX, 0xbfffffbfffffffff, rdn
  TF_FROMINT 431, fcvt.s.l, BOX_S, 0x5e800001, FFLAG_NX, 0x4000004000000001, rup
  TF_FROMINT 432, fcvt.s.l, BOX_S, 0xde800000, FFLAG_NX, 0xbfffffbfffffffff, rup
  TF_FROMINT 433, fcvt.s.l, BOX_S, 0x5e800001, FFLAG_NX, 0x4000004000000001, rmm
  TF_FROMINT 434, fcvt.s.l, BOX_S, 0xde800001, FFLAG_NX, 0xbfffffbfffffffff, rmm

  /* Tininess is detected after rounding (11.4): a*b+c is exactly
   * 2^-126 * (1 - 2^-25), tiny before rounding but not after it when rounding
   * to nearest (NX only), tiny in the modes that round it down (UF and NX). */
  TF_RRR 435, fmadd.s, BOX_S, 0x00800000, FFLAG_NX, 0x20000800, 0x1ffff800, 0x80000400, rne
  TF_RRR 436, fmadd.s, BOX_S, 0x007fffff, FFLAG_UF|FFLAG_NX, 0x20000800, 0x1ffff800, 0x80000400, rtz
  TF_RRR 437, fmadd.s, BOX_S, 0x007fffff, FFLAG_UF|FFLAG_NX, 0x20000800, 0x1ffff800, 0x80000400, rdn
  TF_RRR 438, fmadd.s, BOX_S, 0x00800000, FFLAG_NX, 0x20000800, 0x1ffff800, 0x80000400, rup
  TF_RRR 439, fmadd.s, BOX_S, 0x00800000, FFLAG_NX, 0x20000800, 0x1ffff800, 0x80000400, rmm

  j test_pass

  .data
  .balign 8
fp_mem:
  .word 0x3fc00000, 0xc0490fdb, 0, 0
  .skip 32
