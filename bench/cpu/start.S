/* Entry for the CPU benchmark: stack, FPU on, main(), then report through tohost (our engine)
   and the SiFive test device at 0x100000 (QEMU's virt machine), so one ELF runs on both. */
  .section .text.start
  .globl _start
_start:
  la sp, stack_top
  li t0, 1 << 13              /* mstatus.FS = initial */
  csrs mstatus, t0
  call main
  la t0, tohost
  li t1, 1
  sd t1, 0(t0)
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1:
  j 1b

  .section .tohost, "aw", @progbits
  .align 3
  .globl tohost
tohost:
  .dword 0

  .bss
  .align 4
  .space 65536
stack_top:
