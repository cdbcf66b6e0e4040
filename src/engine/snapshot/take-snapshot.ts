// Taking a snapshot of a running machine: its state as a blob, RAM cut into chunks named by their
// hash (zeros not stored), and each disk's written pages named the same way, with the disks
// identified by their chunk lists. The guest is paused from the moment the devices settle until
// every byte is hashed and copied, so the snapshot is of one instant.
import type { VirtMachine } from '../board/virt-machine.js';
import { encodeMachineState } from '../board/machine-state.js';
import { sha256Hex } from '../image/blob-fetcher.js';
import type { DiskManifest } from '../image/manifest.js';
import type { LazyRam } from './lazy-ram.js';
import { chunkRam } from './ram-chunks.js';
import {
  DEFAULT_RAM_CHUNK_SIZE,
  type SnapshotDisk,
  type SnapshotManifest,
  diskFingerprint,
} from './snapshot-manifest.js';

export interface TakenSnapshot {
  manifest: SnapshotManifest;
  /** Every blob the manifest names, by SHA-256: copies, which the machine no longer touches. */
  blobs: Map<string, Uint8Array>;
}

export interface TakeOptions {
  /** SHA-256 of the kernel the machine was booted with. */
  kernel: string;
  /** The image's disks, as its manifest lists them (the machine's disks, in order). */
  disks: DiskManifest[];
  /** When the machine was restored from a snapshot: its RAM, fetched whole before saving. */
  restoredRam?: LazyRam;
  /** What the host keeps beside the machine (the command channel), stored in the state. */
  host?: () => Record<string, unknown>;
  workingSet?: number[];
  chunkSize?: number;
}

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

export async function takeSnapshot(
  machine: VirtMachine,
  options: TakeOptions,
): Promise<TakenSnapshot> {
  const chunkSize = options.chunkSize ?? DEFAULT_RAM_CHUNK_SIZE;
  // Every chunk's bytes go into the snapshot, so those a restore has not fetched yet come first.
  await options.restoredRam?.loadAll();
  return machine.saveState(async (saved) => {
    if (options.host) saved.state.host = options.host();
    const blobs = new Map<string, Uint8Array>();
    const stateBytes = encodeMachineState(saved.state);
    const stateSha = await sha256Hex(stateBytes);
    blobs.set(stateSha, stateBytes);
    const ram = await chunkRam(saved.ram, chunkSize);
    for (const [sha256, bytes] of ram.blobs) blobs.set(sha256, bytes.slice());
    const disks: SnapshotDisk[] = await Promise.all(
      options.disks.map(async (disk, i) => {
        const pages = [...(saved.disks[i] ?? new Map<number, Uint8Array>())].sort(
          ([a], [b]) => a - b,
        );
        const written: SnapshotDisk['written'] = [];
        for (const [page, bytes] of pages) {
          if (isZero(bytes)) {
            written.push([page, null]);
            continue;
          }
          const sha256 = await sha256Hex(bytes);
          blobs.set(sha256, bytes.slice());
          written.push([page, sha256]);
        }
        return { fingerprint: await diskFingerprint(disk), pageSize: 4096, written };
      }),
    );
    const manifest: SnapshotManifest = {
      state: { size: stateBytes.length, sha256: stateSha },
      memoryMiB: saved.state.memoryMiB,
      ram: { chunkSize, chunks: ram.chunks },
      disks,
      workingSet: options.workingSet ?? [],
      kernel: options.kernel,
    };
    return { manifest, blobs };
  });
}
