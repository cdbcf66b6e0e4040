// The A extension: LR, SC and the AMOs, on one hart (unprivileged ISA, "A" Extension). The
// reservation is a physical doubleword in the state region; any store to it breaks it.
import * as L from './layout';
import { Op } from './ops';
import { getX, setX, CAUSE_LOAD_MISALIGNED, CAUSE_STORE_MISALIGNED } from './state';
import { fault, raiseFault, amoHost, loadPhys, evictWrite, hostOf } from './mmu';
import { sext32 } from './alu';

/** LR, SC and the AMOs (A extension). Returns false if it raised an exception. */
export function atomic(op: i32, rd: u32, rs1: u32, rs2: u32): bool {
  const va = getX(rs1);
  const word = op <= Op.AMOMAXU_W;
  const size: u32 = word ? 4 : 8;
  const kind = op - (word ? Op.LR_W : Op.LR_D); // 0 LR, 1 SC, 2.. AMOs in ops.ts order
  if ((va & (size - 1)) != 0) {
    // Misaligned atomics raise address-misaligned (LR as a load, SC and AMOs as stores).
    raiseFault(kind == 0 ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED, va);
    return false;
  }
  if (kind == 0) {
    const pa = loadPhys(va, size);
    if (fault) return false;
    const v = word ? sext32(<u64>load<u32>(hostOf(pa))) : load<u64>(hostOf(pa));
    store<u64>(L.RESERVATION, pa);
    store<u64>(L.RESERVATION_VALID, 1);
    evictWrite(va); // later stores to this page take the slow path, which breaks the reservation
    setX(rd, v);
    return true;
  }
  const host = amoHost(va, size);
  if (fault) return false;
  if (kind == 1) {
    const ok = load<u64>(L.RESERVATION_VALID) != 0 && hostOf(load<u64>(L.RESERVATION)) == host;
    store<u64>(L.RESERVATION_VALID, 0);
    if (ok) {
      if (word) store<u32>(host, <u32>getX(rs2));
      else store<u64>(host, getX(rs2));
    }
    setX(rd, ok ? 0 : 1);
    return true;
  }
  // Any store to the reserved doubleword breaks the reservation, AMOs included.
  if (load<u64>(L.RESERVATION_VALID) != 0 && (hostOf(load<u64>(L.RESERVATION)) & ~7) == (host & ~7)) {
    store<u64>(L.RESERVATION_VALID, 0);
  }
  const b = getX(rs2);
  if (word) {
    const old = load<i32>(host);
    const bw = <i32>b;
    let nv: i32;
    switch (kind) {
      case 2: nv = bw; break;
      case 3: nv = old + bw; break;
      case 4: nv = old ^ bw; break;
      case 5: nv = old & bw; break;
      case 6: nv = old | bw; break;
      case 7: nv = old < bw ? old : bw; break;
      case 8: nv = old > bw ? old : bw; break;
      case 9: nv = <u32>old < <u32>bw ? old : bw; break;
      default: nv = <u32>old > <u32>bw ? old : bw; break;
    }
    store<i32>(host, nv);
    setX(rd, <u64><i64>old);
  } else {
    const old = load<u64>(host);
    let nv: u64;
    switch (kind) {
      case 2: nv = b; break;
      case 3: nv = old + b; break;
      case 4: nv = old ^ b; break;
      case 5: nv = old & b; break;
      case 6: nv = old | b; break;
      case 7: nv = <i64>old < <i64>b ? old : b; break;
      case 8: nv = <i64>old > <i64>b ? old : b; break;
      case 9: nv = old < b ? old : b; break;
      default: nv = old > b ? old : b; break;
    }
    store<u64>(host, nv);
    setX(rd, old);
  }
  return true;
}

