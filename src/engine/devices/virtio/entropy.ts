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
    let served = false;
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      let written = 0;
      for (const b of chain.writable) {
        const view = t.memory.bytes(b.address, b.length);
        for (let at = 0; at < view.length; at += 65536)
          crypto.getRandomValues(
            view.subarray(at, Math.min(view.length, at + 65536)) as Uint8Array<ArrayBuffer>,
          );
        written += b.length;
      }
      queue.push(t.memory, chain.head, written);
      served = true;
    }
    if (served) t.interruptUsed();
  }
}
