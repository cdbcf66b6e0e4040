// A read-only disk whose bytes are blobs (docs/image-format.md), fetched on first touch.
// A read waits for the chunks it covers (each verified by the BlobFetcher before it is kept),
// and starts fetching the chunks after them, since file systems tend to read on. Reads that find
// every chunk present answer synchronously. Zero chunks are never fetched.
import type { BlockBackend } from '../devices/virtio/block.js';
import type { BlobFetcher } from '../image/blob-fetcher.js';
import type { DiskManifest } from '../image/manifest.js';

/** Everything needed to open a chunked disk: plain data, so it can cross postMessage. */
export interface ChunkedDiskSource {
  kind: 'chunked';
  disk: DiskManifest;
  /** Absolute URL of the folder holding the blobs, ending in "/". */
  blobBase: string;
}

export class ChunkedDisk implements BlockBackend {
  readonly readOnly = true;
  readonly size: number;
  private readonly chunkSize: number;
  private readonly chunks: (string | null)[];
  private readonly present = new Map<number, Uint8Array>();
  private readonly pending = new Map<number, Promise<Uint8Array>>();
  private readonly zeros: Uint8Array;

  constructor(
    private readonly source: ChunkedDiskSource,
    private readonly fetcher: BlobFetcher,
    /** Chunks fetched ahead of a read that had to wait. */
    private readonly prefetch = 2,
  ) {
    this.size = source.disk.size;
    this.chunkSize = source.disk.chunkSize;
    this.chunks = source.disk.chunks;
    this.zeros = new Uint8Array(this.chunkSize);
  }

  private chunkLength(index: number): number {
    return Math.min(this.chunkSize, this.size - index * this.chunkSize);
  }

  /** Chunk `index`, or undefined when it must be fetched first. */
  private held(index: number): Uint8Array | undefined {
    return this.chunks[index] === null ? this.zeros : this.present.get(index);
  }

  private load(index: number): Promise<Uint8Array> {
    const held = this.held(index);
    if (held) return Promise.resolve(held);
    let pending = this.pending.get(index);
    if (!pending) {
      const sha256 = this.chunks[index]!;
      pending = this.fetcher
        .get(new URL(`${sha256}.gz`, this.source.blobBase), {
          sha256,
          size: this.chunkLength(index),
        })
        .then((data) => {
          this.present.set(index, data);
          return data;
        })
        .finally(() => this.pending.delete(index));
      this.pending.set(index, pending);
    }
    return pending;
  }

  read(offset: number, length: number): Uint8Array | Promise<Uint8Array> {
    const first = Math.floor(offset / this.chunkSize);
    const last = Math.floor((offset + length - 1) / this.chunkSize);
    let missing = false;
    for (let i = first; i <= last; i++) if (!this.held(i)) missing = true;
    if (!missing) return this.copy(offset, length, first, last);
    for (let i = last + 1; i <= last + this.prefetch && i < this.chunks.length; i++)
      if (!this.held(i)) this.load(i).catch(() => {}); // a failed prefetch is retried on use
    const loads = [];
    for (let i = first; i <= last; i++) loads.push(this.load(i));
    return Promise.all(loads).then(() => this.copy(offset, length, first, last));
  }

  private copy(offset: number, length: number, first: number, last: number): Uint8Array {
    if (first === last) {
      const start = offset - first * this.chunkSize;
      return this.held(first)!.subarray(start, start + length);
    }
    const out = new Uint8Array(length);
    for (let i = first; i <= last; i++) {
      const chunkStart = i * this.chunkSize;
      const from = Math.max(offset, chunkStart) - chunkStart;
      const to = Math.min(offset + length, chunkStart + this.chunkSize) - chunkStart;
      out.set(this.held(i)!.subarray(from, to), chunkStart + from - offset);
    }
    return out;
  }

  write(): void {
    throw new Error('a chunked disk is read-only: writes go to its overlay');
  }
}
