// Control and status registers: access checks, WARL legalisation and side effects
// (privileged ISA, "Control and Status Registers" and the machine/supervisor chapters).
// Reads and writes return false when the access must raise an illegal-instruction exception.
import * as L from './layout';
import {
  csr, setCsr, priv, U, S, M,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_FS,
  MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR, MSTATUS_UXL,
  MSTATUS_SXL, MSTATUS_SD,
  IRQ_SSI, IRQ_MSI, IRQ_STI, IRQ_MTI, IRQ_SEI, IRQ_MEI,
} from './state';
import { flushTlb, updateKeys } from './mmu';

@external("host", "time") declare function hostTime(): f64;

/** misa: RV64 with A, C, D, F, I, M, S, U. */
export const MISA_VALUE: u64 = (<u64>2 << 62) | 0x14112d;

const MSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP
  | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_VISIBLE: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM
  | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD;
const SSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
const MEDELEG_WRITABLE: u64 = 0xb3ff; // every synchronous cause but ecall-from-M (11) and reserved ones
const MIDELEG_WRITABLE: u64 = IRQ_SSI | IRQ_STI | IRQ_SEI;
const MIE_WRITABLE: u64 = IRQ_SSI | IRQ_MSI | IRQ_STI | IRQ_MTI | IRQ_SEI | IRQ_MEI;
const MENVCFG_STCE: u64 = <u64>1 << 63;
const MENVCFG_WRITABLE: u64 = MENVCFG_STCE | 1; // STCE, FIOM
const SATP_MODE_SV39: u64 = 8;
const SATP_MODE_SV48: u64 = 9;

/** Reads the host's clock (timebase ticks) and remembers it as the current time. */
export function now(): u64 {
  const t = <u64>hostTime();
  const last = load<u64>(L.MTIME);
  const v = t > last ? t : last; // never goes backwards
  store<u64>(L.MTIME, v);
  return v;
}

@inline function stce(): bool {
  return (csr(L.MENVCFG) & MENVCFG_STCE) != 0;
}

/** mip as the hart sees it: software bits, device lines, and the Sstc timer. */
export function effectiveMip(): u64 {
  let mip = csr(L.MIP) | csr(L.MIP_LINES);
  if (stce()) {
    mip &= ~IRQ_STI;
    if (load<u64>(L.MTIME) >= csr(L.STIMECMP)) mip |= IRQ_STI;
  }
  return mip;
}

export function readMstatus(): u64 {
  let v = csr(L.MSTATUS) | MSTATUS_UXL | MSTATUS_SXL;
  if ((v & MSTATUS_FS) == MSTATUS_FS) v |= MSTATUS_SD;
  return v;
}

export function writeMstatus(v: u64): void {
  const old = csr(L.MSTATUS);
  let next = (old & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
  if (((next & MSTATUS_MPP) >> 11) == 2) next = (next & ~MSTATUS_MPP) | (old & MSTATUS_MPP); // reserved: keep
  setCsr(L.MSTATUS, next);
  updateKeys();
 
}

/** Marks the floating-point state dirty (mstatus.FS = 3). */
@inline export function setFsDirty(): void {
  setCsr(L.MSTATUS, csr(L.MSTATUS) | MSTATUS_FS);
}

@inline export function fpEnabled(): bool {
  return (csr(L.MSTATUS) & MSTATUS_FS) != 0;
}

/** The instructions-retired count, kept current by the executor before CSR instructions. */
@inline function instret(): u64 {
  return csr(L.INSTRET);
}

/** Whether the counter `index` (0 cycle, 1 time, 2 instret, 3.. hpm) may be read at this privilege. */
function counterAllowed(index: u32): bool {
  const p = priv();
  if (p < M && ((csr(L.MCOUNTEREN) >> index) & 1) == 0) return false;
  if (p < S && ((csr(L.SCOUNTEREN) >> index) & 1) == 0) return false;
  return true;
}

export let readValue: u64 = 0;

/**
 * Reads CSR `num` into `readValue`. Returns false if the CSR does not exist or is not accessible
 * at the current privilege (privileged ISA 2.1: bits 9:8 give the lowest privilege).
 */
export function csrRead(num: u32): bool {
  const p = priv();
  if (((num >> 8) & 3) > p) return false;
  let v: u64 = 0;
  switch (num) {
    case 0x001: if (!fpEnabled()) return false; v = csr(L.FCSR) & 0x1f; break;
    case 0x002: if (!fpEnabled()) return false; v = (csr(L.FCSR) >> 5) & 7; break;
    case 0x003: if (!fpEnabled()) return false; v = csr(L.FCSR) & 0xff; break;
    case 0xc00: case 0xc02: if (!counterAllowed(num & 0x1f)) return false; v = instret(); break;
    case 0xc01: if (!counterAllowed(1)) return false; v = now(); break;
    // sstatus, sie, sip: restricted views of the machine registers
    case 0x100: v = readMstatus() & SSTATUS_VISIBLE; break;
    case 0x104: v = csr(L.MIE) & csr(L.MIDELEG); break;
    case 0x105: v = csr(L.STVEC); break;
    case 0x106: v = csr(L.SCOUNTEREN); break;
    case 0x10a: v = csr(L.SENVCFG); break;
    case 0x140: v = csr(L.SSCRATCH); break;
    case 0x141: v = csr(L.SEPC); break;
    case 0x142: v = csr(L.SCAUSE); break;
    case 0x143: v = csr(L.STVAL); break;
    case 0x144: v = effectiveMip() & csr(L.MIDELEG); break;
    case 0x14d: if (!stimecmpAllowed()) return false; v = csr(L.STIMECMP); break;
    case 0x180: if (p == S && (csr(L.MSTATUS) & MSTATUS_TVM) != 0) return false; v = csr(L.SATP); break;
    case 0xf11: case 0xf12: case 0xf13: case 0xf15: v = 0; break; // mvendorid, marchid, mimpid, mconfigptr
    case 0xf14: v = csr(L.MHARTID); break;
    case 0x300: v = readMstatus(); break;
    case 0x301: v = MISA_VALUE; break;
    case 0x302: v = csr(L.MEDELEG); break;
    case 0x303: v = csr(L.MIDELEG); break;
    case 0x304: v = csr(L.MIE); break;
    case 0x305: v = csr(L.MTVEC); break;
    case 0x306: v = csr(L.MCOUNTEREN); break;
    case 0x30a: v = csr(L.MENVCFG); break;
    case 0x320: v = csr(L.MCOUNTINHIBIT); break;
    case 0x340: v = csr(L.MSCRATCH); break;
    case 0x341: v = csr(L.MEPC); break;
    case 0x342: v = csr(L.MCAUSE); break;
    case 0x343: v = csr(L.MTVAL); break;
    case 0x344: v = effectiveMip(); break;
    case 0xb00: case 0xb02: v = instret(); break;
    default: {
      if (num >= 0xc03 && num <= 0xc1f) { if (!counterAllowed(num - 0xc00)) return false; v = 0; break; } // hpmcounterN
      if ((num >= 0xb03 && num <= 0xb1f) || (num >= 0x323 && num <= 0x33f)) { v = 0; break; } // mhpmcounterN, mhpmeventN
      if (num >= 0x3a0 && num <= 0x3af) { if (num & 1) return false; v = load<u64>(L.PMPCFG + ((<usize>num - 0x3a0) << 3)); break; }
      if (num >= 0x3b0 && num <= 0x3ef) { v = load<u64>(L.PMPADDR + ((<usize>num - 0x3b0) << 3)); break; }
      return false;
    }
  }
  readValue = v;
  return true;
}

function stimecmpAllowed(): bool {
  const p = priv();
  if (p == M) return true;
  return stce() && (csr(L.MCOUNTEREN) & 2) != 0;
}

/**
 * Writes `v` to CSR `num`. Returns false for a missing CSR, a read-only one (bits 11:10 = 3), or
 * one not accessible at the current privilege.
 */
export function csrWrite(num: u32, v: u64): bool {
  const p = priv();
  if (((num >> 8) & 3) > p || (num >> 10) == 3) return false;
  switch (num) {
    case 0x001: if (!fpEnabled()) return false; setCsr(L.FCSR, (csr(L.FCSR) & ~0x1f) | (v & 0x1f)); setFsDirty(); break;
    case 0x002: if (!fpEnabled()) return false; setCsr(L.FCSR, (csr(L.FCSR) & 0x1f) | ((v & 7) << 5)); setFsDirty(); break;
    case 0x003: if (!fpEnabled()) return false; setCsr(L.FCSR, v & 0xff); setFsDirty(); break;
    case 0x100: {
      const ms = csr(L.MSTATUS);
      writeMstatus((ms & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE));
      break;
    }
    case 0x104: {
      const d = csr(L.MIDELEG);
      setCsr(L.MIE, (csr(L.MIE) & ~d) | (v & d & MIE_WRITABLE));
      break;
    }
    case 0x105: setCsr(L.STVEC, v & ~<u64>2); break; // mode 0 direct, 1 vectored; others reserved
    case 0x106: setCsr(L.SCOUNTEREN, v & 0xffffffff); break;
    case 0x10a: setCsr(L.SENVCFG, v & 1); break;
    case 0x140: setCsr(L.SSCRATCH, v); break;
    case 0x141: setCsr(L.SEPC, v & ~<u64>1); break;
    case 0x142: setCsr(L.SCAUSE, v); break;
    case 0x143: setCsr(L.STVAL, v); break;
    case 0x144: {
      // Only SSIP is writable through sip, and only when delegated.
      const mask = IRQ_SSI & csr(L.MIDELEG);
      setCsr(L.MIP, (csr(L.MIP) & ~mask) | (v & mask));
      break;
    }
    case 0x14d: {
      if (!stimecmpAllowed()) return false;
      setCsr(L.STIMECMP, v);
      now();
      break;
    }
    case 0x180: {
      if (p == S && (csr(L.MSTATUS) & MSTATUS_TVM) != 0) return false;
      const mode = v >> 60;
      // An unsupported mode makes the whole write have no effect (WARL), so a kernel probing for
      // Sv57 reads back its previous value and falls back.
      if (mode != 0 && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48) break;
      setCsr(L.SATP, v & (<u64>0xf << 60 | <u64>0xffff << 44 | ((<u64>1 << 44) - 1)));
      flushTlb();
      updateKeys();
      break;
    }
    case 0x300: writeMstatus(v); break;
    case 0x301: break; // misa is read-only here (WARL)
    case 0x302: setCsr(L.MEDELEG, v & MEDELEG_WRITABLE); break;
    case 0x303: setCsr(L.MIDELEG, v & MIDELEG_WRITABLE); break;
    case 0x304: setCsr(L.MIE, v & MIE_WRITABLE); break;
    case 0x305: setCsr(L.MTVEC, v & ~<u64>2); break;
    case 0x306: setCsr(L.MCOUNTEREN, v & 0xffffffff); break;
    case 0x30a: setCsr(L.MENVCFG, v & MENVCFG_WRITABLE); break;
    case 0x320: setCsr(L.MCOUNTINHIBIT, v & 0xfffffffd); break;
    case 0x340: setCsr(L.MSCRATCH, v); break;
    case 0x341: setCsr(L.MEPC, v & ~<u64>1); break;
    case 0x342: setCsr(L.MCAUSE, v); break;
    case 0x343: setCsr(L.MTVAL, v); break;
    case 0x344: {
      let mask = IRQ_SSI | IRQ_SEI;
      if (!stce()) mask |= IRQ_STI;
      setCsr(L.MIP, (csr(L.MIP) & ~mask) | (v & mask));
      break;
    }
    case 0xb00: case 0xb02: setCsr(L.INSTRET, v); break;
    default: {
      if ((num >= 0xb03 && num <= 0xb1f) || (num >= 0x323 && num <= 0x33f)) break; // hardwired zero
      if (num >= 0x3a0 && num <= 0x3af) { if (num & 1) return false; store<u64>(L.PMPCFG + ((<usize>num - 0x3a0) << 3), v); break; }
      if (num >= 0x3b0 && num <= 0x3ef) { store<u64>(L.PMPADDR + ((<usize>num - 0x3b0) << 3), v & ((<u64>1 << 54) - 1)); break; }
      return false;
    }
  }
  return true;
}

