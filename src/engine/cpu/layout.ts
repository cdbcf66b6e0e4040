// Where the hart keeps everything in wasm linear memory. All machine state lives here (not in wasm
// globals), so the host can read it, snapshot it and restore it, and a future translator can
// address it directly. The host reads these offsets through the exported getters in hart.ts.
//
//   0x0000_0000  hart state (registers, CSRs, scratch)            64 KiB
//   0x0001_0000  AssemblyScript static data (asconfig memoryBase)
//   0x0010_0000  TLBs: read, write, fetch                         48 KiB
//   0x0018_0000  page map: one byte per page of guest RAM         512 KiB
//   0x0020_0000  decoded-instruction cache                        1 MiB
//   0x0030_0000  translated-unit table (jit/)                     512 KiB
//   0x0038_0000  lock-step checking: two hart states and a store journal
//   0x0040_0000  guest RAM (physical RAM_BASE upward)

// ---- integer and floating-point registers
export const X_REGS: usize = 0x000; // x0..x31, 8 bytes each
export const F_REGS: usize = 0x100; // f0..f31, 8 bytes each (singles NaN-boxed)

// ---- program counter and privilege
export const PC: usize = 0x200;
export const PRIV: usize = 0x208; // 0 = U, 1 = S, 3 = M

// ---- CSR storage (one u64 slot each)
export const MSTATUS: usize = 0x210;
export const MISA: usize = 0x218;
export const MEDELEG: usize = 0x220;
export const MIDELEG: usize = 0x228;
export const MIE: usize = 0x230;
export const MIP: usize = 0x238; // software-writable bits; device lines are in MIP_LINES
export const MTVEC: usize = 0x240;
export const MSCRATCH: usize = 0x248;
export const MEPC: usize = 0x250;
export const MCAUSE: usize = 0x258;
export const MTVAL: usize = 0x260;
export const MCOUNTEREN: usize = 0x268;
export const MENVCFG: usize = 0x270;
export const STVEC: usize = 0x278;
export const SSCRATCH: usize = 0x280;
export const SEPC: usize = 0x288;
export const SCAUSE: usize = 0x290;
export const STVAL: usize = 0x298;
export const SATP: usize = 0x2a0;
export const SCOUNTEREN: usize = 0x2a8;
export const SENVCFG: usize = 0x2b0;
export const STIMECMP: usize = 0x2b8;
export const FCSR: usize = 0x2c0; // frm << 5 | fflags
export const MCOUNTINHIBIT: usize = 0x2c8;
export const INSTRET: usize = 0x2d0; // minstret; mcycle reads the same count (one instruction per cycle)
export const MIP_LINES: usize = 0x2d8; // interrupt lines driven by devices (MEIP, SEIP, MTIP, MSIP)
export const MHARTID: usize = 0x2e0;

// ---- LR/SC reservation
export const RESERVATION: usize = 0x300; // physical address of the reserved doubleword
export const RESERVATION_VALID: usize = 0x308;

// ---- host interface
export const STOP_ON_STORE: usize = 0x310; // physical address whose store ends run() (HTIF tohost); 0 = none
export const HOST_CALLS: usize = 0x318; // nonzero: ecall from S/U-mode returns to the host (SBI in the host)
export const MMIO_DATA: usize = 0x320; // value exchanged with the host's device handlers
export const RAM_BASE_SLOT: usize = 0x328; // guest-physical address of RAM
export const RAM_SIZE_SLOT: usize = 0x330; // bytes of RAM
export const STOP_CAUSE: usize = 0x338; // why run() last returned, with details for the host
export const STOP_VALUE: usize = 0x340; // after STOP_PAGE_MISSING: guest-physical address of the missing byte

export const PMPCFG: usize = 0x400; // pmpcfg0..15 (only even ones exist on RV64), 8 bytes each
export const PMPADDR: usize = 0x480; // pmpaddr0..63
export const PMP_END: usize = PMPADDR + 64 * 8;

// A saved hart state (the host's Hart.saveState) is [0, STOP_ON_STORE) (registers, pc, privilege,
// CSRs, interrupt lines, reservation), MTIME and [PMPCFG, PMP_END): everything run() reads that the
// host does not configure. The host-interface slots, the caches and RAM are not part of it.

export const DECODE_SCRATCH: usize = 0x800; // one decoded entry, for the host's decoder tests

// ---- TLBs: direct-mapped, TLB_ENTRIES each. Entry: tag (u64), host addend (u64).
export const TLB_ENTRIES: u32 = 1024;
export const TLB_BYTES: usize = <usize>TLB_ENTRIES * 16;
export const TLB_READ: usize = 0x100000;
export const TLB_WRITE: usize = TLB_READ + TLB_BYTES;
export const TLB_FETCH: usize = TLB_WRITE + TLB_BYTES;

// ---- page map: one byte per 4 KiB page of guest RAM (src/engine/page-map.ts gives the bits).
// The host owns it: reset() leaves it alone. 512 KiB covers 2 GiB of RAM, more than MAX_RAM.
export const PAGE_MAP: usize = 0x180000;
export const PAGE_MISSING: u8 = 1; // not restored yet: touching it stops run() (STOP_PAGE_MISSING)
export const PAGE_DIRTY: u8 = 2; // written since the host last cleared the bit
export const PAGE_CODE: u8 = 4; // reserved for the translator

// ---- decoded-instruction cache: DECODE_ENTRIES entries of 16 bytes (see decode.ts)
export const DECODE_ENTRIES: u32 = 65536;
export const DECODE_CACHE: usize = 0x200000;

// ---- the translator (src/engine/jit/): units of translated code, keyed by the host address of
// their first instruction. Entry: u32 host address, i32 value: > 0 the unit's index in the function
// table; <= 0 minus the times the address was entered (hotness); JIT_NEVER: not translatable.
// Four-way set-associative: a bucket of JIT_WAYS entries per hash of the address (jitBucket), so
// the many hot entries of a large program (Python, the kernel) do not keep evicting each other.
export const JIT_ENTRIES: u32 = 65536;
export const JIT_WAYS: u32 = 4;
export const JIT_BUCKETS: u32 = JIT_ENTRIES / JIT_WAYS;
export const JIT_TABLE: usize = 0x300000;
export const JIT_NEVER: i32 = i32.MIN_VALUE;
/** The bucket of host address `host` (the host computes the same: jit/translator.ts). */
@inline export function jitBucket(host: usize): usize {
  return JIT_TABLE + (((<usize>((host >> 1) ^ (host >> 15))) & (JIT_BUCKETS - 1)) << 5);
}
// Slots the translated code and the host share (not part of a saved state).
export const JIT_DATA_KEY: usize = 0x380; // mmu.ts dataKey, for the inlined TLB fast path
export const JIT_RETIRED: usize = 0x388; // i32: instructions a unit retired before it returned
export const JIT_EVENT: usize = 0x38c; // i32 set by the helpers units call: 0, JIT_EVENT_DONE or JIT_EVENT_FAULT
export const JIT_THRESHOLD: usize = 0x390; // i32: entries before an address is translated; < 0 off
export const JIT_QUEUE_LENGTH: usize = 0x394; // u32: hot addresses waiting in JIT_QUEUE
export const JIT_EXECUTED: usize = 0x3a0; // u64: instructions retired in translated code, ever
export const JIT_LOCKSTEP: usize = 0x3a8; // i32: nonzero runs every unit against the interpreter
export const JIT_CONSUMED: usize = 0x3ac; // i32: budget the last run() used
export const JIT_DIFF_PC: usize = 0x3b0; // u64: after STOP_DIFF, pc of the unit that disagreed
export const JIT_CALLS: usize = 0x3b8; // u64: calls into translated code, ever
export const JIT_INVALIDATIONS: usize = 0x3c0; // u64: pages whose units a write dropped, ever
export const JIT_EVENT_DONE: i32 = 1; // a device was accessed, the instruction completed
export const JIT_EVENT_FAULT: i32 = 2; // the instruction faulted (or reached a missing page)
// Lock-step checking (JIT_LOCKSTEP): the state before a unit, the state it left, and a journal of
// the RAM it stored to (host address, old doubleword, new doubleword), so the interpreter can
// replay it and be compared.
export const STATE_BYTES: usize = STOP_ON_STORE;
export const LOCKSTEP_BEFORE: usize = 0x380000;
export const LOCKSTEP_AFTER: usize = 0x381000;
// Host addresses entered JIT_THRESHOLD times, for the host to translate (its entry is JIT_NEVER
// meanwhile, so it is queued once).
export const JIT_QUEUE: usize = 0x380800;
export const JIT_QUEUE_ENTRIES: u32 = 256;
export const JOURNAL: usize = 0x382000;
export const JOURNAL_ENTRY: usize = 24;
export const JOURNAL_ENTRIES: u32 = 0x3e000 / 24;
// One byte per function-table slot, set when the hart calls the unit there: the code cache's
// eviction passes over units used since its last pass (jit/code-cache.ts, a clock).
export const JIT_USED: usize = 0x3c0000;

// ---- guest RAM in linear memory
export const RAM: usize = 0x400000;

// ---- time
export const MTIME: usize = 0x348; // the last time value read from the host (ticks of the timebase)
