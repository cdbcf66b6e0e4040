// Traps: exception and interrupt entry, delegation, and the xRET instructions
// (privileged ISA, "Machine Trap Delegation Registers", "Machine Trap Vector", mret/sret).
import * as L from './layout';
import {
  csr, setCsr, priv, U, S, M,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPRV,
  IRQ_SSI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_MEI, CAUSE_INTERRUPT,
} from './state';
import { effectiveMip } from './csr';
import { updateKeys } from './mmu';

@inline function setPriv(p: u32): void {
  store<u32>(L.PRIV, p);
}

/**
 * Enters the trap handler for `cause` (bit 63 set for interrupts) raised at `pc`, with `tval`.
 * Returns the handler's address.
 */
export function takeTrap(cause: u64, tval: u64, pc: u64): u64 {
  const p = priv();
  const interrupt = (cause & CAUSE_INTERRUPT) != 0;
  const code = cause & 63;
  const deleg = interrupt ? csr(L.MIDELEG) : csr(L.MEDELEG);
  let ms = csr(L.MSTATUS);
  let vector: u64;
  if (p <= S && ((deleg >> code) & 1) != 0) {
    setCsr(L.SCAUSE, cause);
    setCsr(L.SEPC, pc);
    setCsr(L.STVAL, tval);
    ms = (ms & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE))
      | ((ms & MSTATUS_SIE) != 0 ? MSTATUS_SPIE : 0)
      | (p == S ? MSTATUS_SPP : 0);
    setPriv(S);
    vector = csr(L.STVEC);
  } else {
    setCsr(L.MCAUSE, cause);
    setCsr(L.MEPC, pc);
    setCsr(L.MTVAL, tval);
    ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE))
      | ((ms & MSTATUS_MIE) != 0 ? MSTATUS_MPIE : 0)
      | (<u64>p << 11);
    setPriv(M);
    vector = csr(L.MTVEC);
  }
  setCsr(L.MSTATUS, ms);
  updateKeys();
  const base = vector & ~<u64>3;
  // Vectored mode sends interrupts to base + 4 * cause; exceptions always go to base.
  if ((vector & 1) != 0 && interrupt) return base + (code << 2);
  return base;
}

/** mret: returns to the privilege in MPP. Returns the new pc. */
export function mret(): u64 {
  let ms = csr(L.MSTATUS);
  const next = <u32>((ms & MSTATUS_MPP) >> 11);
  ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((ms & MSTATUS_MPIE) != 0 ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
  if (next != M) ms &= ~MSTATUS_MPRV;
  setCsr(L.MSTATUS, ms);
  setPriv(next);
  updateKeys();
  return csr(L.MEPC);
}

/** sret: returns to the privilege in SPP. Returns the new pc. */
export function sret(): u64 {
  let ms = csr(L.MSTATUS);
  const next: u32 = (ms & MSTATUS_SPP) != 0 ? S : U;
  ms = (ms & ~(MSTATUS_SIE | MSTATUS_SPP)) | ((ms & MSTATUS_SPIE) != 0 ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
  ms &= ~MSTATUS_MPRV; // sret always leaves M-mode behaviour behind
  setCsr(L.MSTATUS, ms);
  setPriv(next);
  updateKeys();
  return csr(L.SEPC);
}

// Interrupt priority: MEI, MSI, MTI, SEI, SSI, STI (privileged ISA, "Machine Interrupt Registers").
@inline function highest(bits: u64): u64 {
  if (bits & IRQ_MEI) return 11;
  if (bits & IRQ_MSI) return 3;
  if (bits & IRQ_MTI) return 7;
  if (bits & IRQ_SEI) return 9;
  if (bits & IRQ_SSI) return 1;
  return 5; // STI, the last one left
}

/** The cause of the interrupt to take now, or 0 if none is both pending and enabled. */
export function pendingInterrupt(): u64 {
  const pending = effectiveMip() & csr(L.MIE);
  if (pending == 0) return 0;
  const p = priv();
  const ms = csr(L.MSTATUS);
  const deleg = csr(L.MIDELEG);
  const toM = pending & ~deleg;
  if (toM != 0 && (p < M || (ms & MSTATUS_MIE) != 0)) return CAUSE_INTERRUPT | highest(toM);
  const toS = pending & deleg;
  if (toS != 0 && (p < S || (p == S && (ms & MSTATUS_SIE) != 0))) return CAUSE_INTERRUPT | highest(toS);
  return 0;
}

/** Whether WFI should stop waiting: an interrupt is pending and locally enabled, whatever the global enables. */
export function wfiWakes(): bool {
  return (effectiveMip() & csr(L.MIE)) != 0;
}
