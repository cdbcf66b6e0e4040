// One engine host for both entries, the browser Worker (worker.ts) and the Node worker thread
// (node/machine-worker.ts): it creates the machine from a boot image, names every failure with
// one code whichever entry it happens in, runs the machine, and answers exec() through the
// command channel. The entries only translate their own message protocols to and from it.
import { MachineError, type MachineExit, VirtMachine } from './board/virt-machine.js';
import { CommandChannel, type CommandError, type CommandResult } from './command-channel.js';
import { DiskFailures } from './disks/disk-failures.js';
import { type DiskSource, openDisk } from './disks/open-disk.js';
import { ExecRequests } from './exec-requests.js';
import type { BlobFetcher } from './image/blob-fetcher.js';
import { ImageError } from './image/image-error.js';
import type { EngineErrorCode } from './protocol.js';

/** What to boot: a kernel and its disks, as a loaded image gives them. */
export interface BootSpec {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  memoryMiB: number;
  disks?: DiskSource[];
}

export interface HostEvents {
  /** Console output (the shell's screen). */
  output(data: Uint8Array): void;
  /** A disk read failed: the guest saw an I/O error and goes on. */
  diskError(code: EngineErrorCode, message: string): void;
  execResult(id: number, result: CommandResult): void;
  execError(id: number, code: CommandError['code'], message: string): void;
}

/** A failure of the host, with the code the page or the CLI reports. */
export interface HostFailure {
  code: EngineErrorCode;
  message: string;
}

/** The code and sentence for anything thrown while loading or creating a machine. */
export function hostFailure(error: unknown): HostFailure {
  if (error instanceof ImageError || error instanceof MachineError)
    return { code: error.code, message: error.message };
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
  readonly commands = new CommandChannel((data) => this.machine?.sendCommand(data));
  readonly execs: ExecRequests;
  private readonly diskFailures = new DiskFailures();

  constructor(
    readonly fetcher: BlobFetcher,
    private readonly events: HostEvents,
  ) {
    this.execs = new ExecRequests(
      this.commands,
      (id, result) => events.execResult(id, result),
      (id, code, message) => events.execError(id, code, message),
    );
  }

  /** Creates the machine (it does not run yet); throws a HostFailure-shaped error. */
  async boot(spec: BootSpec): Promise<VirtMachine> {
    this.machine = await VirtMachine.create({
      kernel: spec.kernel,
      initrd: spec.initrd,
      cmdline: spec.cmdline,
      memoryMiB: spec.memoryMiB,
      disks: spec.disks?.map((source) => openDisk(source, this.fetcher)),
      onDiskError: (error) => {
        const failure = this.diskFailures.record(error);
        this.events.diskError(failure.code, failure.message);
      },
      onOutput: (data) => this.events.output(data),
      onCommandOutput: (data) => this.commands.receive(data),
    });
    return this.machine;
  }

  /** Runs the machine until it stops. */
  run(): Promise<MachineExit> {
    if (!this.machine) throw new Error('MachineHost.run before boot');
    return this.machine.run();
  }

  /** The fatal error for a panic: named after the disk error that most likely caused it. */
  panicFailure(exit: Extract<MachineExit, { reason: 'panic' }>): HostFailure {
    return this.diskFailures.panic(exit.message);
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
    this.execs.start(id, command, maxOutput);
  }

  cancelExec(id: number): void {
    this.execs.cancel(id);
  }
}
