/* rv64uc.S: the C extension (Unprivileged ISA chapter 16, "C Standard Extension for
 * Compressed Instructions"), RV64 forms: every instruction with its immediates at their
 * extremes, C.JALR linking pc + 2, 32-bit instructions at pc = 2 mod 4 (also as jump
 * targets and across a 4 KiB page boundary), HINT encodings executing as no-ops, and
 * reserved encodings raising illegal instruction with the 16 instruction bits in mtval. */
#include "isa.h"

  .option rvc

test_main:
  FP_ON
  la sp, buf + 512

  /* ---- quadrant 0 ---- */

  /* C.ADDI4SPN: rd' = sp + nzuimm (4 .. 1020, scaled by 4). */
  CASE 1
  c.addi4spn s0, sp, 4
  addi t0, sp, 4
  EXPECT_REG s0, t0
  CASE 2
  c.addi4spn a5, sp, 1020
  addi t0, sp, 1020
  EXPECT_REG a5, t0

  /* C.LW / C.LD / C.FLD: offsets 0 and the largest (124, 248, 248). */
  CASE 3
  la a1, buf
  li t0, 0x80000001fedcba98
  sd t0, 0(a1)
  sd t0, 248(a1)
  c.lw a0, 0(a1)
  EXPECT a0, 0xfffffffffedcba98     /* sign-extended */
  CASE 4
  sd t0, 120(a1)
  c.lw a2, 124(a1)
  EXPECT a2, 0xffffffff80000001
  CASE 5
  c.ld a3, 248(a1)
  EXPECT a3, 0x80000001fedcba98
  CASE 6
  c.ld a4, 0(a1)
  EXPECT a4, 0x80000001fedcba98
  CASE 7
  c.fld fa0, 248(a1)
  fmv.x.d a0, fa0
  EXPECT a0, 0x80000001fedcba98
  CASE 8
  c.fld fs1, 0(a1)
  fmv.x.d a0, fs1
  EXPECT a0, 0x80000001fedcba98

  /* C.SW / C.SD / C.FSD: offsets 0 and the largest. */
  CASE 9
  li a2, 0x1122334455667788
  sd zero, 128(a1)
  c.sw a2, 124(a1)
  ld a0, 120(a1)
  EXPECT a0, 0x5566778800000000 | 0xfedcba98
  CASE 10
  c.sd a2, 248(a1)
  ld a0, 248(a1)
  EXPECT a0, 0x1122334455667788
  CASE 11
  c.sw a2, 0(a1)
  c.sd a2, 8(a1)
  ld a0, 0(a1)
  EXPECT a0, 0x80000001 << 32 | 0x55667788
  ld a0, 8(a1)
  EXPECT a0, 0x1122334455667788
  CASE 12
  li t0, 0x0102030405060708
  fmv.d.x fs0, t0
  c.fsd fs0, 248(a1)
  c.fsd fs0, 0(a1)
  ld a0, 248(a1)
  EXPECT a0, 0x0102030405060708
  ld a0, 0(a1)
  EXPECT a0, 0x0102030405060708

  /* ---- quadrant 1 ---- */

  /* C.NOP changes nothing. */
  CASE 13
  li a0, 5
  c.nop
  EXPECT a0, 5
  /* C.ADDI: nzimm -32 .. 31. */
  CASE 14
  li a0, 100
  c.addi a0, -32
  EXPECT a0, 68
  c.addi a0, 31
  EXPECT a0, 99
  /* C.ADDIW: 32-bit add, sign-extended; imm 0 is SEXT.W. */
  CASE 15
  li a0, 0x7fffffff
  c.addiw a0, 1
  EXPECT a0, 0xffffffff80000000
  CASE 16
  li a0, 0x12345678ffffffff
  c.addiw a0, 0
  EXPECT a0, 0xffffffffffffffff
  CASE 17
  li a0, 0x80000000
  c.addiw a0, -32
  EXPECT a0, 0x7fffffe0
  c.addiw a0, 31
  EXPECT a0, 0x7fffffff
  /* C.LI: -32 .. 31. */
  CASE 18
  c.li a0, -32
  EXPECT a0, -32
  c.li t1, 31
  EXPECT t1, 31
  c.li s2, 0
  EXPECT s2, 0
  /* C.ADDI16SP: nzimm -512 .. 496 in steps of 16. */
  CASE 19
  mv s3, sp
  c.addi16sp sp, -512
  addi t0, s3, -512
  EXPECT_REG sp, t0
  c.addi16sp sp, 496
  addi t0, t0, 496
  EXPECT_REG sp, t0
  c.addi16sp sp, 16
  EXPECT_REG sp, s3
  /* C.LUI: nzimm 1 .. 31 and -32 .. -1 (written 0xfffe0 .. 0xfffff), sign-extended. */
  CASE 20
  c.lui a0, 1
  EXPECT a0, 0x1000
  c.lui a1, 0x1f
  EXPECT a1, 0x1f000
  c.lui a2, 0xfffe0
  EXPECT a2, 0xfffffffffffe0000
  c.lui a3, 0xfffff
  EXPECT a3, 0xfffffffffffff000
  /* C.SRLI / C.SRAI: shamt 1 .. 63. */
  CASE 21
  li a0, 0x8000000000000001
  c.srli a0, 1
  EXPECT a0, 0x4000000000000000
  li a0, 0x8000000000000001
  c.srli a0, 63
  EXPECT a0, 1
  CASE 22
  li a0, 0x8000000000000001
  c.srai a0, 1
  EXPECT a0, 0xc000000000000000
  li a0, 0x8000000000000001
  c.srai a0, 63
  EXPECT a0, -1
  c.srai a0, 32
  EXPECT a0, -1
  /* C.ANDI: -32 .. 31. */
  CASE 23
  li a0, 0x123456789abcdef0
  c.andi a0, -32
  EXPECT a0, 0x123456789abcdee0
  li a0, 0x123456789abcdef0
  c.andi a0, 31
  EXPECT a0, 0x10
  c.andi a0, 0
  EXPECT a0, 0
  /* C.SUB / C.XOR / C.OR / C.AND / C.SUBW / C.ADDW on x8 .. x15. */
  CASE 24
  li s0, 10
  li s1, 25
  c.sub s0, s1
  EXPECT s0, -15
  CASE 25
  li a4, 0xff00ff00ff00ff00
  li a5, 0x0ff00ff00ff00ff0
  c.xor a4, a5
  EXPECT a4, 0xf0f0f0f0f0f0f0f0
  CASE 26
  li a4, 0xff00ff00ff00ff00
  c.or a4, a5
  EXPECT a4, 0xfff0fff0fff0fff0
  CASE 27
  li a4, 0xff00ff00ff00ff00
  c.and a4, a5
  EXPECT a4, 0x0f000f000f000f00
  CASE 28
  li a2, 0x0000000080000000
  li a3, 1
  c.subw a2, a3
  EXPECT a2, 0x7fffffff
  li a2, 0x1234567800000000
  c.subw a2, a3
  EXPECT a2, -1
  CASE 29
  li a2, 0x7fffffff
  c.addw a2, a3
  EXPECT a2, 0xffffffff80000000
  li a2, 0xffffffff00000005
  li a3, 0x00000001fffffffe
  c.addw a2, a3
  EXPECT a2, 3

  /* C.J: offsets +2046 and -2048, the extremes of its 12-bit range. The filler is
   * C.EBREAK, so landing anywhere but the target fails the case. The jumps that only
   * set up a test are forced to 4 bytes (norvc) to keep the distances exact. */
  CASE 30
  c.j 1f
  .rept 1022
  c.ebreak
  .endr
1:                            /* 2 + 1022 * 2 = 2046 bytes ahead */
  CASE 31
  .option push
  .option norvc
  j 2f
1:
  j 3f
  .option pop
  .rept 1022
  c.ebreak
  .endr
2:
  c.j 1b                      /* 4 + 1022 * 2 = 2048 bytes back */
  c.ebreak
3:
  /* C.BEQZ / C.BNEZ taken and not taken, offsets +254 and -256. */
  CASE 32
  li s0, 0
  li s1, 7
  c.beqz s0, . + 254          /* (a label here makes the assembler widen it to BEQ) */
  .rept 126
  c.ebreak
  .endr
1:                            /* 2 + 126 * 2 = 254 bytes ahead */
  c.bnez s0, 9f
  c.beqz s1, 9f
  c.bnez s1, 1f
9:
  j test_fail
1:
  CASE 33
  .option push
  .option norvc
  j 2f
1:
  j 3f
  .option pop
  .rept 126
  c.ebreak
  .endr
2:
  c.bnez s1, 1b               /* 4 + 126 * 2 = 256 bytes back */
  c.ebreak
3:
  CASE 34
  .option push
  .option norvc
  j 2f
1:
  j 3f
  .option pop
  .rept 126
  c.ebreak
  .endr
2:
  c.beqz s0, 1b
  c.ebreak
3:

  /* ---- quadrant 2 ---- */

  /* C.SLLI: shamt 1 .. 63. */
  CASE 35
  li a0, 0x8000000000000001
  c.slli a0, 1
  EXPECT a0, 2
  li a0, 3
  c.slli a0, 63
  EXPECT a0, 0x8000000000000000
  li t3, 0xffff
  c.slli t3, 32               /* a register outside x8 .. x15 */
  EXPECT t3, 0x0000ffff00000000

  /* C.LWSP / C.LDSP / C.FLDSP: offsets 0 and the largest (252, 504, 504). */
  CASE 36
  la sp, buf
  li t0, 0xc0ffee00deadbeef
  sd t0, 0(sp)
  sd t0, 248(sp)
  sd t0, 504(sp)
  c.lwsp a0, 0(sp)
  EXPECT a0, 0xffffffffdeadbeef
  c.lwsp t4, 252(sp)
  EXPECT t4, 0xffffffffc0ffee00
  CASE 37
  c.ldsp a0, 504(sp)
  EXPECT a0, 0xc0ffee00deadbeef
  c.ldsp s5, 0(sp)
  EXPECT s5, 0xc0ffee00deadbeef
  CASE 38
  c.fldsp ft3, 504(sp)
  fmv.x.d a0, ft3
  EXPECT a0, 0xc0ffee00deadbeef
  c.fldsp fs11, 0(sp)
  fmv.x.d a0, fs11
  EXPECT a0, 0xc0ffee00deadbeef

  /* C.SWSP / C.SDSP / C.FSDSP: offsets 0 and the largest. */
  CASE 39
  li a2, 0x0123456789abcdef
  c.swsp a2, 252(sp)
  ld a0, 248(sp)
  EXPECT a0, 0x89abcdefdeadbeef
  c.swsp a2, 0(sp)
  lwu a0, 0(sp)
  EXPECT a0, 0x89abcdef
  CASE 40
  c.sdsp a2, 504(sp)
  ld a0, 504(sp)
  EXPECT a0, 0x0123456789abcdef
  c.sdsp s5, 0(sp)
  ld a0, 0(sp)
  EXPECT a0, 0xc0ffee00deadbeef
  CASE 41
  li t0, 0x5555aaaa3333cccc
  fmv.d.x ft5, t0
  c.fsdsp ft5, 504(sp)
  c.fsdsp ft5, 0(sp)
  ld a0, 504(sp)
  EXPECT a0, 0x5555aaaa3333cccc
  ld a0, 0(sp)
  EXPECT a0, 0x5555aaaa3333cccc

  /* C.MV and C.ADD. */
  CASE 42
  li a1, 0x1234
  c.mv t2, a1
  EXPECT t2, 0x1234
  li a1, -1
  c.add t2, a1
  EXPECT t2, 0x1233
  c.add t2, t2
  EXPECT t2, 0x2466

  /* C.JR: no link. C.JALR: ra = pc + 2, the target read before ra is written (16.4). */
  CASE 43
  la a1, 1f
  c.jr a1
  j test_fail
1:
  CASE 44
  la a1, 1f
  c.jalr a1
2:
  j test_fail
1:
  EXPECT_ADDR ra, 2b
  CASE 45
  la ra, 1f
  c.jalr ra                   /* rs1 == ra: jump to the old value */
2:
  j test_fail
1:
  EXPECT_ADDR ra, 2b
  /* A call and return with C.JALR / C.JR. */
  CASE 46
  li a0, 0
  la a1, 5f
  c.jalr a1
  EXPECT a0, 1
  j 6f
5:
  c.addi a0, 1
  c.jr ra
6:

  /* C.EBREAK: a breakpoint exception at its own pc (mtval: see EXPECT_BREAKPOINT). */
  CASE 47
  TRAP_RESUME 1f
9:
  c.ebreak
  j test_fail
1:
  EXPECT_BREAKPOINT 9b

  /* ---- 32-bit instructions at pc = 2 mod 4 ---- */
  CASE 48
  li a0, 1
  .balign 4
  c.nop
  .option push
  .option norvc
9:
  addi a0, a0, 0x7ff          /* 4 bytes, starting 2 bytes into a word */
  .option pop
  la t0, 9b
  andi t0, t0, 3
  EXPECT t0, 2
  EXPECT a0, 0x800
  /* A 32-bit jump to, and a return to, pc = 2 mod 4. */
  CASE 49
  .balign 4
  c.nop                       /* the jal below starts at 2 mod 4 */
  .option push
  .option norvc
  jal ra, 5f                  /* at 2 mod 4, so ra = 2 mod 4 */
  .option pop
  andi t0, ra, 3
  EXPECT t0, 2
  j 6f
  .balign 4
  c.nop
5:
  .option push
  .option norvc
  jalr x0, 0(ra)              /* the target itself is at 2 mod 4 */
  .option pop
6:
  /* A 32-bit instruction whose halves lie in different 4 KiB pages. */
  CASE 50
  li a0, 0
  j page_split_insn
page_split_back:
  EXPECT a0, 0x123

  /* ---- HINTs: reserved for hints, they execute as no-ops (16.7, table 16.3) ---- */
  CASE 51
  li a0, 77
  .half 0x0005                /* C.NOP with nzimm = 1 */
  .half 0x0501                /* C.ADDI a0, 0 */
  .half 0x4001                /* C.LI x0, 0 */
  .half 0x802a                /* C.MV x0, a0 */
  .half 0x902a                /* C.ADD x0, a0 */
  .half 0x0006                /* C.SLLI x0, 1 */
  EXPECT a0, 77

  /* ---- reserved encodings: illegal instruction, mtval = the 16 bits (16.8 and
   * Privileged 3.1.16) ---- */
  .macro T_RESERVED n, bits
  CASE \n
  TRAP_RESUME 1f
9:
  .half \bits
  j test_fail
1:
  EXPECT_TRAP CAUSE_ILLEGAL, 9b, \bits
  .endm
  T_RESERVED 52, 0x0000       /* the all-zero halfword is defined to be illegal */
  T_RESERVED 53, 0x0004       /* C.ADDI4SPN with nzuimm = 0 */
  T_RESERVED 54, 0x6501       /* C.LUI a0 with nzimm = 0 */
  T_RESERVED 55, 0x6101       /* C.ADDI16SP with nzimm = 0 */
  T_RESERVED 56, 0x4002       /* C.LWSP with rd = x0 */
  T_RESERVED 57, 0x6002       /* C.LDSP with rd = x0 */
  T_RESERVED 58, 0x8002       /* C.JR with rs1 = x0 */
  T_RESERVED 59, 0x9c41       /* quadrant 1, funct6 100111, funct2 10: reserved */
  T_RESERVED 60, 0x9c61       /* ... funct2 11: reserved */
  T_RESERVED 61, 0x8000       /* quadrant 0, funct3 100: reserved */

  j test_pass

  /* The split instruction: its first half ends one page, its second starts the next. */
  .balign 4096
  .fill 2046, 2, 0x0001       /* c.nop up to byte 4092 */
  .option push
  .option norvc
page_split_insn:
  .half 0x0001                /* c.nop at 4092 */
  addi a0, a0, 0x123          /* bytes 4094 .. 4097 */
  j page_split_back
  .option pop

  .data
  .balign 16
buf:
  .skip 1024
