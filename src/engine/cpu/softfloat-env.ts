// The floating-point environment the soft-float operations share: the accrued exception flags and
// the rounding-mode encoding, both exactly as the RISC-V fcsr holds them (unprivileged ISA, "F"
// extension, "Floating-Point Control and Status Register").

/** Accrued exceptions (fcsr.fflags). Operations only ever OR into it; the hart clears it. */
export let fflags: u32 = 0;

export const FLAG_NV: u32 = 0x10; // invalid operation
export const FLAG_DZ: u32 = 0x08; // divide by zero
export const FLAG_OF: u32 = 0x04; // overflow
export const FLAG_UF: u32 = 0x02; // underflow
export const FLAG_NX: u32 = 0x01; // inexact

// Rounding modes, as the rm field encodes them. The hart resolves DYN (7) before calling in.
export const RNE: u32 = 0; // to nearest, ties to even
export const RTZ: u32 = 1; // towards zero
export const RDN: u32 = 2; // down, towards -infinity
export const RUP: u32 = 3; // up, towards +infinity
export const RMM: u32 = 4; // to nearest, ties to max magnitude

@inline
export function raise(flags: u32): void {
  fflags |= flags;
}

/** Returns the flags accrued since the last call and clears them (for the hart's fcsr). */
export function takeFlags(): u32 {
  const f = fflags;
  fflags = 0;
  return f;
}
