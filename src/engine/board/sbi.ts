// The Supervisor Binary Interface, implemented by the host instead of M-mode firmware
// (RISC-V SBI specification v2.0): the kernel's ecalls from S-mode arrive here.
// Registers: a7 = extension ID, a6 = function ID, a0..a5 = arguments; a0 = error, a1 = value.
import type { Hart } from '../hart.js';

const SUCCESS = 0n;
const ERR_FAILED = -1n;
const ERR_NOT_SUPPORTED = -2n;
const ERR_INVALID_PARAM = -3n;
const ERR_ALREADY_AVAILABLE = -6n;

const EXT_BASE = 0x10;
const EXT_TIME = 0x54494d45;
const EXT_IPI = 0x735049;
const EXT_RFENCE = 0x52464e43;
const EXT_HSM = 0x48534d;
const EXT_SRST = 0x53525354;
const EXT_DBCN = 0x4442434e;
// Legacy extensions (SBI v0.1), still used by early consoles.
const LEGACY_SET_TIMER = 0x00;
const LEGACY_PUTCHAR = 0x01;
const LEGACY_GETCHAR = 0x02;
const LEGACY_SHUTDOWN = 0x08;

const IMPLEMENTATION_ID = 0x4c54n; // not a registered ID: "LT"
const IRQ_SSI = 1n << 1n;

export interface SbiHost {
  /** Console output through the SBI console (early boot, hvc via SBI). */
  write(data: Uint8Array): void;
  /** One byte of console input, or -1. */
  readByte(): number;
  /** System reset: shutdown (0), cold reboot (1) or warm reboot (2). */
  reset(type: number, reason: number): void;
}

export class Sbi {
  constructor(
    private readonly hart: Hart,
    private readonly host: SbiHost,
  ) {}

  /** Handles the ecall the hart stopped at, and moves the hart past it. */
  handle(): void {
    const h = this.hart;
    const eid = Number(h.x(17));
    const fid = Number(h.x(16));
    const arg = (i: number) => h.x(10 + i);
    let error = SUCCESS;
    let value = 0n;
    let legacy = false;
    switch (eid) {
      case EXT_BASE:
        switch (fid) {
          case 0:
            value = 2n << 24n;
            break; // specification version 2.0
          case 1:
            value = IMPLEMENTATION_ID;
            break;
          case 2:
            value = 1n;
            break;
          case 3:
            value = this.probe(Number(arg(0))) ? 1n : 0n;
            break;
          case 4:
          case 5:
          case 6:
            value = 0n;
            break; // mvendorid, marchid, mimpid
          default:
            error = ERR_NOT_SUPPORTED;
        }
        break;
      case EXT_TIME:
        if (fid === 0) this.setTimer(arg(0));
        else error = ERR_NOT_SUPPORTED;
        break;
      case LEGACY_SET_TIMER:
        legacy = true;
        this.setTimer(arg(0));
        break;
      case EXT_IPI:
        if (fid === 0) error = this.sendIpi(arg(0), arg(1));
        else error = ERR_NOT_SUPPORTED;
        break;
      case EXT_RFENCE:
        // One hart: every remote fence is a local one.
        if (fid <= 6) h.flushTranslations();
        else error = ERR_NOT_SUPPORTED;
        break;
      case EXT_HSM:
        switch (fid) {
          case 0:
            error = arg(0) === 0n ? ERR_ALREADY_AVAILABLE : ERR_INVALID_PARAM;
            break; // hart_start
          case 1:
            error = ERR_FAILED;
            break; // hart_stop: the only hart cannot stop
          case 2:
            if (arg(0) === 0n) value = 0n;
            else error = ERR_INVALID_PARAM;
            break; // STARTED
          case 3:
            break; // hart_suspend (retentive): returning at once is allowed
          default:
            error = ERR_NOT_SUPPORTED;
        }
        break;
      case EXT_SRST:
        if (fid === 0 && arg(0) <= 2n) this.host.reset(Number(arg(0)), Number(arg(1)));
        else error = fid === 0 ? ERR_INVALID_PARAM : ERR_NOT_SUPPORTED;
        break;
      case EXT_DBCN:
        switch (fid) {
          case 0: {
            // console_write(num_bytes, base_lo, base_hi)
            const bytes = h.readPhysical(Number(arg(1)) + Number(arg(2)) * 2 ** 32, Number(arg(0)));
            if (bytes) {
              this.host.write(bytes.slice());
              value = arg(0);
            } else error = ERR_INVALID_PARAM;
            break;
          }
          case 1: {
            // console_read
            const target = h.readPhysical(
              Number(arg(1)) + Number(arg(2)) * 2 ** 32,
              Number(arg(0)),
            );
            if (!target) {
              error = ERR_INVALID_PARAM;
              break;
            }
            let n = 0;
            for (
              let c = this.host.readByte();
              c >= 0 && n < target.length;
              c = n < target.length ? this.host.readByte() : -1
            )
              target[n++] = c;
            value = BigInt(n);
            break;
          }
          case 2:
            this.host.write(Uint8Array.of(Number(arg(0) & 0xffn)));
            break;
          default:
            error = ERR_NOT_SUPPORTED;
        }
        break;
      case LEGACY_PUTCHAR:
        legacy = true;
        this.host.write(Uint8Array.of(Number(arg(0) & 0xffn)));
        break;
      case LEGACY_GETCHAR:
        legacy = true;
        error = BigInt(this.host.readByte());
        break;
      case LEGACY_SHUTDOWN:
        legacy = true;
        this.host.reset(0, 0);
        break;
      default:
        error = ERR_NOT_SUPPORTED;
    }
    h.setX(10, error);
    if (!legacy) h.setX(11, value); // legacy calls return only a0
    h.pc += 4n;
  }

  private probe(extension: number): boolean {
    return [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN].includes(
      extension,
    );
  }

  /** The hart has Sstc: the SBI timer is stimecmp, so STIP follows it in hardware. */
  private setTimer(when: bigint): void {
    this.hart.setSlot(this.hart.layout.STIMECMP, when);
  }

  private sendIpi(mask: bigint, base: bigint): bigint {
    const all = base === -1n || base === (1n << 64n) - 1n;
    if (all || (base === 0n && (mask & 1n) !== 0n)) {
      this.hart.setSlot(this.hart.layout.MIP, this.hart.slot(this.hart.layout.MIP) | IRQ_SSI);
    }
    return SUCCESS;
  }
}
