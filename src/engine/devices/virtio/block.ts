// virtio-blk (Virtio 1.2, 5.2 "Block Device") over a BlockBackend. Requests complete in order,
// possibly asynchronously (a backend may have to fetch data first); the guest sees an I/O error
// status when the backend fails.
import type { VirtioDeviceType, VirtioMmio } from './mmio.js';
import {
  type Buffer,
  type Chain,
  VirtqueueError,
  readFromBuffers,
  writeToBuffers,
} from './virtqueue.js';

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
/** What GET_ID answers (at most 20 bytes, 5.2.6). */
const ID = new TextEncoder().encode('linux-terminal');

interface BlockRequest {
  head: number;
  type: number;
  /** In bytes. */
  offset: number;
  /** What a write request carries, copied out of guest memory. */
  dataOut: Uint8Array;
  /** Where a read request's data goes. */
  dataIn: Buffer[];
  status: Buffer;
}

interface BlockResult {
  status: number;
  /** Bytes for dataIn. */
  data?: Uint8Array;
}

export class VirtioBlock implements VirtioDeviceType {
  readonly deviceId = 2;
  readonly features: number[];
  readonly queueSizes = [128];
  transport!: VirtioMmio;
  /** The last request in flight; requests are served in order. */
  private busy: Promise<void> = Promise.resolve();
  /** Bumped by a reset: a request from before it is not completed. */
  private generation = 0;

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
    const generation = this.generation;
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      // Read from guest memory now, inside the transport's run (see mmio.ts), not later.
      const request = this.parse(chain);
      // Requests run one after another, so completions keep their order.
      this.busy = this.busy.then(() => this.serve(request, generation));
    }
  }

  reset(): void {
    this.generation++;
  }

  /** Resolves when no request is in flight (the board waits for it before saving). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = this.busy;
      await busy;
      await this.transport.idle();
      if (busy === this.busy) return;
    }
  }

  /** A request's header (5.2.6: type, reserved, sector), its data to write, and where it goes. */
  private parse(chain: Chain): BlockRequest {
    const statusBuffer = chain.writable.at(-1);
    const out = readFromBuffers(this.transport.memory, chain.readable);
    if (!statusBuffer || statusBuffer.length < 1 || out.length < 16)
      throw new VirtqueueError(`block request ${chain.head} has no header or no status byte`);
    const view = new DataView(out.buffer, out.byteOffset, 16);
    return {
      head: chain.head,
      type: view.getUint32(0, true),
      offset: (view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32) * SECTOR,
      dataOut: out.subarray(16),
      dataIn: chain.writable.slice(0, -1),
      status: statusBuffer,
    };
  }

  /** Does a request on the backend, then completes it (unless the driver reset the device). */
  private async serve(request: BlockRequest, generation: number): Promise<void> {
    let result: BlockResult;
    try {
      result = await this.perform(request);
    } catch (error) {
      result = { status: S_IOERR };
      this.onError(error);
    }
    if (generation !== this.generation) return;
    this.transport.finish(() => this.complete(request, result));
  }

  private async perform(request: BlockRequest): Promise<BlockResult> {
    const { type, offset, dataOut, dataIn } = request;
    if (type === T_IN) {
      const length = dataIn.reduce((sum, b) => sum + b.length, 0);
      if (offset + length > this.backend.size) return { status: S_IOERR };
      return { status: S_OK, data: await this.backend.read(offset, length) };
    }
    if (type === T_OUT) {
      if (this.backend.readOnly || offset + dataOut.length > this.backend.size)
        return { status: S_IOERR };
      await this.backend.write(offset, dataOut);
      return { status: S_OK };
    }
    if (type === T_FLUSH) {
      await this.backend.flush?.();
      return { status: S_OK };
    }
    if (type === T_GET_ID) return { status: S_OK, data: ID };
    return { status: S_UNSUPP };
  }

  /** Writes a request's data and status to the guest and returns its chain (2.7.8). */
  private complete(request: BlockRequest, result: BlockResult): void {
    const t = this.transport;
    const written = result.data ? writeToBuffers(t.memory, request.dataIn, result.data) : 0;
    t.memory.write(request.status.address, Uint8Array.of(result.status));
    t.queues[0].push(t.memory, request.head, written + 1);
  }
}
