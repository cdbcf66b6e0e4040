// virtio-blk (Virtio 1.2, 5.2 "Block Device") over a BlockBackend. Requests complete in order,
// possibly asynchronously (a backend may have to fetch data first); the guest sees an I/O error
// status when the backend fails.
import type { VirtioDeviceType, VirtioMmio } from './mmio.js';
import { type Chain, readFromBuffers, writeToBuffers } from './virtqueue.js';

export interface BlockBackend {
  /** Size in bytes, a multiple of 512. */
  readonly size: number;
  readonly readOnly?: boolean;
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  write(offset: number, data: Uint8Array): void | Promise<void>;
  flush?(): void | Promise<void>;
}

const F_RO = 5;
const F_FLUSH = 9;
const T_IN = 0;
const T_OUT = 1;
const T_FLUSH = 4;
const T_GET_ID = 8;
const S_OK = 0;
const S_IOERR = 1;
const S_UNSUPP = 2;
const SECTOR = 512;

export class VirtioBlock implements VirtioDeviceType {
  readonly deviceId = 2;
  readonly features: number[];
  readonly queueSizes = [128];
  transport!: VirtioMmio;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    readonly backend: BlockBackend,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.features = backend.readOnly ? [F_FLUSH, F_RO] : [F_FLUSH];
  }

  attach(transport: VirtioMmio): this {
    this.transport = transport;
    return this;
  }

  readConfig(offset: number, size: number): number {
    const sectors = Math.floor(this.backend.size / SECTOR);
    const config = new DataView(new ArrayBuffer(24));
    config.setUint32(0, sectors >>> 0, true); // capacity, u64
    config.setUint32(4, Math.floor(sectors / 2 ** 32), true);
    if (offset + size > 24) return 0;
    return size === 1
      ? config.getUint8(offset)
      : size === 2
        ? config.getUint16(offset, true)
        : config.getUint32(offset, true);
  }

  notify(): void {
    const t = this.transport;
    const queue = t.queues[0];
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      const request = chain;
      // Requests run one after another, so completions keep their order.
      this.busy = this.busy.then(() => this.serve(request));
    }
  }

  reset(): void {
    this.busy = Promise.resolve();
  }

  private async serve(chain: Chain): Promise<void> {
    const t = this.transport;
    const header = readFromBuffers(t.memory, chain.readable).subarray(0, 16);
    const view = new DataView(header.buffer, header.byteOffset, 16);
    const type = view.getUint32(0, true);
    const offset = (view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32) * SECTOR;
    const statusBuffer = chain.writable.at(-1);
    if (!statusBuffer || header.length < 16) {
      t.fail();
      return;
    }
    const dataOut = chain.writable.slice(0, -1);
    let status = S_OK;
    let written = 0;
    try {
      if (type === T_IN) {
        const length = dataOut.reduce((sum, b) => sum + b.length, 0);
        if (offset + length > this.backend.size) status = S_IOERR;
        else written = writeToBuffers(t.memory, dataOut, await this.backend.read(offset, length));
      } else if (type === T_OUT) {
        const data = readFromBuffers(t.memory, chain.readable).subarray(16);
        if (this.backend.readOnly || offset + data.length > this.backend.size) status = S_IOERR;
        else await this.backend.write(offset, data);
      } else if (type === T_FLUSH) {
        await this.backend.flush?.();
      } else if (type === T_GET_ID) {
        written = writeToBuffers(t.memory, dataOut, new TextEncoder().encode('linux-terminal'));
      } else {
        status = S_UNSUPP;
      }
    } catch (error) {
      status = S_IOERR;
      this.onError(error);
    }
    t.memory.write(statusBuffer.address, Uint8Array.of(status));
    t.queues[0].push(t.memory, chain.head, written + 1);
    t.interruptUsed();
  }
}
