// Host-to-guest bytes waiting for the guest to make room (flow control): a console device takes
// input only as fast as its driver reads it (the UART's FIFO, the virtio console's receive
// buffers), and what it cannot take yet waits here instead of being dropped.
import { StateReader } from './state-error.js';

/**
 * How many bytes one console holds for the guest before refusing more: 4 MiB, far more than any
 * typed or pasted input or command, while a guest that never reads cannot grow the host without
 * bound.
 */
export const INPUT_QUEUE_BYTES = 4 << 20;

/** The bytes waiting, oldest first. */
export interface InputQueueState {
  bytes: Uint8Array;
}

export class InputQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // bytes of chunks[0] already taken
  private held = 0;

  constructor(readonly capacity = INPUT_QUEUE_BYTES) {}

  /** Bytes waiting. */
  get length(): number {
    return this.held;
  }

  /** Queues as much of `data` as fits and returns how many bytes that was. */
  push(data: Uint8Array): number {
    const accepted = Math.min(data.length, this.capacity - this.held);
    if (accepted > 0) {
      this.chunks.push(data.slice(0, accepted));
      this.held += accepted;
    }
    return accepted;
  }

  /** The bytes at the front, up to `max`, still queued (take them with `drop`). */
  peek(max: number): Uint8Array {
    const first = this.chunks[0];
    if (!first) return new Uint8Array(0);
    return first.subarray(this.head, Math.min(first.length, this.head + max));
  }

  /** Removes `count` bytes from the front. */
  drop(count: number): void {
    this.held -= count;
    while (count > 0) {
      const first = this.chunks[0];
      const left = first.length - this.head;
      if (count < left) {
        this.head += count;
        return;
      }
      count -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.held = 0;
  }

  saveState(): InputQueueState {
    const bytes = new Uint8Array(this.held);
    let at = 0;
    this.chunks.forEach((chunk, i) => {
      const part = i === 0 ? chunk.subarray(this.head) : chunk;
      bytes.set(part, at);
      at += part.length;
    });
    return { bytes };
  }

  /** Checks a saved queue (`reader` over it, maybe inside its console's state), changing nothing. */
  readState(reader: StateReader): InputQueueState {
    return { bytes: reader.bytes('bytes', this.capacity) };
  }

  restoreState(state: InputQueueState): void {
    const { bytes } = this.readState(new StateReader('input-queue', state));
    this.clear();
    this.push(bytes);
  }
}
