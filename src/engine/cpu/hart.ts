// The RV64GC hart: reset, and run(budget), the interpreter loop. Fetch goes through a per-page
// cache, decode through a cache of decoded entries (decode.ts), and memory through the TLB fast
// paths (mmu.ts). Everything slow (traps, CSRs, interrupts, devices) leaves the hot loop.
import * as L from './layout';
import { Op } from './ops';
import { decode } from './decode';
import {
  getX, setX, getF, setF, csr, setCsr, priv, U, S, M,
  MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR,
  CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_ECALL_U, CAUSE_LOAD_MISALIGNED, CAUSE_STORE_MISALIGNED,
} from './state';
import {
  fault, faultCause, faultTval, event, yieldRequested, missing, missingAddress, clearEvents, setRam,
  flushTlb, updateKeys, fetchPage, load8, load16, load32, load64, store8, store16, store32, store64,
  deviceAccesses, setJournaling, undoJournal, journalResults, journalResultsHold, setEvents,
  missing as pageMissing,
} from './mmu';
import { mulhu, sext32 } from './alu';
import { atomic } from './atomic';
import { csrRead, csrWrite, readValue, fpEnabled, setFsDirty, now } from './csr';
import { takeTrap, mret, sret, pendingInterrupt, wfiWakes } from './trap';
import { execFp, writeS } from './fpu';

export {
  X_REGS, F_REGS, PC, PRIV, MSTATUS, MIP_LINES, MTIME, STIMECMP, INSTRET, STOP_ON_STORE, HOST_CALLS,
  MMIO_DATA, RAM_BASE_SLOT, RAM_SIZE_SLOT, STOP_CAUSE, STOP_VALUE, DECODE_SCRATCH, RAM, MHARTID,
  MCAUSE, MEPC, MTVAL, SATP, FCSR, MEDELEG, MIDELEG, MCOUNTEREN, SCOUNTEREN, MENVCFG, MIP, MIE,
  PMPCFG, PMP_END, PAGE_MAP, JIT_TABLE, JIT_ENTRIES, JIT_DATA_KEY, JIT_RETIRED, JIT_EVENT,
  JIT_THRESHOLD, JIT_QUEUE_LENGTH, JIT_QUEUE, JIT_EXECUTED, JIT_LOCKSTEP, JIT_CONSUMED, JIT_DIFF_PC, JIT_CALLS, JIT_INVALIDATIONS, JIT_USED,
  TLB_READ, TLB_WRITE, LOCKSTEP_BEFORE, LOCKSTEP_AFTER,
} from './layout';
export { clearDirty, dropUnits, protectCode } from './mmu';
export { jitLoad, jitStore, jitFp, jitAtomic, jitMulh } from './unit-runtime';

/** Why run() returned. */
export const STOP_BUDGET: i32 = 0; // the instruction budget is spent
export const STOP_WFI: i32 = 1; // WFI with no interrupt pending: the host may sleep until one is
export const STOP_YIELD: i32 = 2; // a device or a watched store asked for the host (e.g. tohost)
export const STOP_HOST_CALL: i32 = 3; // ecall from S-mode with HOST_CALLS set; pc is at the ecall
// An access reached a page the page map marks MISSING: STOP_VALUE holds its guest-physical address.
// pc is at the instruction, which had no effect and did not retire: once the host has filled the
// page, run() executes it again.
export const STOP_PAGE_MISSING: i32 = 4;
// With a translation threshold of zero, an address was entered and queued (JIT_QUEUE): the host
// translates it and calls run() again with what is left of the budget (JIT_CONSUMED was used).
// pc is at that address, which has not run yet.
export const STOP_TRANSLATE: i32 = 5;
// Lock-step checking found a unit that left a different state than the interpreter does from the
// same state: LOCKSTEP_AFTER holds the unit's, the state region the interpreter's; JIT_DIFF_PC the
// unit's first pc. pc is the interpreter's.
export const STOP_DIFF: i32 = 6;

/**
 * Resets the hart: M-mode at `pc`, registers zero, caches empty. RAM_BASE_SLOT/RAM_SIZE_SLOT must
 * be set. The page map is the host's and stays as it is.
 */
export function reset(pcLo: u32, pcHi: u32): void {
  // Registers, pc, CSRs, the reservation and PMP; the host's configuration slots stay.
  memory.fill(0, 0, L.STOP_ON_STORE);
  memory.fill(L.PMPCFG, 0, L.DECODE_SCRATCH - L.PMPCFG);
  setRam(load<u64>(L.RAM_BASE_SLOT), load<u64>(L.RAM_SIZE_SLOT));
  store<u64>(L.PC, (<u64>pcHi << 32) | pcLo);
  store<u32>(L.PRIV, M);
  flushTlb();
  memory.fill(L.DECODE_CACHE, 0, <usize>L.DECODE_ENTRIES << 4);
  dropAllUnits();
  updateKeys();
}

/** Forgets every translated unit and every page's code mark (RAM was replaced). */
export function dropAllUnits(): void {
  memory.fill(L.JIT_TABLE, 0, <usize>L.JIT_ENTRIES << 3);
  const pages = <usize>(load<u64>(L.RAM_SIZE_SLOT) >> 12);
  for (let k: usize = 0; k < pages; k++) {
    const at = L.PAGE_MAP + k;
    store<u8>(at, load<u8>(at) & ~L.PAGE_CODE);
  }
}

/**
 * Brings the wasm globals that mirror the state region (RAM placement, the TLB keys) back in line
 * after the host wrote it (a restored state, a privilege set directly), and empties the caches.
 * Every other global (fault and event flags, FP flags, scratch results) lives only within one
 * instruction or one run().
 */
export function resume(): void {
  setRam(load<u64>(L.RAM_BASE_SLOT), load<u64>(L.RAM_SIZE_SLOT));
  flushTlb();
  memory.fill(L.DECODE_CACHE, 0, <usize>L.DECODE_ENTRIES << 4);
  dropAllUnits();
  updateKeys();
}

/** Decodes `raw` into DECODE_SCRATCH (for the host's disassembler and tests). */
export function decodeInto(raw: u32): void {
  decode(raw, L.DECODE_SCRATCH);
}

/** Drops every cached translation (SBI remote fences from the host). */
export function flushTranslations(): void {
  flushTlb();
}

/**
 * Executes up to `budget` instructions. Returns a STOP_* reason; the pc and all state are in
 * linear memory for the host to inspect.
 */
export function run(budget: i32): i32 {
  let pc = load<u64>(L.PC);
  let n = budget;
  let counted: i32 = 0; // instructions already added to INSTRET
  let traps: i32 = 0; // instructions that trapped or reached a missing page (they do not retire)
  let fetchVpn: u64 = ~<u64>0;
  let fetchBase: usize = 0;
  let reason = STOP_BUDGET;
  // The translator (src/engine/jit/): an address reached other than by falling through (a jump, a
  // taken branch, a trap, a unit's return) is a block entry; entries are counted by host address
  // and run translated code once the host has translated them.
  const threshold = replaying ? -1 : load<i32>(L.JIT_THRESHOLD);
  const lockstep = load<i32>(L.JIT_LOCKSTEP) != 0;
  let lastNext: u64 = ~<u64>0; // where the previous instruction would fall through to
  clearEvents();
  now(); // the timer interrupt (Sstc) is evaluated against the current time
  while (true) {
    // ---- between blocks: interrupts and requests from the host
    const irq = replaying ? 0 : pendingInterrupt();
    if (irq != 0) {
      pc = takeTrap(irq, 0, pc);
      fetchVpn = ~<u64>0;
    }
    if (n <= 0) break;
    let recheck = false;
    while (n > 0) {
      n--;
      // ---- fetch
      const vpn = pc >> 12;
      if (vpn != fetchVpn) {
        const base = fetchPage(pc);
        if (fault) {
          traps++;
          if (missing) reason = STOP_PAGE_MISSING;
          else pc = takeTrap(faultCause, faultTval, pc);
          clearEvents();
          recheck = true;
          break;
        }
        fetchVpn = vpn;
        fetchBase = base;
      }
      const off = <usize>pc & 0xfff;
      const host = fetchBase + off;
      if (threshold >= 0 && pc != lastNext) {
        // ---- a block entry: translated code, or one more entry counted
        const entry = jitEntry(<u32>host);
        let value = load<i32>(entry, 4);
        if (value > 0) {
          n++; // the unit counts its own instructions
          store<i32>(L.JIT_RETIRED, 0);
          const before = pc;
          const devices = deviceAccesses;
          if (lockstep) {
            store<u64>(L.PC, pc); // run() keeps pc in a local; the replay starts from memory
            memory.copy(L.LOCKSTEP_BEFORE, 0, L.STATE_BYTES);
            setJournaling(true);
          }
          // A unit runs at most n instructions (more only to finish a block) and returns the pc
          // to go on from; the registers and CSRs are in linear memory again when it returns.
          pc = call_indirect<u64>(<u32>value, pc, lockstep && n > 256 ? 256 : n);
          const retired = load<i32>(L.JIT_RETIRED);
          n -= retired;
          store<u64>(L.JIT_EXECUTED, load<u64>(L.JIT_EXECUTED) + <u64>retired);
          store<u64>(L.JIT_CALLS, load<u64>(L.JIT_CALLS) + 1);
          store<u8>(L.JIT_USED + <usize>value, 1);
          fetchVpn = ~<u64>0;
          lastNext = ~<u64>0;
          if (lockstep) {
            setJournaling(false);
            if (deviceAccesses == devices && !replayAgrees(before, pc, retired)) {
              store<u64>(L.JIT_DIFF_PC, before);
              reason = STOP_DIFF;
              pc = load<u64>(L.PC);
              break;
            }
          }
          if (event) {
            // The instruction after the last retired one reached a device, faulted, or stopped
            // for a missing page: handled as after an interpreted instruction.
            recheck = true;
            if (yieldRequested) reason = STOP_YIELD;
            if (fault) {
              n--;
              traps++;
              if (pageMissing) reason = STOP_PAGE_MISSING;
              else pc = takeTrap(faultCause, faultTval, pc);
            }
            clearEvents();
            break;
          }
          continue;
        }
        if (value != L.JIT_NEVER) {
          value--;
          store<i32>(entry, value, 4);
          const queued = load<u32>(L.JIT_QUEUE_LENGTH);
          if (-value > threshold && queued < L.JIT_QUEUE_ENTRIES) {
            // Hot: queued for the host, which translates between slices; with a threshold of
            // zero it translates at once and run() goes on from here afterwards.
            store<u32>(L.JIT_QUEUE + (<usize>queued << 2), <u32>host);
            store<u32>(L.JIT_QUEUE_LENGTH, queued + 1);
            store<i32>(entry, L.JIT_NEVER, 4); // until the host stores the unit
            if (threshold == 0) {
              n++;
              reason = STOP_TRANSLATE;
              break;
            }
          }
        }
      }
      let raw = load<u32>(host);
      if ((raw & 3) != 3) raw &= 0xffff;
      else if (off == 0xffe) {
        // A 4-byte instruction split over two pages: the upper half comes from the next page.
        const next = fetchPage(pc + 2);
        if (fault) {
          traps++;
          if (missing) reason = STOP_PAGE_MISSING;
          else pc = takeTrap(faultCause, pc + 2, pc);
          clearEvents();
          fetchVpn = ~<u64>0;
          recheck = true;
          break;
        }
        raw = (raw & 0xffff) | (<u32>load<u16>(next) << 16);
        fetchVpn = ~<u64>0; // fetchPage replaced the cached page
      }
      // ---- decode (cached by host address, validated by the raw bits)
      const e = L.DECODE_CACHE + (((host >> 1) & (L.DECODE_ENTRIES - 1)) << 4);
      if (load<u32>(e) != raw) decode(raw, e);
      const w0 = load<u64>(e);
      const w1 = load<u64>(e, 8);
      const op = <i32>(w0 >> 32) & 0xff;
      const rd = <u32>(w0 >> 40) & 31;
      const rs1 = <u32>(w0 >> 48) & 31;
      const rs2 = <u32>(w0 >> 56) & 31;
      const imm = <u64><i64><i32>(w1 >> 32);
      const next = pc + ((w1 >> 16) & 0xff);
      lastNext = next;
      // ---- execute
      switch (op) {
        case Op.LUI: setX(rd, imm); pc = next; break;
        case Op.AUIPC: setX(rd, pc + imm); pc = next; break;
        case Op.JAL: setX(rd, next); pc = pc + imm; break;
        case Op.JALR: { const t = (getX(rs1) + imm) & ~<u64>1; setX(rd, next); pc = t; break; }
        case Op.BEQ: pc = getX(rs1) == getX(rs2) ? pc + imm : next; break;
        case Op.BNE: pc = getX(rs1) != getX(rs2) ? pc + imm : next; break;
        case Op.BLT: pc = <i64>getX(rs1) < <i64>getX(rs2) ? pc + imm : next; break;
        case Op.BGE: pc = <i64>getX(rs1) >= <i64>getX(rs2) ? pc + imm : next; break;
        case Op.BLTU: pc = getX(rs1) < getX(rs2) ? pc + imm : next; break;
        case Op.BGEU: pc = getX(rs1) >= getX(rs2) ? pc + imm : next; break;
        case Op.LB: { const v = load8(getX(rs1) + imm); if (event && fault) break; setX(rd, <u64><i64><i8>v); pc = next; break; }
        case Op.LH: { const v = load16(getX(rs1) + imm); if (event && fault) break; setX(rd, <u64><i64><i16>v); pc = next; break; }
        case Op.LW: { const v = load32(getX(rs1) + imm); if (event && fault) break; setX(rd, sext32(v)); pc = next; break; }
        case Op.LD: { const v = load64(getX(rs1) + imm); if (event && fault) break; setX(rd, v); pc = next; break; }
        case Op.LBU: { const v = load8(getX(rs1) + imm); if (event && fault) break; setX(rd, v); pc = next; break; }
        case Op.LHU: { const v = load16(getX(rs1) + imm); if (event && fault) break; setX(rd, v); pc = next; break; }
        case Op.LWU: { const v = load32(getX(rs1) + imm); if (event && fault) break; setX(rd, v); pc = next; break; }
        case Op.SB: store8(getX(rs1) + imm, getX(rs2)); if (event && fault) break; pc = next; break;
        case Op.SH: store16(getX(rs1) + imm, getX(rs2)); if (event && fault) break; pc = next; break;
        case Op.SW: store32(getX(rs1) + imm, getX(rs2)); if (event && fault) break; pc = next; break;
        case Op.SD: store64(getX(rs1) + imm, getX(rs2)); if (event && fault) break; pc = next; break;
        case Op.ADDI: setX(rd, getX(rs1) + imm); pc = next; break;
        case Op.SLTI: setX(rd, <i64>getX(rs1) < <i64>imm ? 1 : 0); pc = next; break;
        case Op.SLTIU: setX(rd, getX(rs1) < imm ? 1 : 0); pc = next; break;
        case Op.XORI: setX(rd, getX(rs1) ^ imm); pc = next; break;
        case Op.ORI: setX(rd, getX(rs1) | imm); pc = next; break;
        case Op.ANDI: setX(rd, getX(rs1) & imm); pc = next; break;
        case Op.SLLI: setX(rd, getX(rs1) << imm); pc = next; break;
        case Op.SRLI: setX(rd, getX(rs1) >> imm); pc = next; break;
        case Op.SRAI: setX(rd, <u64>(<i64>getX(rs1) >> <i64>imm)); pc = next; break;
        case Op.ADD: setX(rd, getX(rs1) + getX(rs2)); pc = next; break;
        case Op.SUB: setX(rd, getX(rs1) - getX(rs2)); pc = next; break;
        case Op.SLL: setX(rd, getX(rs1) << (getX(rs2) & 63)); pc = next; break;
        case Op.SLT: setX(rd, <i64>getX(rs1) < <i64>getX(rs2) ? 1 : 0); pc = next; break;
        case Op.SLTU: setX(rd, getX(rs1) < getX(rs2) ? 1 : 0); pc = next; break;
        case Op.XOR: setX(rd, getX(rs1) ^ getX(rs2)); pc = next; break;
        case Op.SRL: setX(rd, getX(rs1) >> (getX(rs2) & 63)); pc = next; break;
        case Op.SRA: setX(rd, <u64>(<i64>getX(rs1) >> <i64>(getX(rs2) & 63))); pc = next; break;
        case Op.OR: setX(rd, getX(rs1) | getX(rs2)); pc = next; break;
        case Op.AND: setX(rd, getX(rs1) & getX(rs2)); pc = next; break;
        case Op.ADDIW: setX(rd, sext32(getX(rs1) + imm)); pc = next; break;
        case Op.SLLIW: setX(rd, sext32(<u64>(<u32>getX(rs1) << <u32>imm))); pc = next; break;
        case Op.SRLIW: setX(rd, sext32(<u64>(<u32>getX(rs1) >> <u32>imm))); pc = next; break;
        case Op.SRAIW: setX(rd, <u64><i64>(<i32>getX(rs1) >> <i32>imm)); pc = next; break;
        case Op.ADDW: setX(rd, sext32(getX(rs1) + getX(rs2))); pc = next; break;
        case Op.SUBW: setX(rd, sext32(getX(rs1) - getX(rs2))); pc = next; break;
        case Op.SLLW: setX(rd, sext32(<u64>(<u32>getX(rs1) << (<u32>getX(rs2) & 31)))); pc = next; break;
        case Op.SRLW: setX(rd, sext32(<u64>(<u32>getX(rs1) >> (<u32>getX(rs2) & 31)))); pc = next; break;
        case Op.SRAW: setX(rd, <u64><i64>(<i32>getX(rs1) >> (<i32>getX(rs2) & 31))); pc = next; break;
        // ---- M
        case Op.MUL: setX(rd, getX(rs1) * getX(rs2)); pc = next; break;
        case Op.MULH: {
          const a = getX(rs1), b = getX(rs2);
          let h = mulhu(a, b);
          if (<i64>a < 0) h -= b;
          if (<i64>b < 0) h -= a;
          setX(rd, h); pc = next; break;
        }
        case Op.MULHSU: {
          const a = getX(rs1), b = getX(rs2);
          let h = mulhu(a, b);
          if (<i64>a < 0) h -= b;
          setX(rd, h); pc = next; break;
        }
        case Op.MULHU: setX(rd, mulhu(getX(rs1), getX(rs2))); pc = next; break;
        case Op.DIV: {
          const a = <i64>getX(rs1), b = <i64>getX(rs2);
          // Division by zero gives all ones; the one overflowing case gives the dividend.
          setX(rd, b == 0 ? ~<u64>0 : (b == -1 && a == i64.MIN_VALUE) ? <u64>a : <u64>(a / b));
          pc = next; break;
        }
        case Op.DIVU: { const b = getX(rs2); setX(rd, b == 0 ? ~<u64>0 : getX(rs1) / b); pc = next; break; }
        case Op.REM: {
          const a = <i64>getX(rs1), b = <i64>getX(rs2);
          setX(rd, b == 0 ? <u64>a : (b == -1 && a == i64.MIN_VALUE) ? 0 : <u64>(a % b));
          pc = next; break;
        }
        case Op.REMU: { const b = getX(rs2); setX(rd, b == 0 ? getX(rs1) : getX(rs1) % b); pc = next; break; }
        case Op.MULW: setX(rd, sext32(getX(rs1) * getX(rs2))); pc = next; break;
        case Op.DIVW: {
          const a = <i32>getX(rs1), b = <i32>getX(rs2);
          setX(rd, b == 0 ? ~<u64>0 : (b == -1 && a == i32.MIN_VALUE) ? <u64><i64>a : <u64><i64>(a / b));
          pc = next; break;
        }
        case Op.DIVUW: {
          const a = <u32>getX(rs1), b = <u32>getX(rs2);
          setX(rd, b == 0 ? ~<u64>0 : sext32(<u64>(a / b)));
          pc = next; break;
        }
        case Op.REMW: {
          const a = <i32>getX(rs1), b = <i32>getX(rs2);
          setX(rd, b == 0 ? <u64><i64>a : (b == -1 && a == i32.MIN_VALUE) ? 0 : <u64><i64>(a % b));
          pc = next; break;
        }
        case Op.REMUW: {
          const a = <u32>getX(rs1), b = <u32>getX(rs2);
          setX(rd, sext32(<u64>(b == 0 ? a : a % b)));
          pc = next; break;
        }
        // ---- misc
        case Op.FENCE: case Op.FENCE_I: pc = next; break; // one hart, and the decode cache checks the raw bits
        // ---- everything else is out of line
        default: {
          if (op >= Op.FLW) {
            if (!fpEnabled()) { raiseIllegal(raw); break; }
            if (op == Op.FLW || op == Op.FLD || op == Op.FSW || op == Op.FSD) {
              if (!fpMemory(op, rd, rs1, rs2, imm)) break;
            } else if (!execFp(op, rd, rs1, rs2, <u32>(w1 & 31), <u32>(w1 >> 8) & 7)) {
              raiseIllegal(raw);
              break;
            }
            pc = next;
            break;
          }
          if (op >= Op.LR_W && op <= Op.AMOMAXU_D) {
            if (atomic(op, rd, rs1, rs2)) pc = next;
            break;
          }
          // System instructions: they may change privilege, translation or interrupt state.
          // CSRs read instret as the count before this instruction; a write to minstret or
          // mcycle replaces this instruction's own increment (unprivileged ISA, Zicntr).
          const before = budget - n - 1 - traps;
          setCsr(L.INSTRET, csr(L.INSTRET) + <u64>(before - counted));
          counted = before;
          const csrNum = <u32>imm & 0xfff;
          const r = system(op, raw, rd, rs1, csrNum, pc, next);
          const writesCounter = (csrNum == 0xb00 || csrNum == 0xb02) && (op == Op.CSRRW || op == Op.CSRRWI || ((op == Op.CSRRS || op == Op.CSRRC || op == Op.CSRRSI || op == Op.CSRRCI) && rs1 != 0));
          if (writesCounter && !fault) counted = before + 1;
          pc = resultPc;
          fetchVpn = ~<u64>0;
          lastNext = ~<u64>0; // what follows a CSR, xRET or fence may start translated code
          recheck = true;
          if (r != STOP_BUDGET) reason = r;
        }
      }
      store<u64>(L.X_REGS, 0); // x0 stays zero whatever was written to it
      if (event) {
        recheck = true; // a fault, a missing page, a request from the host, or a device access
        if (yieldRequested) reason = STOP_YIELD;
        if (fault) {
          traps++;
          if (missing) reason = STOP_PAGE_MISSING; // pc stays: the instruction runs again
          else {
            pc = takeTrap(faultCause, faultTval, pc);
            fetchVpn = ~<u64>0;
          }
        }
        clearEvents();
      }
      if (recheck) break;
    }
    if (reason != STOP_BUDGET) break;
  }
  if (reason == STOP_DIFF) return reason; // the state is the interpreter's, from replayAgrees
  store<u64>(L.PC, pc);
  setCsr(L.INSTRET, csr(L.INSTRET) + <u64>(budget - n - traps - counted));
  if (reason == STOP_PAGE_MISSING) store<u64>(L.STOP_VALUE, missingAddress);
  store<i32>(L.JIT_CONSUMED, budget - n);
  return reason;
}

/**
 * The translator's entry for host address `host`: the way of its bucket that holds it, or else one
 * taken for it (counting from zero), preferring a way without a unit.
 */
@inline function jitEntry(host: u32): usize {
  const bucket = L.jitBucket(host);
  for (let way: usize = 0; way < <usize>L.JIT_WAYS; way++) {
    if (load<u32>(bucket + (way << 3)) == host) return bucket + (way << 3);
  }
  let victim = bucket + (<usize>((host >> 1) & (L.JIT_WAYS - 1)) << 3);
  for (let way: usize = 0; way < <usize>L.JIT_WAYS; way++) {
    if (load<i32>(bucket + (way << 3), 4) <= 0) {
      victim = bucket + (way << 3);
      break;
    }
  }
  store<u32>(victim, host);
  store<i32>(victim, 0, 4);
  return victim;
}

/** Set while the interpreter replays a unit's instructions (no interrupts, no translated code). */
let replaying = false;

/**
 * Lock-step checking of one unit that started at `before` with the state in LOCKSTEP_BEFORE,
 * retired `retired` instructions and left `pc` and the state region (and the events of its last
 * instruction). Undoes its stores, replays the same instructions in the interpreter from the same
 * state, and compares registers, pc, CSRs and the stores' results. If they agree, the machine goes
 * on from the unit's state; if not, the interpreter's state stays for the host to compare.
 */
function replayAgrees(before: u64, pc: u64, retired: i32): bool {
  const unitFault = fault, unitEvent = event, unitYield = yieldRequested, unitMissing = pageMissing;
  const cause = faultCause, tval = faultTval;
  store<u64>(L.PC, pc);
  memory.copy(L.LOCKSTEP_AFTER, 0, L.STATE_BYTES);
  // Note what the unit stored, then put back what was there to replay from the same RAM.
  journalResults();
  undoJournal();
  memory.copy(0, L.LOCKSTEP_BEFORE, L.STATE_BYTES);
  // Walk the page tables again, as the unit's first accesses may have (setting A and D bits).
  flushTlb();
  const instret = csr(L.INSTRET);
  replaying = true;
  if (retired > 0) run(retired);
  replaying = false;
  // run() added the replayed instructions to INSTRET; the unit's state does not count them yet.
  const replayed = csr(L.INSTRET) - instret;
  setCsr(L.INSTRET, instret);
  const agrees = replayed == <u64>retired && sameState() && journalResultsHold();
  if (agrees) memory.copy(0, L.LOCKSTEP_AFTER, L.STATE_BYTES);
  else setCsr(L.INSTRET, instret + replayed);
  setEvents(unitFault, unitEvent, unitYield, unitMissing, cause, tval);
  return agrees;
}

/** Whether the state region equals the one the unit left (LOCKSTEP_AFTER), pc included. */
function sameState(): bool {
  for (let at: usize = 0; at < L.STATE_BYTES; at += 8) {
    if (load<u64>(at) != load<u64>(L.LOCKSTEP_AFTER + at)) return false;
  }
  return true;
}

@inline function raiseIllegal(raw: u32): void {
  raiseException(CAUSE_ILLEGAL, raw);
}

// Synchronous exceptions raised by the executor itself share the memory fault path.
import { raiseFault } from './mmu';
@inline function raiseException(cause: u64, tval: u64): void {
  raiseFault(cause, tval);
}

function fpMemory(op: i32, rd: u32, rs1: u32, rs2: u32, imm: u64): bool {
  const va = getX(rs1) + imm;
  switch (op) {
    case Op.FLW: { const v = load32(va); if (fault) return false; writeS(rd, <u32>v); setFsDirty(); break; }
    case Op.FLD: { const v = load64(va); if (fault) return false; setF(rd, v); setFsDirty(); break; }
    case Op.FSW: store32(va, getF(rs2)); if (fault) return false; break; // the raw low 32 bits, boxed or not
    case Op.FSD: store64(va, getF(rs2)); if (fault) return false; break;
  }
  return true;
}

let resultPc: u64 = 0;

/**
 * CSR access, ecall/ebreak, xRET, WFI, sfence.vma and illegal instructions. Sets `resultPc` and
 * returns a STOP_* reason (STOP_BUDGET to keep running). Exceptions go through raiseException.
 */
function system(op: i32, raw: u32, rd: u32, rs1: u32, csrNum: u32, pc: u64, next: u64): i32 {
  resultPc = next;
  const p = priv();
  const ms = csr(L.MSTATUS);
  switch (op) {
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
      const immediate = op >= Op.CSRRWI;
      const src: u64 = immediate ? <u64>rs1 : getX(rs1);
      const isSwap = op == Op.CSRRW || op == Op.CSRRWI;
      // csrrw with rd=x0 does not read; csrrs/csrrc with rs1=x0 (or uimm 0) do not write.
      let old: u64 = 0;
      if (!isSwap || rd != 0) {
        if (!csrRead(csrNum)) { resultPc = pc; raiseIllegal(raw); return STOP_BUDGET; }
        old = readValue;
      }
      if (isSwap || rs1 != 0) {
        const value = isSwap ? src : (op == Op.CSRRS || op == Op.CSRRSI) ? old | src : old & ~src;
        if (!csrWrite(csrNum, value)) { resultPc = pc; raiseIllegal(raw); return STOP_BUDGET; }
      }
      setX(rd, old);
      return STOP_BUDGET;
    }
    case Op.ECALL: {
      if (p == S && (load<u64>(L.HOST_CALLS) & 1) != 0) {
        resultPc = pc;
        return STOP_HOST_CALL;
      }
      resultPc = pc;
      raiseException(CAUSE_ECALL_U + <u64>p, 0);
      return STOP_BUDGET;
    }
    case Op.EBREAK: resultPc = pc; raiseException(CAUSE_BREAKPOINT, pc); return STOP_BUDGET;
    case Op.MRET: {
      if (p != M) break;
      resultPc = mret();
      return STOP_BUDGET;
    }
    case Op.SRET: {
      if (p == U || (p == S && (ms & MSTATUS_TSR) != 0)) break;
      resultPc = sret();
      return STOP_BUDGET;
    }
    case Op.WFI: {
      if (p == U || (p == S && (ms & MSTATUS_TW) != 0)) break;
      return wfiWakes() ? STOP_BUDGET : STOP_WFI;
    }
    case Op.SFENCE_VMA: {
      if (p == U || (p == S && (ms & MSTATUS_TVM) != 0)) break;
      flushTlb();
      return STOP_BUDGET;
    }
  }
  resultPc = pc;
  raiseIllegal(raw);
  return STOP_BUDGET;
}
