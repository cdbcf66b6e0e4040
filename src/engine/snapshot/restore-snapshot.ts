// Restoring a machine from a snapshot: check that the snapshot belongs to the image (its kernel and
// disks, by their chunk lists), read the machine state, hand RAM to a LazyRam that fetches chunks
// as the guest touches them, the working set first, and put back the disks' written pages as they
// arrive. Every check that can fail runs before the machine exists, so nothing half-restored ever
// runs; only a RAM chunk or a written disk page that fails to arrive later can stop the machine
// (with its own code).
import { type RestoreOptions, VirtMachine } from '../board/virt-machine.js';
import { type MachineState, decodeMachineState } from '../board/machine-state.js';
import { StateError } from '../devices/state-error.js';
import { OverlayDisk } from '../disks/overlay-disk.js';
import type { BlockBackend } from '../devices/virtio/block.js';
import type { BlobRef } from '../image/blob-ref.js';
import { ImageError } from '../image/image-error.js';
import type { DiskManifest } from '../image/manifest.js';
import { type ChunkSource, LazyRam } from './lazy-ram.js';
import { type SnapshotManifest, checkSnapshotFits } from './snapshot-manifest.js';

/** What a snapshot was taken on: the image's kernel and disks, as its manifest lists them. */
export interface SnapshotImage {
  name?: string;
  kernel: BlobRef;
  disks: DiskManifest[];
}

export interface RestoredMachine {
  machine: VirtMachine;
  ram: LazyRam;
  state: MachineState;
}

/** The machine state blob, parsed; `snapshot-corrupt` when it is not one. */
function parseState(bytes: Uint8Array): MachineState {
  try {
    return decodeMachineState(bytes);
  } catch {
    throw new ImageError(
      'snapshot-corrupt',
      "the snapshot's machine state is not readable (not JSON); boot cold, or take the snapshot again",
    );
  }
}

/**
 * A machine resuming `snapshot`, taken on `image`. `disks` are the image's disks as the machine
 * will see them (OverlayDisk over each chunked disk: the snapshot's written pages go on top).
 */
export async function restoreSnapshot(
  snapshot: SnapshotManifest,
  image: SnapshotImage,
  source: ChunkSource,
  options: Omit<RestoreOptions, 'ramLoader' | 'loadRam'> & {
    disks: BlockBackend[];
    /** Record the working set page by page (no prefetch; see LazyRam.recordPages). */
    recordPages?: boolean;
  },
): Promise<RestoredMachine> {
  await checkSnapshotFits(snapshot, image);
  // The working set in one request, started at once; if it cannot be had, its chunks are
  // fetched one by one instead (each checked on its own).
  const pack = snapshot.workingSetPack;
  const packed =
    pack && !options.recordPages
      ? source(pack.sha256, pack.size, true).catch(() => undefined)
      : Promise.resolve(undefined);
  // What the warm-up commands touched (Python's page cache), in one more request at the same
  // time: the guest runs once the first pack is in, and a touch of a page this one brings waits
  // for it (LazyRam.expectPack). (Fetched only once the first was in, it came too late for a
  // python3 started at the prompt: in Chromium its first run took 1.1 s instead of 0.8 s.)
  const warm =
    snapshot.warmPack && snapshot.warmPages && !options.recordPages
      ? {
          pages: snapshot.warmPages,
          bytes: source(snapshot.warmPack.sha256, snapshot.warmPack.size),
        }
      : undefined;
  warm?.bytes.catch(() => {}); // its failure is handled where it is awaited (expectPack)
  const state = parseState(await source(snapshot.state.sha256, snapshot.state.size));
  // The disks' written pages come once the working set is in, while the guest runs: a read or
  // write of one waits for it (OverlayDisk.restorePagesLater). Fetched before the guest ran,
  // Debian's 55 pages held up its working set (in Node: ~30 ms of 330 before the prompt).
  const overlays = snapshot.disks.map((_, i) => {
    const overlay = options.disks[i];
    if (!(overlay instanceof OverlayDisk))
      throw new ImageError(
        'snapshot-disk-mismatch',
        `disk ${i} cannot take the snapshot's writes (it is not a copy-on-write disk)`,
      );
    return overlay;
  });
  const writtenPages = () =>
    snapshot.disks.forEach((disk, i) => {
      const pages = new Map<number, Promise<Uint8Array>>();
      for (const [page, sha256] of disk.written)
        pages.set(
          page,
          packed.then(() =>
            sha256
              ? source(sha256, disk.pageSize).catch((error: unknown) => {
                  throw error instanceof ImageError && error.code === 'chunk-hash-mismatch'
                    ? new ImageError(
                        'snapshot-chunk-mismatch',
                        `page ${page} of disk ${i} in the snapshot does not hash to its name (${sha256}): the snapshot's files are damaged; boot cold, or rebuild the image`,
                      )
                    : error;
                })
              : new Uint8Array(disk.pageSize),
          ),
        );
      overlays[i].restorePagesLater(pages);
      // A page that cannot be had stops the machine, as a RAM chunk does.
      overlays[i].arrived().catch((error: unknown) => ram?.fail(error));
    });
  let ram: LazyRam | undefined;
  try {
    const machine = await VirtMachine.fromState(state, {
      ...options,
      ramLoader: { fill: (offset) => ram!.fill(offset) },
      loadRam: async (m) => {
        ram = new LazyRam(
          m.hart.ram,
          m.hart.pageMap,
          snapshot.ram.chunkSize,
          snapshot.ram.chunks,
          source,
        );
        m.hart.flushTranslations();
        ram.recordPages = options.recordPages ?? false;
        writtenPages();
        if (ram.recordPages) return;
        const bytes = await packed;
        const pages = bytes && snapshot.workingSetPages;
        if (pages) ram.fillFromPack(pages, bytes);
        // The code translated when the snapshot was taken is translated again as its pages come
        // (the packs bring most of it): what the reader runs first runs translated at once.
        const hotCode = snapshot.hotCode ?? [];
        m.hart.primeCode(hotCode);
        if (warm) void ram.expectPack(warm.pages, warm.bytes).then(() => m.hart.primeCode(hotCode));
        // The working set's chunks while the guest runs (urgent fetches go first), but not those
        // the packs' pages come from: the packs hold every page the recording touched, so the
        // rest of those chunks is what nobody needed; it comes when touched. Prefetching it
        // competed with the guest's own first needs (Debian's first python3 after a restore:
        // 180 blobs instead of the two packs) and sent a page of many terminals a hundred
        // requests per terminal for the same blobs.
        const chunkOf = (page: number) => Math.floor((page * 4096) / snapshot.ram.chunkSize);
        const inPack = new Set(
          [...(pages ?? []), ...(warm?.pages ?? [])].filter((page) => page >= 0).map(chunkOf),
        );
        ram.prefetch(snapshot.workingSet.filter((index) => !inPack.has(index)));
      },
    });
    return { machine, ram: ram!, state };
  } catch (error) {
    if (error instanceof StateError)
      throw new ImageError(
        'snapshot-corrupt',
        `the snapshot's machine state does not fit this engine (${error.message}); boot cold, or take the snapshot again`,
      );
    throw error;
  }
}
