// One engine host for both entries, the browser Worker (worker.ts) and the Node worker thread
// (node/machine-worker.ts): it creates the machine from a boot image, names every failure with
// one code whichever entry it happens in, runs the machine, and answers exec() through the
// command channel. The entries only translate their own message protocols to and from it.
import { MachineError, type MachineExit, VirtMachine } from './board/virt-machine.js';
import { CommandChannel, CommandError, type CommandResult } from './command-channel.js';
import type { BlobAt, BootImage } from './boot-image.js';
import { DiskFailures } from './disks/disk-failures.js';
import { type DiskSource, openDisk } from './disks/open-disk.js';
import { ExecRequests } from './exec-requests.js';
import { type FileOptions, GuestFiles, type RelativeTo } from './guest-files.js';
import type { BlobFetcher } from './image/blob-fetcher.js';
import { ImageError } from './image/image-error.js';
import type { Codegen } from './jit/codegen.js';
import type { JitOptions } from './jit/translator.js';
import type { EngineErrorCode } from './protocol.js';
import { StateError } from './devices/state-error.js';
import type { CommandChannelState } from './command-channel.js';
import type { ChunkSource, LazyRam } from './snapshot/lazy-ram.js';
import { type SnapshotImage, restoreSnapshot } from './snapshot/restore-snapshot.js';
import type { SnapshotManifest } from './snapshot/snapshot-manifest.js';
import { type TakeOptions, type TakenSnapshot, takeSnapshot } from './snapshot/take-snapshot.js';
import type { VirtualNetwork } from './network/virtual-network.js';

/**
 * The guest's network (docs/network.md): 'fetch' gives it an eth0 whose HTTP requests the
 * host's fetch() carries out; off (undefined) by default.
 */
export type NetworkMode = 'fetch';

/** What the network asks for, beside the image. */
export interface NetworkSpec {
  network?: NetworkMode;
  /** How long each fetch may wait for its answer and for each piece of its body (default 30 s). */
  networkTimeoutMs?: number;
}

/** What to boot: a loaded image (its snapshot, if any, goes through restore() instead). */
export type BootSpec = Omit<BootImage, 'snapshot'> &
  NetworkSpec & {
    /** The translator of hot guest code (default on); `false` interprets everything. */
    jit?: boolean | JitOptions;
    /** Per disk: pages already written (a persisted session's disks), over the image's. */
    diskPages?: Map<number, Uint8Array>[];
  };

/** What to restore: a snapshot taken on `image`, its blobs, and the image's disks. */
export interface RestoreSpec extends NetworkSpec {
  snapshot: SnapshotManifest;
  image: SnapshotImage;
  /**
   * Where the snapshot's blobs are: the URL of their folder (ending in /), the blobs, or a
   * source that fetches and checks them (a persisted session's: persist/persistence.ts).
   */
  blobs: string | Map<string, Uint8Array> | ChunkSource;
  disks: DiskSource[];
  /** Record the working set page by page (the image builder's trial restore). */
  recordPages?: boolean;
  /** The translator of hot guest code (default on); `false` interprets everything. */
  jit?: boolean | JitOptions;
}

/** How long the guest may take to set its clock and reseed after a restore. */
const RESUME_TIMEOUT_MS = 20_000;

export interface HostEvents {
  /** Console output (the shell's screen). */
  output(data: Uint8Array): void;
  /** A disk read failed: the guest saw an I/O error and goes on. */
  diskError(code: EngineErrorCode, message: string): void;
  execResult(id: number, result: CommandResult): void;
  execError(id: number, code: CommandError['code'], message: string): void;
  /** Something went wrong that the machine survives (the guest's clock not set after a restore). */
  warning?(code: EngineErrorCode, message: string): void;
}

/** A failure of the host, with the code the page or the CLI reports. */
export interface HostFailure {
  code: EngineErrorCode;
  message: string;
}

/** A failure of the host itself, with its code. */
export class HostError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** The code and sentence for anything thrown while loading or creating a machine. */
export function hostFailure(error: unknown): HostFailure {
  if (error instanceof ImageError || error instanceof MachineError || error instanceof HostError)
    return { code: error.code, message: error.message };
  if (error instanceof StateError)
    return {
      code: 'snapshot-corrupt',
      message: `The saved machine does not fit this engine (${error.message}); boot cold, or save it again`,
    };
  // WebAssembly.Memory throws a RangeError when the page or process cannot have the memory.
  if (error instanceof RangeError)
    return {
      code: 'out-of-memory',
      message: `The machine could not be given its memory (${error.message}); ask for less with the memory option, or close other tabs`,
    };
  return {
    code: 'internal',
    message: `The emulator failed: ${(error as Error)?.message ?? error}`,
  };
}

export class MachineHost {
  machine: VirtMachine | undefined;
  /** exec requests wait in the channel until the guest's agent says it is ready. */
  readonly commands = new CommandChannel(
    (data) => this.machine?.sendCommand(data),
    // A put's bytes go as fast as hvc1's input queue takes them (nothing before the machine).
    () => this.machine?.commandRoom ?? 0,
  );
  readonly execs: ExecRequests;
  /** Files in and out of the guest, through the same channel. */
  private readonly files = new GuestFiles(this.commands);
  private readonly diskFailures = new DiskFailures();
  /** What the machine runs: the image it booted or was restored on. */
  private image: SnapshotImage | undefined;
  /** RAM of a restored machine, still arriving from the snapshot. */
  ram: LazyRam | undefined;
  /**
   * Instructions the machine had retired when it was created: 0 after a boot, the snapshot's
   * count after a restore (minstret is part of the saved state; what the translator counts is not).
   */
  startInstructions = 0n;
  /**
   * After a restore, settles once the guest's clock and random state are fresh and its prompt
   * redrawn (resumeGuest); undefined after a cold boot.
   */
  resumed: Promise<void> | undefined;
  /**
   * exec() requests that came while a restore was under way, in order: they go to the guest once
   * lt-resume has run (or the restore failed), so that no command sees the snapshot's clock or
   * the random state every reader of the snapshot shares.
   */
  private heldExecs: { id: number; command: string; maxOutput?: number }[] | undefined;
  /** File requests held likewise (a file written then would carry the snapshot's time). */
  private heldFiles: (() => void)[] = [];
  /**
   * The names of RAM's chunks at the last restore or save, since when the page map's DIRTY bits
   * mark what the guest wrote (a later save hashes only those chunks); undefined after a cold boot
   * until the first save.
   */
  private ramNames: readonly (string | null)[] | undefined;

  /** A RAM chunk of the snapshot that could not be had once the machine ran: it stopped on it. */
  private ramFailure: unknown;

  /** The codegen thread, started at the first machine that translates, kept for the next. */
  private codegen: Codegen | undefined;

  /** The guest's network, when the spec asked for one. */
  network: VirtualNetwork | undefined;
  /** What the network makes the guest's requests with (replace before boot to change it). */
  networkFetch: typeof fetch = (input, init) => fetch(input, init);

  /**
   * `startCodegen` starts a thread that writes and compiles translated code (jit/codegen.ts);
   * without one, or if it throws, the translator does that in the machine's own thread.
   */
  constructor(
    readonly fetcher: BlobFetcher,
    private readonly events: HostEvents,
    private readonly startCodegen?: () => Codegen,
  ) {
    this.execs = new ExecRequests(
      this.commands,
      (id, result) => events.execResult(id, result),
      (id, code, message) => events.execError(id, code, message),
    );
  }

  /** Creates the machine (it does not run yet); throws a HostFailure-shaped error. */
  async boot(spec: BootSpec): Promise<VirtMachine> {
    this.image = spec.image;
    const bytes = (blob: Uint8Array | BlobAt) =>
      blob instanceof Uint8Array ? blob : this.fetcher.get(new URL(blob.url), blob);
    const [kernel, initrd] = await Promise.all([
      bytes(spec.kernel),
      spec.initrd && bytes(spec.initrd),
    ]);
    this.machine = await VirtMachine.create({
      ...this.machineEvents(),
      kernel,
      initrd,
      cmdline: spec.cmdline,
      memoryMiB: spec.memoryMiB,
      disks: spec.disks?.map((source) => openDisk(source, this.fetcher)),
      jit: this.jitOptions(spec.jit),
      network: await this.startNetwork(spec),
    });
    spec.diskPages?.forEach((pages, i) => this.machine!.overlays[i]?.restorePages(pages));
    this.startInstructions = 0n;
    this.ramNames = undefined;
    return this.machine;
  }

  /**
   * Creates the machine from a snapshot (it does not run yet). Throws, with the snapshot's own
   * codes, before anything of it exists when the snapshot does not fit the image or is damaged.
   */
  async restore(spec: RestoreSpec): Promise<VirtMachine> {
    this.heldExecs ??= [];
    try {
      return await this.restoreMachine(spec);
    } catch (error) {
      // Nothing of the snapshot runs: the held requests wait for the cold boot's agent instead.
      this.releaseExecs();
      throw error;
    }
  }

  private async restoreMachine(spec: RestoreSpec): Promise<VirtMachine> {
    const { blobs } = spec;
    const source: ChunkSource =
      typeof blobs === 'function'
        ? blobs
        : typeof blobs === 'string'
          ? (sha256, size, urgent) =>
              this.fetcher.get(new URL(`${sha256}.gz`, blobs), { sha256, size }, { urgent })
          : async (sha256, size) => {
              const bytes = blobs.get(sha256);
              if (bytes?.length !== size)
                throw new ImageError(
                  'snapshot-corrupt',
                  `the saved state lacks its blob ${sha256}; it cannot be restored (boot cold, or save it again)`,
                );
              return bytes;
            };
    const restored = await restoreSnapshot(spec.snapshot, spec.image, source, {
      ...this.machineEvents(),
      disks: spec.disks.map((disk) => openDisk(disk, this.fetcher)),
      recordPages: spec.recordPages,
      jit: this.jitOptions(spec.jit),
      network: await this.startNetwork(spec),
    });
    // The machine first: restoring the channel sends what waits in it, through this.machine.
    this.image = spec.image;
    this.ram = restored.ram;
    this.machine = restored.machine;
    this.startInstructions = restored.machine.instructions;
    // A RAM chunk that cannot be had (damaged, gone) stops the machine with its code, whether
    // the hart, a device's DMA or the working set's prefetch asked for it: a device would
    // otherwise fault and the guest run on without it, half restored.
    restored.ram.onFailure = (error) => {
      this.ramFailure ??= error;
      restored.machine.stop();
    };
    const channel = restored.state.host?.commands as CommandChannelState | undefined;
    if (channel) this.commands.restoreState(channel);
    // From here on, DIRTY marks what the guest changed since the snapshot.
    restored.machine.hart.clearDirty();
    this.ramNames = spec.snapshot.ram.chunks;
    return this.machine;
  }

  /**
   * A network for the next machine, if `spec` asks for one (the last one's is closed). The stack
   * is loaded then, so a page or a run without a network never loads it.
   */
  private async startNetwork(spec: NetworkSpec): Promise<VirtualNetwork | undefined> {
    this.network?.close();
    this.network = undefined;
    if (spec.network !== 'fetch') return undefined;
    const { VirtualNetwork } = await import('./network/virtual-network.js');
    this.network = new VirtualNetwork({
      fetch: this.networkFetch,
      fetchTimeoutMs: spec.networkTimeoutMs,
    });
    return this.network;
  }

  /** The machine's translator options, with the codegen thread when it translates. */
  private jitOptions(jit: boolean | JitOptions | undefined): boolean | JitOptions | undefined {
    const options = typeof jit === 'object' ? jit : { enabled: jit ?? true };
    if (!(options.enabled ?? true) || options.codegen || !this.startCodegen) return jit;
    try {
      this.codegen ??= this.startCodegen();
    } catch {
      return jit; // no thread here: the machine's thread writes its code
    }
    return { ...options, codegen: this.codegen };
  }

  private machineEvents() {
    return {
      onDiskError: (error: unknown) => {
        const failure = this.diskFailures.record(error);
        this.events.diskError(failure.code, failure.message);
      },
      onOutput: (data: Uint8Array) => this.events.output(data),
      onDeviceFault: (device: string, error: unknown) =>
        this.events.warning?.(
          'device-fault',
          `The guest's ${device} device met a request it cannot serve (${(error as Error)?.message ?? error}) and asked the guest's driver to reset it; the machine runs on`,
        ),
      onCommandOutput: (data: Uint8Array) => this.commands.receive(data),
    };
  }

  /**
   * Runs the machine until it stops; after a restore, brings the guest up to date first. Rejects
   * (snapshot-chunk-mismatch, or the fetch's own code) when a RAM chunk of the snapshot could not
   * be had once the machine ran.
   */
  run(): Promise<MachineExit> {
    if (!this.machine) throw new Error('MachineHost.run before boot');
    const exit = this.machine.run().then((exit) => {
      this.network?.close();
      if (this.ramFailure) throw this.ramFailure;
      return exit;
    });
    if (this.ram) this.resumed = this.resumeGuest();
    return exit;
  }

  /**
   * A restored guest still has the snapshot's clock and the random state every reader of the
   * snapshot shares: the image's lt-resume sets the clock to the host's and reseeds the kernel's
   * random generator with fresh host entropy (src/images/guest/lt-resume.c). Meanwhile the shell
   * is made to redraw its prompt: the one it printed before the snapshot is not on this screen.
   * Shells redraw on SIGWINCH, which the kernel sends only when the size changes, so the console
   * changes size here, and again when the page sets its own.
   */
  private async resumeGuest(): Promise<void> {
    const { cols, rows } = this.machine!.console.saveState();
    this.machine!.resize(cols, rows > 2 ? rows - 1 : rows + 1);
    const now = Date.now();
    const seconds = Math.floor(now / 1000);
    const nanoseconds = (now % 1000) * 1_000_000;
    const entropy = Array.from(crypto.getRandomValues(new Uint8Array(64)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    const result = await this.commands
      .run(
        `PATH=/sbin:/usr/sbin:/usr/local/sbin:$PATH lt-resume ${seconds} ${nanoseconds} ${entropy}`,
        {
          signal: AbortSignal.timeout(RESUME_TIMEOUT_MS),
        },
      )
      .catch((error: Error) => ({ exitCode: -1, output: error.message }));
    this.releaseExecs();
    if (result.exitCode !== 0)
      this.events.warning?.(
        'snapshot-resume',
        `The restored guest's clock and random state could not be renewed (lt-resume: ${result.output.trim() || `status ${result.exitCode}`}); its time may be the snapshot's`,
      );
  }

  /**
   * A snapshot of the running machine (paused while it is taken). Refused while an exec() runs
   * (the channel's requests cannot be saved) or for a machine not booted from an image.
   */
  async save(
    options: Pick<TakeOptions, 'workingSet' | 'standalone' | 'want' | 'paused'> = {},
  ): Promise<TakenSnapshot> {
    const { machine, image } = this;
    if (!machine || !image)
      throw new HostError(
        'snapshot-unsupported',
        'only a machine booted from an image (a manifest) can be saved',
      );
    // exec() requests held during a restore are requests all the same: they cannot be saved.
    if (this.heldExecs?.length || this.heldFiles.length)
      throw new CommandError(
        'busy',
        'exec: a command is queued or running; save the machine when every exec() has settled',
      );
    const commands = this.commands.saveState();
    const taken = await takeSnapshot(machine, {
      kernel: image.kernel.sha256,
      disks: image.disks,
      restoredRam: this.ram,
      host: () => ({ commands }),
      ...options,
      previous: this.ramNames,
    });
    // The save cleared the DIRTY bits: its names are what the next save starts from.
    this.ramNames = taken.manifest.ram.chunks;
    return taken;
  }

  /** The fatal error for a panic: named after the disk error that most likely caused it. */
  panicFailure(exit: Extract<MachineExit, { reason: 'panic' }>): HostFailure {
    return this.diskFailures.panic(exit.message);
  }

  /** Whether an exec() is queued, held or running: the machine cannot be saved meanwhile. */
  get execsPending(): boolean {
    return this.commands.busy || (this.heldExecs?.length ?? 0) > 0 || this.heldFiles.length > 0;
  }

  input(data: Uint8Array): void {
    this.machine?.sendInput(data);
  }

  resize(cols: number, rows: number): void {
    this.machine?.resize(cols, rows);
  }

  stop(): void {
    this.machine?.stop();
  }

  exec(id: number, command: string, maxOutput?: number): void {
    if (this.heldExecs) this.heldExecs.push({ id, command, maxOutput });
    else this.execs.start(id, command, maxOutput);
  }

  cancelExec(id: number): void {
    // A held request is dropped unanswered, as a cancelled one is: its requester has given up.
    if (this.heldExecs) this.heldExecs = this.heldExecs.filter((held) => held.id !== id);
    this.execs.cancel(id);
  }

  /**
   * Writes `data` to the guest's `path` (relative to /root, or with `relativeTo: 'shell'` to the
   * console shell's working folder), whole or not at all; resolves with the absolute path. Throws
   * a FileError (guest-files.ts) with its code, or the signal's reason when it aborts.
   */
  async writeFile(
    path: string,
    data: Uint8Array,
    options: FileOptions & { relativeTo?: RelativeTo } = {},
  ): Promise<string> {
    await this.released();
    return this.files.write(path, data, options);
  }

  /** The bytes of the guest's file `path` (relative to /root); throws like writeFile. */
  async readFile(path: string, options: FileOptions = {}): Promise<Uint8Array> {
    await this.released();
    return this.files.read(path, options);
  }

  /** Resolves once requests may go to the guest: at once, except during a restore (heldExecs). */
  private released(): Promise<void> {
    if (!this.heldExecs) return Promise.resolve();
    return new Promise((resolve) => this.heldFiles.push(resolve));
  }

  /** Sends the exec() requests held during a restore, in the order they came, then the files. */
  private releaseExecs(): void {
    const held = this.heldExecs ?? [];
    this.heldExecs = undefined;
    for (const { id, command, maxOutput } of held) this.execs.start(id, command, maxOutput);
    const files = this.heldFiles;
    this.heldFiles = [];
    for (const release of files) release();
  }
}
