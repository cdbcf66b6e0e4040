// An NS16550A UART (the virt board's serial port at 0x1000_0000): transmit is instantaneous, so
// the transmitter is always empty; received bytes wait in a FIFO, and what does not fit waits
// on the host's side until the guest reads (flow control, as a wire with RTS/CTS would do).
// Registers per the National Semiconductor PC16550D datasheet.
import type { MmioDevice } from '../bus.js';
import { InputQueue, type InputQueueState } from './input-queue.js';
import { StateReader } from './state-error.js';

const IER_RDI = 1; // received data available
const IER_THRI = 2; // transmitter holding register empty
const IER_RLSI = 4; // receiver line status
const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const LCR_DLAB = 0x80;
const MCR_LOOP = 0x10;
const IIR_NONE = 0x01;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_FIFO = 0xc0;
const RX_CAPACITY = 4096;

export interface Uart16550State {
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  fcr: number;
  divisor: number;
  /** A THRE interrupt is owed. */
  thrPending: boolean;
  /** The receive FIFO, oldest byte first. */
  rx: Uint8Array;
  /** Input that has not reached the FIFO yet. */
  backlog: InputQueueState;
}

export class Uart16550 implements MmioDevice {
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private divisor = 1;
  private thrPending = false; // a THRE interrupt is owed (cleared by reading IIR or writing THR)
  private rx: number[] = [];
  /** Input that has not reached the FIFO yet (bounded: see InputQueue). */
  private readonly backlog = new InputQueue();

  constructor(
    private readonly onTransmit: (byte: number) => void,
    private readonly onIrq: (level: boolean) => void,
  ) {}

  /**
   * Bytes from the host's keyboard, passed to the guest as it reads; returns how many were taken
   * (fewer only when INPUT_QUEUE_BYTES are already waiting).
   */
  receive(bytes: Uint8Array): number {
    const accepted = this.backlog.push(bytes);
    this.refill();
    this.update();
    return accepted;
  }

  /** Moves waiting input into the FIFO as far as it has room. */
  private refill(): void {
    while (this.backlog.length > 0 && this.rx.length < RX_CAPACITY) {
      const bytes = this.backlog.peek(RX_CAPACITY - this.rx.length);
      for (const byte of bytes) this.rx.push(byte);
      this.backlog.drop(bytes.length);
    }
  }

  private interruptId(): number {
    if (this.ier & IER_RDI && this.rx.length > 0) return IIR_RDI;
    if (this.ier & IER_THRI && this.thrPending) return IIR_THRI;
    return IIR_NONE;
  }

  private update(): void {
    this.onIrq(this.interruptId() !== IIR_NONE);
  }

  read(offset: number): number {
    const dlab = this.lcr & LCR_DLAB;
    switch (offset) {
      case 0: {
        if (dlab) return this.divisor & 0xff;
        const byte = this.rx.shift() ?? 0;
        if (this.backlog.length > 0) this.refill();
        this.update();
        return byte;
      }
      case 1:
        return dlab ? (this.divisor >> 8) & 0xff : this.ier;
      case 2: {
        const id = this.interruptId();
        if (id === IIR_THRI) {
          this.thrPending = false;
          this.update();
        }
        return id | (this.fcr & 1 ? IIR_FIFO : 0);
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5:
        return (this.rx.length > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
      case 6:
        // CTS, DSR and DCD asserted (or their loopback equivalents).
        return this.mcr & MCR_LOOP ? ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x03) << 4) : 0xb0;
      case 7:
        return this.scr;
    }
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    const dlab = this.lcr & LCR_DLAB;
    value &= 0xff;
    switch (offset) {
      case 0:
        if (dlab) {
          this.divisor = (this.divisor & 0xff00) | value;
          return;
        }
        if (this.mcr & MCR_LOOP) this.rx.push(value);
        else this.onTransmit(value);
        this.thrPending = true; // sent at once: the holding register is empty again
        break;
      case 1:
        if (dlab) {
          this.divisor = (this.divisor & 0xff) | (value << 8);
          return;
        }
        // Enabling THRI while the holding register is empty raises it at once.
        if (value & IER_THRI && !(this.ier & IER_THRI)) this.thrPending = true;
        this.ier = value & (IER_RDI | IER_THRI | IER_RLSI | 8);
        break;
      case 2:
        this.fcr = value & 0xc9;
        if (value & 2) {
          this.rx.length = 0; // clear receive FIFO; input still on its way arrives after
          this.refill();
        }
        break;
      case 3:
        this.lcr = value;
        return;
      case 4:
        this.mcr = value & 0x1f;
        break;
      case 7:
        this.scr = value;
        return;
      default:
        return;
    }
    this.update();
  }

  saveState(): Uart16550State {
    return {
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      scr: this.scr,
      fcr: this.fcr,
      divisor: this.divisor,
      thrPending: this.thrPending,
      rx: Uint8Array.from(this.rx),
      backlog: this.backlog.saveState(),
    };
  }

  /** Takes a saved state (all checked before any is taken) and drives the line to match it. */
  restoreState(state: Uart16550State): void {
    const r = new StateReader('uart16550', state);
    const checked: Uart16550State = {
      ier: r.integer('ier', 0, IER_RDI | IER_THRI | IER_RLSI | 8),
      lcr: r.integer('lcr', 0, 0xff),
      mcr: r.integer('mcr', 0, 0x1f),
      scr: r.integer('scr', 0, 0xff),
      fcr: r.integer('fcr', 0, 0xff),
      divisor: r.integer('divisor', 0, 0xffff),
      thrPending: r.boolean('thrPending'),
      rx: r.bytes('rx', RX_CAPACITY),
      backlog: this.backlog.readState(r.object('backlog')),
    };
    this.ier = checked.ier;
    this.lcr = checked.lcr;
    this.mcr = checked.mcr;
    this.scr = checked.scr;
    this.fcr = checked.fcr;
    this.divisor = checked.divisor;
    this.thrPending = checked.thrPending;
    this.rx = [...checked.rx];
    this.backlog.restoreState(checked.backlog);
    this.update();
  }
}
