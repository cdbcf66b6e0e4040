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
  MAX_HOT_CODE,
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
  /** When the machine was restored from a snapshot: its RAM (see `standalone`). */
  restoredRam?: LazyRam;
  /**
   * The names RAM's chunks had at the last save or restore, since when the page map's DIRTY bits
   * mark what the guest wrote: only written chunks are hashed again, the rest keep their names.
   * The bits are cleared by the save, which makes this save's names the next one's `previous`.
   */
  previous?: readonly (string | null)[];
  /**
   * Whether every chunk's bytes must be in `blobs` (a bundle that stands alone; the default): a
   * restored machine's chunks not fetched yet are fetched first. Otherwise (a session persisted
   * beside its image) they keep their names, their bytes still the image's blobs.
   */
  standalone?: boolean;
  /** What the host keeps beside the machine (the command channel), stored in the state. */
  host?: () => Record<string, unknown>;
  workingSet?: number[];
  chunkSize?: number;
  /**
   * Which blobs the caller needs the bytes of (default: all): the others are named in the
   * manifest but not copied (a session persisted beside its image has most of them already).
   */
  want?: (sha256: string) => boolean;
  /** Called while the machine is paused, once its state is taken (the instant of the save). */
  paused?: () => void;
}

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

export async function takeSnapshot(
  machine: VirtMachine,
  options: TakeOptions,
): Promise<TakenSnapshot> {
  const chunkSize = options.chunkSize ?? DEFAULT_RAM_CHUNK_SIZE;
  // Every chunk's bytes go into a bundle, so those a restore has not fetched yet come first.
  const standalone = options.standalone ?? true;
  if (standalone) await options.restoredRam?.loadAll();
  return machine.saveState(async (saved) => {
    // Names from a save of another chunk size cannot be kept: every chunk is hashed.
    const previous =
      options.previous?.length === saved.ram.length / chunkSize ? options.previous : undefined;
    // A chunk the guest wrote is named by its whole content: its pages still missing come first
    // (the guest stays paused meanwhile); without earlier names, every chunk is.
    if (!standalone)
      await (previous ? options.restoredRam?.loadWritten() : options.restoredRam?.loadAll());
    if (options.host) saved.state.host = options.host();
    // What runs translated now, for a restore to translate at once (SnapshotManifest.hotCode).
    const hotCode = machine.hart.hotCode().slice(0, MAX_HOT_CODE);
    const blobs = new Map<string, Uint8Array>();
    const stateBytes = encodeMachineState(saved.state);
    const stateSha = await sha256Hex(stateBytes);
    options.paused?.();
    blobs.set(stateSha, stateBytes);
    const ram = await chunkRam(
      saved.ram,
      chunkSize,
      previous && { chunks: previous, pageMap: machine.hart.pageMap },
    );
    // From here on, DIRTY marks what changed since these names.
    machine.hart.clearDirty();
    const want = options.want ?? (() => true);
    for (const [sha256, bytes] of ram.blobs) if (want(sha256)) blobs.set(sha256, bytes.slice());
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
          if (want(sha256)) blobs.set(sha256, bytes.slice());
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
    if (hotCode.length > 0) manifest.hotCode = hotCode;
    return { manifest, blobs };
  });
}
