// virtio-console, one port (Virtio 1.2, 5.3 "Console Device"): hvc0 in the guest. Queue 0 carries
// input to the guest, queue 1 output from it. The window size lives in the config space.
import { InputQueue, type InputQueueState } from '../input-queue.js';
import { StateReader } from '../state-error.js';
import type { VirtioDeviceType, VirtioMmio } from './mmio.js';
import { readFromBuffers, writeToBuffers } from './virtqueue.js';

const F_SIZE = 0;

/** The port's side of the console; its queues are in its transport's state. */
export interface VirtioConsoleState {
  cols: number;
  rows: number;
  /** Input the guest has posted no receive buffers for yet. */
  pendingInput: InputQueueState;
}

export class VirtioConsole implements VirtioDeviceType {
  readonly deviceId = 3;
  readonly features = [F_SIZE];
  readonly queueSizes = [64, 64];
  transport!: VirtioMmio;
  private cols = 80;
  private rows = 24;
  /** Input the guest has posted no receive buffers for yet (bounded: see InputQueue). */
  private readonly pendingInput = new InputQueue();

  constructor(private readonly onOutput: (data: Uint8Array) => void) {}

  attach(transport: VirtioMmio): this {
    this.transport = transport;
    return this;
  }

  readConfig(offset: number, size: number): number {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, this.cols, true);
    view.setUint16(2, this.rows, true);
    view.setUint32(4, 1, true); // max_nr_ports
    if (offset + size > bytes.length) return 0;
    return size === 1
      ? bytes[offset]
      : size === 2
        ? view.getUint16(offset, true)
        : view.getUint32(offset, true);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    if (this.transport?.driverOk) this.transport.interruptConfig();
  }

  /** How many more bytes receive() takes now. */
  get room(): number {
    return this.pendingInput.capacity - this.pendingInput.length;
  }

  /**
   * Queues bytes for the guest, delivered as it posts receive buffers; returns how many were
   * taken (fewer only when INPUT_QUEUE_BYTES are already waiting).
   */
  receive(data: Uint8Array): number {
    const accepted = this.pendingInput.push(data);
    this.transport.run(this.deliver);
    return accepted;
  }

  notify(index: number): void {
    if (index === 0) this.deliver();
    else if (index === 1) this.transmit();
  }

  activate(): void {
    this.deliver();
  }

  reset(): void {
    this.pendingInput.clear();
  }

  saveState(): VirtioConsoleState {
    return { cols: this.cols, rows: this.rows, pendingInput: this.pendingInput.saveState() };
  }

  /** Takes a saved state (all checked before any is taken). */
  restoreState(state: VirtioConsoleState): void {
    const r = new StateReader('virtio-console', state);
    const cols = r.integer('cols', 0, 0xffff);
    const rows = r.integer('rows', 0, 0xffff);
    const pendingInput = this.pendingInput.readState(r.object('pendingInput'));
    this.cols = cols;
    this.rows = rows;
    this.pendingInput.restoreState(pendingInput);
  }

  /** Fills the guest's receive buffers from pending input (run by the transport: see run()). */
  private readonly deliver = (): void => {
    const t = this.transport;
    const queue = t.queues[0];
    while (this.pendingInput.length > 0 && queue.hasAvailable(t.memory)) {
      const chain = queue.pop(t.memory)!;
      const room = chain.writable.reduce((sum, buffer) => sum + buffer.length, 0);
      const data = this.pendingInput.peek(Math.min(room, this.pendingInput.length));
      const written = writeToBuffers(t.memory, chain.writable, data);
      this.pendingInput.drop(written);
      queue.push(t.memory, chain.head, written);
    }
  };

  private transmit(): void {
    const t = this.transport;
    const queue = t.queues[1];
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      this.onOutput(readFromBuffers(t.memory, chain.readable));
      queue.push(t.memory, chain.head, 0);
    }
  }
}
