// Decoding: raw instruction bits -> one 16-byte entry the executor (and a future translator) reads.
// Decoding is a pure function of the bits, so an entry is valid wherever those bits appear; the
// cache in hart.ts checks the raw word instead of ever being invalidated.
//
// Entry layout:
//   +0  u32 raw bits (a compressed instruction's upper half is zero)
//   +4  u8 op (ops.ts)      +5 u8 rd      +6 u8 rs1     +7 u8 rs2
//   +8  u8 rs3              +9 u8 rm (funct3: rounding mode or selector)  +10 u8 length (2 or 4)
//   +12 i32 immediate (CSR number for Zicsr; shift amount for shifts)
import { Op } from './ops';

@inline function put(e: usize, raw: u32, op: Op, rd: u32, rs1: u32, rs2: u32, imm: i32, len: u32): void {
  store<u32>(e, raw);
  store<u8>(e, <u8>op, 4);
  store<u8>(e, <u8>rd, 5);
  store<u8>(e, <u8>rs1, 6);
  store<u8>(e, <u8>rs2, 7);
  store<u8>(e, <u8>(raw >> 27), 8); // rs3 (R4-type); meaningless elsewhere
  store<u8>(e, <u8>((raw >> 12) & 7), 9);
  store<u8>(e, <u8>len, 10);
  store<i32>(e, imm, 12);
}

@inline function immI(raw: u32): i32 { return <i32>raw >> 20; }
@inline function immS(raw: u32): i32 { return ((<i32>raw >> 25) << 5) | <i32>((raw >> 7) & 0x1f); }
@inline function immB(raw: u32): i32 {
  return ((<i32>raw >> 31) << 12) | <i32>(((raw >> 7) & 1) << 11) | <i32>(((raw >> 25) & 0x3f) << 5) | <i32>(((raw >> 8) & 0xf) << 1);
}
@inline function immJ(raw: u32): i32 {
  return ((<i32>raw >> 31) << 20) | <i32>(raw & 0xff000) | <i32>(((raw >> 20) & 1) << 11) | <i32>(((raw >> 21) & 0x3ff) << 1);
}

/** Decodes `raw` into the entry at `e`. Unknown or reserved encodings become Op.ILLEGAL. */
export function decode(raw: u32, e: usize): void {
  if ((raw & 3) != 3) {
    decodeCompressed(raw & 0xffff, e);
    return;
  }
  const rd = (raw >> 7) & 31;
  const rs1 = (raw >> 15) & 31;
  const rs2 = (raw >> 20) & 31;
  const f3 = (raw >> 12) & 7;
  const f7 = raw >> 25;
  let op = Op.ILLEGAL;
  let imm: i32 = 0;
  switch (raw & 0x7f) {
    case 0x37: op = Op.LUI; imm = <i32>(raw & 0xfffff000); break;
    case 0x17: op = Op.AUIPC; imm = <i32>(raw & 0xfffff000); break;
    case 0x6f: op = Op.JAL; imm = immJ(raw); break;
    case 0x67: if (f3 == 0) { op = Op.JALR; imm = immI(raw); } break;
    case 0x63: {
      imm = immB(raw);
      switch (f3) {
        case 0: op = Op.BEQ; break;
        case 1: op = Op.BNE; break;
        case 4: op = Op.BLT; break;
        case 5: op = Op.BGE; break;
        case 6: op = Op.BLTU; break;
        case 7: op = Op.BGEU; break;
      }
      break;
    }
    case 0x03: {
      imm = immI(raw);
      switch (f3) {
        case 0: op = Op.LB; break;
        case 1: op = Op.LH; break;
        case 2: op = Op.LW; break;
        case 3: op = Op.LD; break;
        case 4: op = Op.LBU; break;
        case 5: op = Op.LHU; break;
        case 6: op = Op.LWU; break;
      }
      break;
    }
    case 0x23: {
      imm = immS(raw);
      switch (f3) {
        case 0: op = Op.SB; break;
        case 1: op = Op.SH; break;
        case 2: op = Op.SW; break;
        case 3: op = Op.SD; break;
      }
      break;
    }
    case 0x13: {
      imm = immI(raw);
      switch (f3) {
        case 0: op = Op.ADDI; break;
        case 2: op = Op.SLTI; break;
        case 3: op = Op.SLTIU; break;
        case 4: op = Op.XORI; break;
        case 6: op = Op.ORI; break;
        case 7: op = Op.ANDI; break;
        case 1: if ((raw >> 26) == 0) { op = Op.SLLI; imm = <i32>((raw >> 20) & 63); } break;
        case 5: {
          if ((raw >> 26) == 0) op = Op.SRLI;
          else if ((raw >> 26) == 0x10) op = Op.SRAI;
          imm = <i32>((raw >> 20) & 63);
          break;
        }
      }
      break;
    }
    case 0x1b: {
      imm = immI(raw);
      if (f3 == 0) op = Op.ADDIW;
      else if (f3 == 1 && f7 == 0) { op = Op.SLLIW; imm = <i32>rs2; }
      else if (f3 == 5 && f7 == 0) { op = Op.SRLIW; imm = <i32>rs2; }
      else if (f3 == 5 && f7 == 0x20) { op = Op.SRAIW; imm = <i32>rs2; }
      break;
    }
    case 0x33: {
      if (f7 == 0) {
        switch (f3) {
          case 0: op = Op.ADD; break;
          case 1: op = Op.SLL; break;
          case 2: op = Op.SLT; break;
          case 3: op = Op.SLTU; break;
          case 4: op = Op.XOR; break;
          case 5: op = Op.SRL; break;
          case 6: op = Op.OR; break;
          case 7: op = Op.AND; break;
        }
      } else if (f7 == 0x20) {
        if (f3 == 0) op = Op.SUB;
        else if (f3 == 5) op = Op.SRA;
      } else if (f7 == 1) {
        op = Op.MUL + f3; // MUL MULH MULHSU MULHU DIV DIVU REM REMU, in funct3 order
      }
      break;
    }
    case 0x3b: {
      if (f7 == 0) {
        if (f3 == 0) op = Op.ADDW;
        else if (f3 == 1) op = Op.SLLW;
        else if (f3 == 5) op = Op.SRLW;
      } else if (f7 == 0x20) {
        if (f3 == 0) op = Op.SUBW;
        else if (f3 == 5) op = Op.SRAW;
      } else if (f7 == 1) {
        if (f3 == 0) op = Op.MULW;
        else if (f3 == 4) op = Op.DIVW;
        else if (f3 == 5) op = Op.DIVUW;
        else if (f3 == 6) op = Op.REMW;
        else if (f3 == 7) op = Op.REMUW;
      }
      break;
    }
    case 0x0f: {
      if (f3 == 0) op = Op.FENCE;
      else if (f3 == 1) op = Op.FENCE_I;
      break;
    }
    case 0x73: {
      if (f3 == 0) {
        if (raw == 0x00000073) op = Op.ECALL;
        else if (raw == 0x00100073) op = Op.EBREAK;
        else if (raw == 0x30200073) op = Op.MRET;
        else if (raw == 0x10200073) op = Op.SRET;
        else if (raw == 0x10500073) op = Op.WFI;
        else if (f7 == 0x09 && rd == 0) op = Op.SFENCE_VMA;
      } else if (f3 != 4) {
        op = Op.CSRRW + (f3 & 3) - 1 + (f3 >> 2) * 3; // CSRRW CSRRS CSRRC CSRRWI CSRRSI CSRRCI
        imm = <i32>(raw >> 20);
      }
      break;
    }
    case 0x2f: {
      const f5 = raw >> 27;
      let base = f3 == 2 ? Op.LR_W : f3 == 3 ? Op.LR_D : Op.ILLEGAL;
      if (base == Op.ILLEGAL) break;
      switch (f5) {
        case 0x02: if (rs2 == 0) op = base; break;
        case 0x03: op = base + 1; break;
        case 0x01: op = base + 2; break;
        case 0x00: op = base + 3; break;
        case 0x04: op = base + 4; break;
        case 0x0c: op = base + 5; break;
        case 0x08: op = base + 6; break;
        case 0x10: op = base + 7; break;
        case 0x14: op = base + 8; break;
        case 0x18: op = base + 9; break;
        case 0x1c: op = base + 10; break;
      }
      break;
    }
    case 0x07: {
      imm = immI(raw);
      if (f3 == 2) op = Op.FLW;
      else if (f3 == 3) op = Op.FLD;
      break;
    }
    case 0x27: {
      imm = immS(raw);
      if (f3 == 2) op = Op.FSW;
      else if (f3 == 3) op = Op.FSD;
      break;
    }
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
      const fmt = (raw >> 25) & 3;
      const k = ((raw & 0x7f) - 0x43) >> 2; // 0 FMADD, 1 FMSUB, 2 FNMSUB, 3 FNMADD
      if (fmt == 0) op = Op.FMADD_S + k;
      else if (fmt == 1) op = Op.FMADD_D + k;
      break;
    }
    case 0x53: op = decodeOpFp(f7, f3, rs2); break;
  }
  put(e, raw, op, rd, rs1, rs2, imm, 4);
}

function decodeOpFp(f7: u32, f3: u32, rs2: u32): Op {
  const d = f7 & 1; // fmt: 0 single, 1 double
  const S = d == 0;
  switch (f7 & ~1) {
    case 0x00: return S ? Op.FADD_S : Op.FADD_D;
    case 0x04: return S ? Op.FSUB_S : Op.FSUB_D;
    case 0x08: return S ? Op.FMUL_S : Op.FMUL_D;
    case 0x0c: return S ? Op.FDIV_S : Op.FDIV_D;
    case 0x2c: if (rs2 == 0) return S ? Op.FSQRT_S : Op.FSQRT_D; break;
    case 0x10: if (f3 < 3) return (S ? Op.FSGNJ_S : Op.FSGNJ_D) + f3; break;
    case 0x14: if (f3 < 2) return (S ? Op.FMIN_S : Op.FMIN_D) + f3; break;
    case 0x20: {
      if (f7 == 0x20 && rs2 == 1) return Op.FCVT_S_D;
      if (f7 == 0x21 && rs2 == 0) return Op.FCVT_D_S;
      break;
    }
    case 0x60: if (rs2 < 4) return (S ? Op.FCVT_W_S : Op.FCVT_W_D) + rs2; break;
    case 0x68: if (rs2 < 4) return (S ? Op.FCVT_S_W : Op.FCVT_D_W) + rs2; break;
    case 0x70: {
      if (rs2 != 0) break;
      if (f3 == 0) return S ? Op.FMV_X_W : Op.FMV_X_D;
      if (f3 == 1) return S ? Op.FCLASS_S : Op.FCLASS_D;
      break;
    }
    case 0x50: {
      if (f3 == 2) return S ? Op.FEQ_S : Op.FEQ_D;
      if (f3 == 1) return S ? Op.FLT_S : Op.FLT_D;
      if (f3 == 0) return S ? Op.FLE_S : Op.FLE_D;
      break;
    }
    case 0x78: if (rs2 == 0 && f3 == 0) return S ? Op.FMV_W_X : Op.FMV_D_X; break;
  }
  return Op.ILLEGAL;
}

// RV64C: each compressed form becomes the operation of the 32-bit instruction it expands to
// (unprivileged ISA, "C" extension, RVC instruction set listings). Reserved encodings are illegal;
// HINTs (e.g. c.addi with rd=x0) decode to their harmless base operation.
function decodeCompressed(raw: u32, e: usize): void {
  const f3 = raw >> 13;
  const rdFull = (raw >> 7) & 31;
  const rs2Full = (raw >> 2) & 31;
  const rdP = ((raw >> 2) & 7) + 8; // rd' / rs2' in bits 4:2
  const rs1P = ((raw >> 7) & 7) + 8; // rs1' / rd' in bits 9:7
  // 6-bit signed immediate: imm[5] at bit 12, imm[4:0] at bits 6:2
  const imm6: i32 = (((<i32>(raw << 19)) >> 31) << 5) | <i32>((raw >> 2) & 31);
  let op = Op.ILLEGAL;
  let rd: u32 = 0, rs1: u32 = 0, rs2: u32 = 0;
  let imm: i32 = 0;
  switch ((raw & 3) << 3 | f3) {
    // ---- quadrant 0
    case 0x00: { // c.addi4spn
      imm = <i32>(((raw >> 7) & 0x30) | ((raw >> 1) & 0x3c0) | ((raw >> 4) & 4) | ((raw >> 2) & 8));
      if (imm != 0) { op = Op.ADDI; rd = rdP; rs1 = 2; }
      break;
    }
    case 0x01: op = Op.FLD; rd = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw << 1) & 0xc0)); break;
    case 0x02: op = Op.LW; rd = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw >> 4) & 4) | ((raw << 1) & 0x40)); break;
    case 0x03: op = Op.LD; rd = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw << 1) & 0xc0)); break;
    case 0x05: op = Op.FSD; rs2 = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw << 1) & 0xc0)); break;
    case 0x06: op = Op.SW; rs2 = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw >> 4) & 4) | ((raw << 1) & 0x40)); break;
    case 0x07: op = Op.SD; rs2 = rdP; rs1 = rs1P; imm = <i32>(((raw >> 7) & 0x38) | ((raw << 1) & 0xc0)); break;
    // ---- quadrant 1
    case 0x08: op = Op.ADDI; rd = rdFull; rs1 = rdFull; imm = imm6; break; // c.addi, c.nop
    case 0x09: if (rdFull != 0) { op = Op.ADDIW; rd = rdFull; rs1 = rdFull; imm = imm6; } break;
    case 0x0a: op = Op.ADDI; rd = rdFull; rs1 = 0; imm = imm6; break; // c.li
    case 0x0b: {
      if (rdFull == 2) { // c.addi16sp
        imm = ((<i32>(raw << 19)) >> 22) & ~0x1ff | <i32>(((raw >> 2) & 0x10) | ((raw << 1) & 0x40) | ((raw << 4) & 0x180) | ((raw << 3) & 0x20));
        if (imm != 0) { op = Op.ADDI; rd = 2; rs1 = 2; }
      } else { // c.lui
        imm = imm6 << 12;
        if (imm != 0) { op = Op.LUI; rd = rdFull; }
      }
      break;
    }
    case 0x0c: {
      rd = rs1P; rs1 = rs1P;
      const f2 = (raw >> 10) & 3;
      if (f2 == 0) { op = Op.SRLI; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 31)); }
      else if (f2 == 1) { op = Op.SRAI; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 31)); }
      else if (f2 == 2) { op = Op.ANDI; imm = imm6; }
      else {
        rs2 = rdP;
        const sel = (raw >> 5) & 3;
        if ((raw & 0x1000) == 0) op = sel == 0 ? Op.SUB : sel == 1 ? Op.XOR : sel == 2 ? Op.OR : Op.AND;
        else if (sel == 0) op = Op.SUBW;
        else if (sel == 1) op = Op.ADDW;
      }
      break;
    }
    case 0x0d: { // c.j
      op = Op.JAL; rd = 0;
      imm = cjImm(raw);
      break;
    }
    case 0x0e: case 0x0f: { // c.beqz, c.bnez
      op = f3 == 6 ? Op.BEQ : Op.BNE; rs1 = rs1P; rs2 = 0;
      imm = ((<i32>(raw << 19)) >> 31 << 8) | <i32>(((raw >> 7) & 0x18) | ((raw << 1) & 0xc0) | ((raw >> 2) & 6) | ((raw << 3) & 0x20));
      break;
    }
    // ---- quadrant 2
    case 0x10: op = Op.SLLI; rd = rdFull; rs1 = rdFull; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 31)); break;
    case 0x11: op = Op.FLD; rd = rdFull; rs1 = 2; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 0x18) | ((raw << 4) & 0x1c0)); break;
    case 0x12: if (rdFull != 0) { op = Op.LW; rd = rdFull; rs1 = 2; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 0x1c) | ((raw << 4) & 0xc0)); } break;
    case 0x13: if (rdFull != 0) { op = Op.LD; rd = rdFull; rs1 = 2; imm = <i32>(((raw >> 7) & 0x20) | ((raw >> 2) & 0x18) | ((raw << 4) & 0x1c0)); } break;
    case 0x14: {
      if ((raw & 0x1000) == 0) {
        if (rs2Full == 0) { if (rdFull != 0) { op = Op.JALR; rd = 0; rs1 = rdFull; } } // c.jr
        else { op = Op.ADD; rd = rdFull; rs1 = 0; rs2 = rs2Full; } // c.mv
      } else {
        if (rs2Full == 0) {
          if (rdFull == 0) op = Op.EBREAK; // c.ebreak
          else { op = Op.JALR; rd = 1; rs1 = rdFull; } // c.jalr
        } else { op = Op.ADD; rd = rdFull; rs1 = rdFull; rs2 = rs2Full; } // c.add
      }
      break;
    }
    case 0x15: op = Op.FSD; rs1 = 2; rs2 = rs2Full; imm = <i32>(((raw >> 7) & 0x38) | ((raw >> 1) & 0x1c0)); break;
    case 0x16: op = Op.SW; rs1 = 2; rs2 = rs2Full; imm = <i32>(((raw >> 7) & 0x3c) | ((raw >> 1) & 0xc0)); break;
    case 0x17: op = Op.SD; rs1 = 2; rs2 = rs2Full; imm = <i32>(((raw >> 7) & 0x38) | ((raw >> 1) & 0x1c0)); break;
  }
  // Compressed FP loads/stores use the double-precision rounding-mode slot not at all; rm stays 0.
  store<u32>(e, raw);
  store<u8>(e, <u8>op, 4);
  store<u8>(e, <u8>rd, 5);
  store<u8>(e, <u8>rs1, 6);
  store<u8>(e, <u8>rs2, 7);
  store<u8>(e, 0, 8);
  store<u8>(e, 0, 9);
  store<u8>(e, 2, 10);
  store<i32>(e, imm, 12);
}

// c.j / c.jal offset: [11|4|9:8|10|6|7|3:1|5] in bits 12:2.
@inline function cjImm(raw: u32): i32 {
  return ((<i32>(raw << 19)) >> 31 << 11)
    | <i32>(((raw >> 7) & 0x10) | ((raw >> 1) & 0x300) | ((raw << 2) & 0x400) | ((raw >> 1) & 0x40)
    | ((raw << 1) & 0x80) | ((raw >> 2) & 0xe) | ((raw << 3) & 0x20));
}
