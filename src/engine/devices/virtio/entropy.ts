// virtio-rng (Virtio 1.2, 5.4 "Entropy Device"): fills the guest's buffers from the host's
// cryptographic random source, so the guest never stalls waiting for entropy.
import type { VirtioDeviceType, VirtioMmio } from './mmio.js';

export class VirtioEntropy implements VirtioDeviceType {
  readonly deviceId = 4;
  readonly features: number[] = [];
  readonly queueSizes = [16];
  transport!: VirtioMmio;

  attach(transport: VirtioMmio): this {
    this.transport = transport;
    return this;
  }

  readConfig(): number {
    return 0;
  }

  notify(): void {
    const t = this.transport;
    const queue = t.queues[0];
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      let written = 0;
      for (const b of chain.writable) {
        if (b.length === 0) continue;
        const view = t.memory.writableBytes(b.address, b.length);
        // getRandomValues fills at most 64 KiB a call.
        for (let at = 0; at < view.length; at += 65536)
          crypto.getRandomValues(
            view.subarray(at, Math.min(view.length, at + 65536)) as Uint8Array<ArrayBuffer>,
          );
        written += b.length;
      }
      queue.push(t.memory, chain.head, written);
    }
  }
}
