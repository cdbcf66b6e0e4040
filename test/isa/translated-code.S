/* translated-code.S: what a translator of guest code must keep exact (the emulator runs this
 * with its translator off, on, and checked against the interpreter; QEMU runs it too).
 * - Code that is changed after it ran: a function rewritten and called again after fence.i
 *   (Unprivileged ISA 3.1, "Zifencei": a store to instruction memory is seen by fetches after
 *   fence.i), and an instruction rewritten by the code just before it in the same straight line.
 * - A loop that spins in translated code until a timer interrupt (Sstc) arrives: interrupts must
 *   still be taken (Privileged ISA 3.1.9, an interrupt pending and enabled is taken). */
#include "isa.h"

#define ADDI_A0_1 0x00100513 /* addi a0, zero, 1 */
#define ADDI_A0_2 0x00200513 /* addi a0, zero, 2 */
#define ADDI_A0_3 0x00300513 /* addi a0, zero, 3 */

test_main:
  /* ---- a function called until it is hot, then rewritten ---- */
  CASE 1
  li s1, 50
1:
  call patched
  EXPECT a0, 1
  addi s1, s1, -1
  bnez s1, 1b
  la t0, patched
  li t1, ADDI_A0_2
  sw t1, 0(t0)
  fence.i
  call patched
  EXPECT a0, 2
  /* and back, from a loop that is itself hot */
  CASE 2
  li s1, 50
  li s2, ADDI_A0_1
  li s3, ADDI_A0_2
1:
  sw s2, 0(t0)
  fence.i
  call patched
  EXPECT a0, 1
  sw s3, 0(t0)
  fence.i
  call patched
  EXPECT a0, 2
  addi s1, s1, -1
  bnez s1, 1b

  /* ---- an instruction rewritten by the straight-line code just before it ---- */
  CASE 3
  li s1, 20
1:
  la t0, 2f
  li t1, ADDI_A0_3
  sw t1, 0(t0)
  fence.i
.option push
.option norvc
2:
  addi a0, zero, 9
.option pop
  EXPECT a0, 3
  la t0, 2b
  li t1, 0x00900513 /* addi a0, zero, 9 again, for the next round */
  sw t1, 0(t0)
  fence.i
  addi s1, s1, -1
  bnez s1, 1b

  /* ---- spinning until a timer interrupt ---- */
  CASE 4
  li t0, -1
  csrw CSR_STIMECMP, t0     /* no interrupt before the deadline below */
  li t0, MENVCFG_STCE
  csrs CSR_MENVCFG, t0
  la t5, trap_rec
  sd zero, REC_COUNT(t5)
  li t0, MIP_STIP
  csrs mie, t0
  csrsi mstatus, MSTATUS_MIE
  rdtime t0
  li t1, 100000            /* 10 ms of a 10 MHz timebase */
  add t0, t0, t1
  csrw CSR_STIMECMP, t0
  la t5, trap_rec
1:
  ld t0, REC_COUNT(t5)     /* the handler counts the interrupt and masks STIE */
  beqz t0, 1b              /* without the interrupt: spins until the runner's limit */
  csrci mstatus, MSTATUS_MIE
  EXPECT_DWORD trap_rec, REC_CAUSE, CAUSE_INTERRUPT | IRQ_S_TIMER
  li t0, -1
  csrw CSR_STIMECMP, t0
  li t0, MENVCFG_STCE
  csrc CSR_MENVCFG, t0

  j test_pass

/* A function alone in its page, rewritten by the cases above. */
.balign 4096
.option push
.option norvc
patched:
  addi a0, zero, 1
  ret
.option pop
.balign 4096
