// Host-to-guest bytes waiting for the guest to make room (flow control): a console device takes
// input only as fast as its driver reads it (the UART's FIFO, the virtio console's receive
// buffers), and what it cannot take yet waits here instead of being dropped.

/**
 * How many bytes one console holds for the guest before refusing more: 4 MiB, far more than any
 * typed or pasted input or command, while a guest that never reads cannot grow the host without
 * bound.
 */
export const INPUT_QUEUE_BYTES = 4 << 20;

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
}
