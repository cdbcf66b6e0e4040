// Typed accessors for the hart state in linear memory (layout.ts). Everything inlines to one
// load or store at a constant address.
import * as L from './layout';

@inline export function getX(r: u32): u64 { return load<u64>(L.X_REGS + (<usize>r << 3)); }
@inline export function setX(r: u32, v: u64): void { store<u64>(L.X_REGS + (<usize>r << 3), v); }
@inline export function getF(r: u32): u64 { return load<u64>(L.F_REGS + (<usize>r << 3)); }
@inline export function setF(r: u32, v: u64): void { store<u64>(L.F_REGS + (<usize>r << 3), v); }

@inline export function csr(slot: usize): u64 { return load<u64>(slot); }
@inline export function setCsr(slot: usize, v: u64): void { store<u64>(slot, v); }

@inline export function priv(): u32 { return load<u32>(L.PRIV); }

// Privilege levels
export const U: u32 = 0;
export const S: u32 = 1;
export const M: u32 = 3;

// mstatus fields (privileged ISA, "Machine Status Register")
export const MSTATUS_SIE: u64 = 1 << 1;
export const MSTATUS_MIE: u64 = 1 << 3;
export const MSTATUS_SPIE: u64 = 1 << 5;
export const MSTATUS_MPIE: u64 = 1 << 7;
export const MSTATUS_SPP: u64 = 1 << 8;
export const MSTATUS_MPP_SHIFT: u64 = 11;
export const MSTATUS_MPP: u64 = 3 << 11;
export const MSTATUS_FS_SHIFT: u64 = 13;
export const MSTATUS_FS: u64 = 3 << 13;
export const MSTATUS_MPRV: u64 = 1 << 17;
export const MSTATUS_SUM: u64 = 1 << 18;
export const MSTATUS_MXR: u64 = 1 << 19;
export const MSTATUS_TVM: u64 = 1 << 20;
export const MSTATUS_TW: u64 = 1 << 21;
export const MSTATUS_TSR: u64 = 1 << 22;
export const MSTATUS_UXL: u64 = <u64>2 << 32; // XLEN 64 for U and S, read-only
export const MSTATUS_SXL: u64 = <u64>2 << 34;
export const MSTATUS_SD: u64 = <u64>1 << 63;

// Interrupt bits (mip/mie)
export const IRQ_SSI: u64 = 1 << 1;
export const IRQ_MSI: u64 = 1 << 3;
export const IRQ_STI: u64 = 1 << 5;
export const IRQ_MTI: u64 = 1 << 7;
export const IRQ_SEI: u64 = 1 << 9;
export const IRQ_MEI: u64 = 1 << 11;

// Exception causes (privileged ISA, mcause table)
export const CAUSE_FETCH_ACCESS: u64 = 1;
export const CAUSE_ILLEGAL: u64 = 2;
export const CAUSE_BREAKPOINT: u64 = 3;
export const CAUSE_LOAD_MISALIGNED: u64 = 4;
export const CAUSE_LOAD_ACCESS: u64 = 5;
export const CAUSE_STORE_MISALIGNED: u64 = 6;
export const CAUSE_STORE_ACCESS: u64 = 7;
export const CAUSE_ECALL_U: u64 = 8;
export const CAUSE_FETCH_PAGE: u64 = 12;
export const CAUSE_LOAD_PAGE: u64 = 13;
export const CAUSE_STORE_PAGE: u64 = 15;
export const CAUSE_INTERRUPT: u64 = <u64>1 << 63;
