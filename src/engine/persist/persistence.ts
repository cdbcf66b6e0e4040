// A session that outlives the page (the element's `persist`): what the guest writes to its disks
// is stored when the guest flushes them (virtio flush: `sync`, a journal commit), and the whole
// machine when the page is hidden or the element removed; the next page with the same key resumes
// that machine, or, if the disks changed after it was saved (a tab closed before its save ended),
// boots cold on the stored disks, so that nothing the guest synced is lost and a RAM state never
// runs over disks it was not saved with. Blobs the image itself holds (RAM chunks the guest has
// not changed since the image's snapshot) are named, not stored. Runs in the engine's Worker.
import { sha256Hex } from '../image/blob-fetcher.js';
import type { BlobRef, DiskManifest } from '../image/manifest.js';
import type { MachineHost } from '../machine-host.js';
import type { ChunkSource } from '../snapshot/lazy-ram.js';
import {
  SKIPPED_PAGE,
  type SnapshotDisk,
  type SnapshotManifest,
  diskFingerprint,
  snapshotBlobs,
} from '../snapshot/snapshot-manifest.js';
import {
  SESSION_FORMAT,
  SESSION_VERSION,
  type SessionRecord,
  parseSessionRecord,
} from './session-record.js';
import { type SessionStore, isQuotaError } from './session-store.js';
import { boundedStore } from './bounded-store.js';

const PAGE = 4096;
/**
 * How long the guest is left alone after activity (input, a disk flush, an exec()) before the
 * machine is saved: a reload finds what was typed a moment before, and a burst of keystrokes
 * makes one save.
 */
export const SAVE_AFTER_ACTIVITY_MS = 1000;
/**
 * How long after the guest's last disk write its pages are stored even without a flush: Linux's
 * `sync` flushes before it writes the file system's last metadata (ext4 without a journal writes
 * an inode's extent tree after the flush), so flushes alone would keep the data of a synced file
 * and lose where it is.
 */
export const STORE_AFTER_WRITE_MS = 200;
/**
 * How long one storage call may take (bounded-store.ts: writes go in batches of a few MB, each
 * with the whole bound) before storage is taken for dead: the session then goes on in memory
 * (`storage-failed`) and a guest flush waiting for it completes.
 */
export const STORAGE_TIMEOUT_MS = 15_000;
/** How long a machine save waits for the page's screen (ScreenSource) before it saves without. */
export const SCREEN_TIMEOUT_MS = 1_000;

/**
 * The terminal's screen as text that redraws it (scrollback included), asked for at the instant
 * the machine is paused for a save: everything the machine printed before that instant is on it,
 * nothing after. Undefined when there is no screen to keep.
 */
export type ScreenSource = () => Promise<string | undefined>;

/** What Persistence.open() may be given besides the store and the image. */
export interface PersistenceOptions {
  /** Where a machine save takes the screen from (the page's terminal). */
  screen?: ScreenSource;
  /** STORAGE_TIMEOUT_MS unless given (tests). */
  storageTimeoutMs?: number;
}

/** What the page hears of its session: bytes stored, and problems (none fatal). */
export interface PersistenceEvents {
  /**
   * `machine`: the save was of the whole machine (else of the disks' pages); `ms`: how long it
   * took, from its start (a machine's pause included) to its record stored.
   */
  stored(bytes: number, kind: SessionStore['kind'], machine: boolean, ms: number): void;
  problem(code: PersistenceProblem, message: string): void;
}

export type PersistenceProblem =
  /** The browser refused to store more: the machine runs on, in memory only. */
  | 'storage-quota'
  /** The stored session was for another image (or unreadable) and was deleted. */
  | 'session-discarded'
  /** Storing failed otherwise: the machine runs on, in memory only. */
  | 'storage-failed';

/** The image a session runs on, as its manifest names it. */
export interface SessionImage {
  kernel: BlobRef;
  disks: DiskManifest[];
  /** The image's snapshot's RAM chunk names: blobs a session names without storing. */
  imageBlobs: ReadonlySet<string>;
  /**
   * The image's snapshot, if it has one: its working set (RAM chunks a restore needs first) and
   * its packs, which a saved machine names for the pages its RAM has not changed since.
   */
  snapshot?: SnapshotManifest;
}

/** Where a persisted session starts from. */
export type SessionStart =
  | { kind: 'machine'; snapshot: SnapshotManifest }
  | { kind: 'disks'; pages: Map<number, Uint8Array>[] }
  | { kind: 'none' };

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

export class Persistence {
  private record: SessionRecord | undefined;
  /** Per disk: the written pages and their blob names (null: zeros), as last stored. */
  private written: Map<number, string | null>[];
  /** One save at a time, in the order asked. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when storing failed: the session goes on in memory only. */
  private stopped = false;
  private host: MachineHost | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private storeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the save under way started (performance.now()). */
  private workStarted = 0;
  /** A machine save waits for the disks' requests to end before it pauses the machine. */
  private pausing = false;

  private constructor(
    readonly store: SessionStore,
    private readonly image: SessionImage,
    private readonly fingerprints: string[],
    private readonly events: PersistenceEvents,
    private readonly options: PersistenceOptions,
  ) {
    this.written = image.disks.map(() => new Map());
  }

  static async open(
    store: SessionStore,
    image: SessionImage,
    events: PersistenceEvents,
    options: PersistenceOptions = {},
  ): Promise<Persistence> {
    const fingerprints = await Promise.all(image.disks.map((disk) => diskFingerprint(disk)));
    const persistence = new Persistence(
      boundedStore(store, options.storageTimeoutMs ?? STORAGE_TIMEOUT_MS),
      image,
      fingerprints,
      events,
      options,
    );
    await persistence.read();
    return persistence;
  }

  /** Bytes the session takes in storage. */
  get bytes(): number {
    let total = 0;
    for (const size of this.store.blobs.values()) total += size;
    return total;
  }

  /** Reads the stored record; one for another image, or unreadable, is deleted with an event. */
  private async read(): Promise<void> {
    const text = await this.store.readRecord();
    if (text === undefined) return;
    let why: string | undefined;
    try {
      const record = parseSessionRecord(text);
      if (record.kernel !== this.image.kernel.sha256) why = 'it ran another kernel';
      else if (
        record.disks.length !== this.fingerprints.length ||
        record.disks.some((disk, i) => disk.fingerprint !== this.fingerprints[i])
      )
        why = 'it ran on other disks';
      else this.record = record;
    } catch (error) {
      why = `it cannot be read (${(error as Error).message})`;
    }
    if (why) {
      await this.store.clear();
      this.events.problem(
        'session-discarded',
        `The saved session was for another version of this image (${why}), so it was deleted and the machine starts afresh`,
      );
      return;
    }
    this.record!.disks.forEach((disk, i) => (this.written[i] = new Map(disk.written)));
  }

  /**
   * What to start from: the saved machine (on the disks it was saved with), unless the guest
   * flushed its disks since; else the latest stored disks.
   */
  async start(): Promise<SessionStart> {
    const record = this.record;
    if (!record) return { kind: 'none' };
    if (record.machine && !record.flushedSinceMachine) {
      // Its disks are the ones it goes on with: later writes it never saw are dropped.
      this.written = record.machine.disks.map((disk) => new Map(disk.written));
      return { kind: 'machine', snapshot: record.machine };
    }
    return this.storedDisks();
  }

  /**
   * The screen saved with the machine start() returned, if any: undefined when there is none, or
   * it cannot be read (a resumed machine with an empty screen is no harm).
   */
  async savedScreen(): Promise<string | undefined> {
    const screen = this.record?.screen;
    if (!screen || !this.record?.machine) return undefined;
    try {
      return new TextDecoder().decode(await this.blob(screen.sha256, screen.size));
    } catch {
      return undefined;
    }
  }

  /** The latest stored disks' pages, read and checked (for a cold boot on them). */
  async storedDisks(): Promise<SessionStart> {
    if (this.record) this.written = this.record.disks.map((disk) => new Map(disk.written));
    if (!this.written.some((pages) => pages.size > 0)) return { kind: 'none' };
    const pages = await Promise.all(
      this.written.map(async (written) => {
        const out = new Map<number, Uint8Array>();
        for (const [page, sha256] of written)
          out.set(page, sha256 ? await this.blob(sha256, PAGE) : new Uint8Array(PAGE));
        return out;
      }),
    );
    return { kind: 'disks', pages };
  }

  /** A stored blob, checked against its name; throws when it is missing or damaged. */
  private async blob(sha256: string, size: number): Promise<Uint8Array> {
    const bytes = await this.store.readBlob(sha256);
    if (!bytes || bytes.length !== size || (await sha256Hex(bytes)) !== sha256) {
      if (bytes) await this.store.deleteBlobs([sha256]);
      throw Object.assign(
        new Error(
          `the saved session's blob ${sha256.slice(0, 12)}… is ${bytes ? 'damaged' : 'missing'}`,
        ),
        { code: 'session-damaged' },
      );
    }
    return bytes;
  }

  /** Blobs for a restore of the saved machine: stored ones (checked), else the image's. */
  source(fromImage: ChunkSource): ChunkSource {
    return (sha256, size, urgent) =>
      this.store.blobs.has(sha256)
        ? this.blob(sha256, size).catch(() => fromImage(sha256, size, urgent))
        : fromImage(sha256, size, urgent);
  }

  /** Deletes the stored session: the next start is a fresh one. */
  async discard(): Promise<void> {
    this.record = undefined;
    this.written = this.image.disks.map(() => new Map());
    await this.store.clear();
  }

  /**
   * Follows `host`'s machine: its disks' flushes store the pages written since (the guest's
   * flush completes when they are stored).
   */
  attach(host: MachineHost): void {
    this.host = host;
    for (const overlay of host.machine?.overlays ?? [])
      if (overlay) {
        overlay.onFlush = async () => {
          await this.flushDisks(true);
          this.activity();
        };
        overlay.onWrite = () => {
          clearTimeout(this.storeTimer);
          this.storeTimer = setTimeout(() => void this.flushDisks(), STORE_AFTER_WRITE_MS);
        };
      }
  }

  /**
   * Something happened in the machine (input, a flush, an exec()): the machine is saved once the
   * guest has been left alone for SAVE_AFTER_ACTIVITY_MS. (Not inside a flush: a save waits for
   * the disks' requests to end, the flush among them.)
   */
  activity(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveMachine();
    }, SAVE_AFTER_ACTIVITY_MS);
  }

  /**
   * The guest powered off: its disks are stored (it synced them on the way down) and the saved
   * machine dropped, so that the next start boots on them rather than resuming an older machine.
   */
  poweredOff(): Promise<void> {
    clearTimeout(this.saveTimer);
    return this.serial(async () => {
      await this.flushChanged();
      await this.writeRecord(undefined);
    });
  }

  /**
   * Stores the pages the guest wrote since the last time, then the record naming them. `flush`:
   * the guest asked for it (what it wrote is durable from now on: a machine saved before is no
   * longer resumed over it).
   */
  flushDisks(flush = false): Promise<void> {
    // The flush is one of the requests a machine save waits for: its pages are stored at once
    // (behind the save, it would wait for ever); the save's record names them, as its disks hold
    // them.
    if (this.pausing)
      return this.guarded(async () => {
        // The save's instant is after this: its machine holds these writes.
        await this.flushChanged();
      });
    return this.serial(async () => {
      const changed = await this.flushChanged();
      const machine = this.record?.machine;
      const flushed = (this.record?.flushedSinceMachine ?? false) || (flush && changed);
      if (changed || !this.record)
        await this.writeRecord(machine, machine && flushed, this.record?.screen);
    });
  }

  /** Stores the pages written since the last time; whether there were any. */
  private async flushChanged(): Promise<boolean> {
    let changed = false;
    const blobs = new Map<string, Uint8Array>();
    const overlays = this.host?.machine?.overlays ?? [];
    for (const [i, overlay] of overlays.entries()) {
      if (!overlay) continue;
      const taken = overlay.takeChanged();
      changed ||= taken.size > 0;
      for (const [page, bytes] of taken) {
        const sha256 = isZero(bytes) ? null : await sha256Hex(bytes);
        if (sha256) blobs.set(sha256, bytes);
        this.written[i].set(page, sha256);
      }
    }
    if (blobs.size === 0) return changed;
    await this.store.writeBlobs(blobs);
    return changed;
  }

  /**
   * Saves the whole machine (with its disks, at one instant), so that the next page resumes it.
   * Refused, like saveState(), while an exec() runs: the disks are flushed then all the same.
   */
  saveMachine(): Promise<void> {
    return this.serial(async () => {
      const host = this.host;
      // A stopped machine has nothing more to keep than its disks (poweredOff).
      if (!host?.machine || host.machine.stopped || host.execsPending) return;
      const overlays = host.machine.overlays;
      this.pausing = true;
      const asked: { screen?: Promise<string | undefined> } = {};
      const { manifest, blobs } = await host
        .save({
          standalone: false,
          // Only what neither the image nor this store holds yet is copied out of the machine.
          want: (sha256) => !this.image.imageBlobs.has(sha256) && !this.store.blobs.has(sha256),
          paused: () => {
            // The saved disks hold every page written up to the save's instant: later writes
            // are the next flush's.
            overlays.forEach((overlay) => overlay?.forgetChanged());
            // The screen as of this instant (asked now, answered while the save goes on).
            asked.screen = this.options.screen?.().catch(() => undefined);
          },
        })
        .finally(() => (this.pausing = false));
      manifest.disks.forEach((disk, i) => (this.written[i] = new Map(disk.written)));
      // A resume fetches ahead what the session changed (stored here: the guest worked there)
      // and what the image's restore needs first, rather than chunk by chunk as they are touched.
      const changed = manifest.ram.chunks.flatMap((name, i) =>
        name && !this.image.imageBlobs.has(name) ? [i] : [],
      );
      manifest.workingSet = [...new Set([...changed, ...(this.image.snapshot?.workingSet ?? [])])];
      this.nameImagePacks(manifest);
      const text = asked.screen && (await within(asked.screen, SCREEN_TIMEOUT_MS));
      let screenRef: BlobRef | undefined;
      if (text) {
        const bytes = new TextEncoder().encode(text);
        screenRef = { sha256: await sha256Hex(bytes), size: bytes.length };
        blobs.set(screenRef.sha256, bytes);
      }
      await this.store.writeBlobs(blobs);
      await this.writeRecord(manifest, false, screenRef);
    });
  }

  /**
   * Names the image's packs in `manifest`, a saved machine's, with their pages in chunks the
   * machine changed since the image's snapshot marked SKIPPED_PAGE: a resume then has the pages
   * the image's restore needs first in one request or two (the browser's cache holds them),
   * rather than chunk by chunk.
   */
  private nameImagePacks(manifest: SnapshotManifest): void {
    const image = this.image.snapshot;
    if (!image || image.ram.chunkSize !== manifest.ram.chunkSize) return;
    const perChunk = manifest.ram.chunkSize / PAGE;
    const usable = (pages: number[]) => {
      const kept = pages.map((page) => {
        const chunk = Math.floor(page / perChunk);
        return page >= 0 && manifest.ram.chunks[chunk] === image.ram.chunks[chunk]
          ? page
          : SKIPPED_PAGE;
      });
      return kept.some((page) => page >= 0) ? kept : undefined;
    };
    const first = image.workingSetPages && usable(image.workingSetPages);
    if (first && image.workingSetPack) {
      manifest.workingSetPages = first;
      manifest.workingSetPack = image.workingSetPack;
    }
    const warm = image.warmPages && usable(image.warmPages);
    if (warm && image.warmPack) {
      manifest.warmPages = warm;
      manifest.warmPack = image.warmPack;
    }
  }

  private async writeRecord(
    machine: SnapshotManifest | undefined,
    flushedSinceMachine = false,
    screen?: BlobRef,
  ): Promise<void> {
    const previous = this.record?.machine;
    const disks: SnapshotDisk[] = this.written.map((pages, i) => ({
      fingerprint: this.fingerprints[i],
      pageSize: PAGE,
      written: [...pages].sort(([a], [b]) => a - b),
    }));
    const record: SessionRecord = {
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      kernel: this.image.kernel.sha256,
      disks,
      machine,
      flushedSinceMachine: machine && flushedSinceMachine,
      screen: machine && screen,
      savedAt: Date.now(),
    };
    await this.store.writeRecord(JSON.stringify(record));
    this.record = record;
    // What the record no longer names (pages overwritten since, the last machine's RAM).
    const named = new Set<string>();
    for (const disk of disks) for (const [, sha256] of disk.written) if (sha256) named.add(sha256);
    // The machine's own disks are among its blobs (snapshotBlobs).
    if (machine) for (const { sha256 } of snapshotBlobs(machine)) named.add(sha256);
    if (record.screen) named.add(record.screen.sha256);
    await this.store.deleteBlobs([...this.store.blobs.keys()].filter((name) => !named.has(name)));
    this.events.stored(
      this.bytes,
      this.store.kind,
      machine !== undefined && machine !== previous,
      performance.now() - this.workStarted,
    );
  }

  /**
   * Runs `work` after the saves before it. A failure stops persistence (the machine runs on in
   * memory) and is reported once; it is never the guest's I/O error.
   */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => this.guarded(work));
    this.queue = next;
    return next;
  }

  /**
   * Runs `work` unless persistence stopped; a failure (storage that does not answer within
   * STORAGE_TIMEOUT_MS among them) stops it, said once.
   */
  private async guarded(work: () => Promise<void>): Promise<void> {
    if (this.stopped) return;
    this.workStarted = performance.now();
    try {
      await work();
    } catch (error) {
      if (this.stopped) return;
      this.stopped = true;
      const quota = isQuotaError(error);
      this.events.problem(
        quota ? 'storage-quota' : 'storage-failed',
        quota
          ? "The browser's storage for this site is full, so this terminal's session is no longer saved; it runs on in memory (free space in the browser, or call reset() on terminals you no longer need)"
          : `This terminal's session could not be saved (${(error as Error)?.message ?? error}); it runs on in memory`,
      );
    }
  }
}

/** `promise`'s value, or undefined if it has not settled within `ms` (its rejection is thrown). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
