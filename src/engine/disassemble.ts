// Human-readable assembly for decoded instructions (the ELF runner's --trace). Reads the hart's
// own decoded fields, so what is printed is what the hart will execute.
import type { DecodedInstruction } from './hart.js';
import { Op } from './cpu/ops.js';

/** ABI names of the integer registers. */
export const X =
  'zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6'.split(
    ' ',
  );
/** ABI names of the floating-point registers. */
export const F =
  'ft0 ft1 ft2 ft3 ft4 ft5 ft6 ft7 fs0 fs1 fa0 fa1 fa2 fa3 fa4 fa5 fa6 fa7 fs2 fs3 fs4 fs5 fs6 fs7 fs8 fs9 fs10 fs11 ft8 ft9 ft10 ft11'.split(
    ' ',
  );

const hex = (n: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(n)).toString(16)}`;

/** The mnemonic of an operation: Op.FCVT_W_S → "fcvt.w.s". */
export function mnemonic(op: number): string {
  return (Op[op] ?? 'unknown').toLowerCase().replace(/_/g, '.');
}

const regOf = (kind: string, r: number): string => (kind === 's' || kind === 'd' ? F[r] : X[r]);

/** Disassembles `d`, fetched at `pc`. */
export function disassemble(d: DecodedInstruction, pc: bigint): string {
  const name = mnemonic(d.op);
  const { rd, rs1, rs2, rs3, imm } = d;
  const op = d.op as Op;
  if (op === Op.ILLEGAL) return `illegal ${hex(d.raw)}`;
  if (op === Op.LUI || op === Op.AUIPC) return `${name} ${X[rd]}, ${hex((imm >>> 12) & 0xfffff)}`;
  if (op === Op.JAL) return `${name} ${X[rd]}, ${hex(pc + BigInt(imm))}`;
  if (op === Op.JALR) return `${name} ${X[rd]}, ${imm}(${X[rs1]})`;
  if (op >= Op.BEQ && op <= Op.BGEU)
    return `${name} ${X[rs1]}, ${X[rs2]}, ${hex(pc + BigInt(imm))}`;
  if (op >= Op.LB && op <= Op.LWU) return `${name} ${X[rd]}, ${imm}(${X[rs1]})`;
  if (op >= Op.SB && op <= Op.SD) return `${name} ${X[rs2]}, ${imm}(${X[rs1]})`;
  if (op === Op.FLW || op === Op.FLD) return `${name} ${F[rd]}, ${imm}(${X[rs1]})`;
  if (op === Op.FSW || op === Op.FSD) return `${name} ${F[rs2]}, ${imm}(${X[rs1]})`;
  if ((op >= Op.ADDI && op <= Op.SRAI) || (op >= Op.ADDIW && op <= Op.SRAIW))
    return `${name} ${X[rd]}, ${X[rs1]}, ${imm}`;
  if (
    (op >= Op.ADD && op <= Op.AND) ||
    (op >= Op.ADDW && op <= Op.SRAW) ||
    (op >= Op.MUL && op <= Op.REMUW)
  ) {
    return `${name} ${X[rd]}, ${X[rs1]}, ${X[rs2]}`;
  }
  if (op >= Op.CSRRW && op <= Op.CSRRC) return `${name} ${X[rd]}, ${hex(imm & 0xfff)}, ${X[rs1]}`;
  if (op >= Op.CSRRWI && op <= Op.CSRRCI) return `${name} ${X[rd]}, ${hex(imm & 0xfff)}, ${rs1}`;
  if (op === Op.SFENCE_VMA) return `${name} ${X[rs1]}, ${X[rs2]}`;
  if (op === Op.LR_W || op === Op.LR_D) return `${name} ${X[rd]}, (${X[rs1]})`;
  if (op >= Op.SC_W && op <= Op.AMOMAXU_D) return `${name} ${X[rd]}, ${X[rs2]}, (${X[rs1]})`;
  if (name.startsWith('fcvt.')) {
    const [, to, from] = name.split('.');
    return `${name} ${regOf(to, rd)}, ${regOf(from, rs1)}`;
  }
  if (op === Op.FMV_X_W || op === Op.FMV_X_D || op === Op.FCLASS_S || op === Op.FCLASS_D)
    return `${name} ${X[rd]}, ${F[rs1]}`;
  if (op === Op.FMV_W_X || op === Op.FMV_D_X) return `${name} ${F[rd]}, ${X[rs1]}`;
  if (name.startsWith('feq') || name.startsWith('flt') || name.startsWith('fle'))
    return `${name} ${X[rd]}, ${F[rs1]}, ${F[rs2]}`;
  if (name.startsWith('fsqrt')) return `${name} ${F[rd]}, ${F[rs1]}`;
  if (/^fn?m(add|sub)/.test(name)) return `${name} ${F[rd]}, ${F[rs1]}, ${F[rs2]}, ${F[rs3]}`;
  if (name.startsWith('f') && op >= Op.FLW) return `${name} ${F[rd]}, ${F[rs1]}, ${F[rs2]}`;
  return name; // fence, fence.i, ecall, ebreak, mret, sret, wfi
}
