// The virt board: one RV64GC hart, RAM, CLINT, PLIC, a 16550 UART, virtio-mmio devices
// (console, block, entropy; network when asked for), the syscon for poweroff/reboot, SBI in the
// host, and a device tree.
// It boots a Linux Image in S-mode the way firmware would (a0 = hart id, a1 = device tree) and
// runs it in slices, sleeping while the guest waits for interrupts.
import { Bus } from '../bus.js';
import { Clint } from '../devices/clint.js';
import { GoldfishRtc } from '../devices/goldfish-rtc.js';
import { GuestMemory } from '../devices/guest-memory.js';
import { Plic } from '../devices/plic.js';
import { type PowerRequest, Syscon } from '../devices/syscon.js';
import { Uart16550 } from '../devices/uart16550.js';
import { type BlockBackend, VirtioBlock } from '../devices/virtio/block.js';
import { VirtioConsole } from '../devices/virtio/console.js';
import { VirtioEntropy } from '../devices/virtio/entropy.js';
import { VirtioMmio } from '../devices/virtio/mmio.js';
import { VirtioNet } from '../devices/virtio/net.js';
import { GUEST_MAC } from '../network/addresses.js';
import type { NetworkBackend } from '../network/virtual-network.js';
import { OverlayDisk } from '../disks/overlay-disk.js';
import { Hart, StopReason } from '../hart.js';
import type { JitOptions } from '../jit/translator.js';
import { fromBase64, toBase64 } from '../base64.js';
import { buildDeviceTree } from './device-tree.js';
import {
  MACHINE_STATE_FORMAT,
  MACHINE_STATE_VERSION,
  type MachineState,
  checkMachineState,
} from './machine-state.js';
import { yieldToEventLoop } from './event-loop.js';
import * as map from './memory-map.js';
import { Sbi } from './sbi.js';
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB, memorySizeProblem } from '../memory-size.js';

export class MachineError extends Error {
  constructor(
    readonly code: 'bad-kernel' | 'bad-memory-size' | 'image-too-large' | 'snapshot-disk-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'MachineError';
  }
}

export interface MachineOptions {
  /** A RISC-V Linux kernel Image. */
  kernel: Uint8Array;
  initrd?: Uint8Array;
  /** Kernel command line. */
  cmdline: string;
  memoryMiB: number;
  disks?: BlockBackend[];
  /** Console output (UART, virtio console and SBI console alike). */
  onOutput: (data: Uint8Array) => void;
  /** Output of the command channel (hvc1, where the image's agent answers exec requests). */
  onCommandOutput?: (data: Uint8Array) => void;
  /** A disk backend failed; the guest has seen an I/O error. */
  onDiskError?: (error: unknown) => void;
  /** A device met something it cannot serve (a bad descriptor): it asked the driver to reset it. */
  onDeviceFault?: (device: string, error: unknown) => void;
  clock?: () => number;
  /** The host's wall-clock time in ms since 1970, which the guest's RTC reads (default: now). */
  wallClock?: () => number;
  /** The translator of hot guest code to wasm (default on); see HartOptions.jit. */
  jit?: boolean | JitOptions;
  /**
   * The network behind a virtio-net device (eth0), in the last virtio slot; without it the board
   * has no network device, so its device tree and saved states are as before.
   */
  network?: NetworkBackend;
}

/** Where the content of RAM pages not restored yet comes from (a snapshot read lazily). */
export interface RamLoader {
  /** Fetches the content of the page holding RAM offset `offset` into RAM and marks it present. */
  fill(offset: number): Promise<void>;
}

/** What restoring needs besides the saved state: everything of MachineOptions but the boot. */
export type RestoreOptions = Omit<MachineOptions, 'kernel' | 'initrd' | 'cmdline' | 'memoryMiB'> & {
  /** Fills pages the snapshot left missing in the page map, when RAM is restored lazily. */
  ramLoader?: RamLoader;
  /** Called with RAM, once allocated and before anything runs: put the snapshot's RAM there. */
  loadRam?: (machine: VirtMachine) => void | Promise<void>;
};

/** A machine being saved: its state, and RAM and the disks' written pages to store beside it. */
export interface SavedMachine {
  state: MachineState;
  /** A live view of guest RAM: store or hash it before the machine runs again. */
  ram: Uint8Array;
  /** Per disk, the pages the guest wrote (index of the 4 KiB page → its content). */
  disks: Map<number, Uint8Array>[];
}

export type MachineExit =
  | { reason: 'poweroff' }
  | { reason: 'reboot' }
  | { reason: 'panic'; message: string }
  | { reason: 'stopped' };

export { MIN_MEMORY_MIB, MAX_MEMORY_MIB };

const IRQ_MSI = 1 << 3;
const IRQ_MTI = 1 << 7;
const IRQ_SEI = 1 << 9;
const IRQ_MEI = 1 << 11;
const SLICE = 400_000; // instructions between returns to the host's event loop checks
const EVENT_LOOP_EVERY_MS = 8;
const PANIC = 'Kernel panic - not syncing';

export class VirtMachine {
  readonly hart: Hart;
  readonly uart: Uart16550;
  readonly console: VirtioConsole;
  /** The second virtio console (hvc1): the command channel, apart from the interactive shell. */
  readonly commandChannel: VirtioConsole;
  private readonly clint: Clint;
  private readonly rtc: GoldfishRtc;
  private readonly plic: Plic;
  private readonly sbi: Sbi;
  private readonly useHvc: boolean;
  private readonly transports: VirtioMmio[] = [];
  private readonly blocks: VirtioBlock[];
  /** eth0, when the machine has a network. */
  readonly net: VirtioNet | undefined;
  private readonly ramLoader: RamLoader | undefined;
  private lines = 0;
  /** When the guest last spent a whole slice running (not waiting in WFI). */
  private lastBusy = performance.now();
  /** Set while saveState waits for the devices to settle: run() does not run the hart. */
  private saving: Promise<void> | undefined;
  private exit: MachineExit | undefined;
  private wake: (() => void) | undefined;
  /** Set while the machine is held (see hold()); resolves when it may run again. */
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private output = new Uint8Array(64 * 1024);
  private outputLength = 0;
  private recentText = '';
  private hiddenText = '';
  private readonly decoder = new TextDecoder();
  private panicAt = -1;
  /** Instructions retired since boot. */
  get instructions(): bigint {
    return this.hart.instret;
  }

  private constructor(
    hart: Hart,
    readonly bus: Bus,
    private readonly options: MachineOptions,
    ramLoader?: RamLoader,
    /**
     * Whether the board has virtio-net: when booted, if it has a network; when restored, if the
     * saved machine had the device (its network, if any, is then plugged in).
     */
    withNet = options.network !== undefined,
  ) {
    this.hart = hart;
    this.ramLoader = ramLoader;
    const memory = new GuestMemory(hart.ram, map.RAM_BASE, hart.pageMap);
    const irq = (source: number) => (level: boolean) => this.plic.setLevel(source, level);
    this.plic = new Plic((context, level) =>
      this.setLine(context === 0 ? IRQ_MEI : IRQ_SEI, level),
    );
    this.clint = new Clint(hart.now, () => this.setLine(IRQ_MSI, this.clint.msip !== 0));
    // With console=hvc0 the UART only carries what the kernel prints before the virtio console
    // exists: it is watched for panics but not shown twice.
    this.uart = new Uart16550(
      (byte) => (this.useHvc ? this.watchOnly(byte) : this.emit(byte)),
      irq(map.UART_IRQ),
    );
    this.console = new VirtioConsole((data) => this.emitBytes(data));
    this.commandChannel = new VirtioConsole((data) => options.onCommandOutput?.(data));
    this.useHvc = /(^|\s)console=hvc0(\s|$)/.test(
      options.cmdline
        .split(/\s+/)
        .filter((a) => a.startsWith('console='))
        .at(-1) ?? '',
    );
    this.bus.map(map.SYSCON_BASE, 0x1000, 'syscon', new Syscon((r) => this.power(r)));
    this.rtc = new GoldfishRtc(
      options.wallClock ?? (() => performance.timeOrigin + performance.now()),
      irq(map.RTC_IRQ),
    );
    this.bus.map(map.RTC_BASE, map.RTC_SIZE, 'rtc', this.rtc);
    this.bus.map(map.CLINT_BASE, map.CLINT_SIZE, 'clint', this.clint);
    this.bus.map(map.PLIC_BASE, map.PLIC_SIZE, 'plic', this.plic);
    this.bus.map(map.UART_BASE, 0x100, 'uart', this.uart);
    // Slot order fixes guest names: hvc0 is the console, hvc1 the command channel.
    this.blocks = (options.disks ?? []).map((disk) => new VirtioBlock(disk, options.onDiskError));
    const { network } = options;
    const net = withNet
      ? new VirtioNet(
          GUEST_MAC,
          (frame) => network?.receive(frame),
          () => network?.roomAvailable(),
        )
      : undefined;
    this.net = net;
    if (net)
      network?.connect({
        send: (frame) => {
          const taken = net.receive(frame);
          this.wake?.();
          return taken;
        },
        get room() {
          return net.rxRoom;
        },
      });
    const virtioTypes = [
      this.console,
      this.commandChannel,
      new VirtioEntropy(),
      ...this.blocks,
      ...(this.net ? [this.net] : []),
    ];
    virtioTypes.forEach((type, slot) => {
      const transport = new VirtioMmio(type, memory, irq(map.VIRTIO_FIRST_IRQ + slot), {
        onPageMissing: (address) => this.fillPage(address),
        onFault: (error) => options.onDeviceFault?.(`virtio-${type.deviceId}@${slot}`, error),
      });
      this.transports.push(transport);
      type.attach(transport);
      this.bus.map(
        map.VIRTIO_BASE + slot * map.VIRTIO_STRIDE,
        map.VIRTIO_STRIDE,
        `virtio-${type.deviceId}@${slot}`,
        transport,
      );
    });
    this.sbi = new Sbi(hart, {
      write: (data) => this.emitBytes(data),
      readByte: () => -1,
      reset: (type) => this.power(type === 0 ? { kind: 'poweroff' } : { kind: 'reboot' }),
    });
  }

  static async create(options: MachineOptions): Promise<VirtMachine> {
    const { memoryMiB } = options;
    const problem = memorySizeProblem(memoryMiB);
    if (problem) throw new MachineError('bad-memory-size', `memory ${problem}`);
    checkKernel(options.kernel);
    const bus = new Bus();
    const hart = await Hart.create({
      ramBase: map.RAM_BASE,
      ramSize: memoryMiB * 2 ** 20,
      bus,
      clock: options.clock,
      timebaseHz: map.TIMEBASE_HZ,
      jit: options.jit,
    });
    const machine = new VirtMachine(hart, bus, options);
    machine.boot(3 + (options.disks?.length ?? 0) + (machine.net ? 1 : 0));
    return machine;
  }

  /**
   * A machine that resumes `state` where it was saved, without booting. RAM comes from
   * `options.loadRam` (all of it) or page by page from `options.ramLoader` (lazy restore: the
   * caller marks the pages it has not filled missing in `machine.hart.pageMap`). Throws a
   * StateError for a state that does not fit; nothing of it runs until run().
   */
  static async fromState(state: MachineState, options: RestoreOptions): Promise<VirtMachine> {
    checkMachineState(state);
    const disks = options.disks?.length ?? 0;
    if (disks !== state.disks)
      throw new MachineError(
        'snapshot-disk-mismatch',
        `the saved machine had ${state.disks} disk(s) and this image has ${disks}: the snapshot was taken on another image; boot it cold or take the snapshot again`,
      );
    const bus = new Bus();
    const hart = await Hart.create({
      ramBase: map.RAM_BASE,
      ramSize: state.memoryMiB * 2 ** 20,
      bus,
      clock: options.clock,
      timebaseHz: map.TIMEBASE_HZ,
      jit: options.jit,
    });
    const machine = new VirtMachine(
      hart,
      bus,
      { ...options, kernel: new Uint8Array(0), cmdline: state.cmdline, memoryMiB: state.memoryMiB },
      options.ramLoader,
      state.net !== undefined,
    );
    machine.restore(state);
    await options.loadRam?.(machine);
    return machine;
  }

  private restore(state: MachineState): void {
    this.hart.restoreState(fromBase64(state.hart));
    // The hart's state leaves out what the host configures: ecalls from S-mode are the host's
    // SBI, as after a boot (or the guest's first SBI call, e.g. a power-off, traps to M-mode).
    this.hart.setSlot(this.hart.layout.HOST_CALLS, 1n);
    this.hart.setTime(state.time);
    // The PLIC first: the devices then drive their lines into it as their states say.
    this.plic.restoreState(state.plic);
    this.clint.restoreState(state.clint);
    this.rtc.restoreState(state.rtc);
    this.uart.restoreState(state.uart);
    this.console.restoreState(state.console);
    this.commandChannel.restoreState(state.commandChannel);
    if (state.net) this.net!.restoreState(state.net);
    this.transports.forEach((transport, slot) => transport.restoreState(state.virtio[slot]));
  }

  /**
   * Saves the machine between two instructions: waits until no disk request is in flight (the
   * guest does not run meanwhile), takes every device's state, and hands it with live views of
   * RAM and the disks' written pages to `store`; the guest runs on only when `store` is done.
   */
  async saveState<T>(store: (saved: SavedMachine) => T | Promise<T>): Promise<T> {
    if (this.exit) throw new Error(`the machine has stopped (${this.exit.reason})`);
    let settled!: () => void;
    const saving = new Promise<void>((resolve) => (settled = resolve));
    this.saving = saving;
    try {
      // Disk requests in flight, and any device work waiting for a page of a restore.
      await Promise.all([
        ...this.blocks.map((block) => block.idle()),
        // A restore's written pages still on their way (OverlayDisk.restorePagesLater).
        ...this.overlays.map((overlay) => overlay?.arrived()),
        ...this.transports.map((transport) => transport.idle()),
      ]);
      const state: MachineState = {
        format: MACHINE_STATE_FORMAT,
        version: MACHINE_STATE_VERSION,
        memoryMiB: this.hart.ramSize / 2 ** 20,
        cmdline: this.options.cmdline,
        time: this.hart.now(),
        hart: toBase64(this.hart.saveState()),
        uart: this.uart.saveState(),
        clint: this.clint.saveState(),
        plic: this.plic.saveState(),
        rtc: this.rtc.saveState(),
        virtio: this.transports.map((transport) => transport.saveState()),
        console: this.console.saveState(),
        commandChannel: this.commandChannel.saveState(),
        disks: this.blocks.length,
        ...(this.net ? { net: this.net.saveState() } : {}),
      };
      const disks = this.blocks.map((block) =>
        block.backend instanceof OverlayDisk ? block.backend.writtenPages() : new Map(),
      );
      return await store({ state, ram: this.hart.ram, disks });
    } finally {
      if (this.saving === saving) this.saving = undefined;
      settled();
    }
  }

  /** Whether the machine has stopped (powered off, failed, or stopped by the host). */
  get stopped(): boolean {
    return this.exit !== undefined;
  }

  /** The disks the guest writes into memory (copy-on-write over the image's), in order. */
  get overlays(): (OverlayDisk | undefined)[] {
    return this.blocks.map((block) =>
      block.backend instanceof OverlayDisk ? block.backend : undefined,
    );
  }

  /** Milliseconds since the guest last ran a whole slice: how long it has been idle. */
  get idleMs(): number {
    return performance.now() - this.lastBusy;
  }

  /** Fills the page holding guest-physical `address` from the snapshot (lazy restore). */
  private fillPage(address: number): Promise<void> {
    if (!this.ramLoader)
      return Promise.reject(
        new Error(`guest page 0x${address.toString(16)} is missing and nothing can fill it`),
      );
    return this.ramLoader.fill(address - map.RAM_BASE);
  }

  private boot(virtioSlots: number): void {
    const { kernel, initrd, cmdline } = this.options;
    const ramSize = this.hart.ramSize;
    const kernelEnd = map.KERNEL_OFFSET + Math.max(kernel.length, imageSize(kernel));
    const dtbOffset = ramSize - 0x10_0000; // the last MiB holds the device tree
    let initrdRange: { start: number; end: number } | undefined;
    if (initrd) {
      const start = Math.floor((dtbOffset - initrd.length) / 4096) * 4096;
      if (start < kernelEnd + 0x100_0000) {
        throw new MachineError(
          'image-too-large',
          `the kernel and initramfs (${((kernelEnd + initrd.length) / 2 ** 20).toFixed(1)} MiB) do not fit in ${ramSize / 2 ** 20} MiB of memory with room to run; give the machine more memory`,
        );
      }
      this.hart.ram.set(initrd, start);
      initrdRange = { start: map.RAM_BASE + start, end: map.RAM_BASE + start + initrd.length };
    } else if (kernelEnd + 0x100_0000 > dtbOffset) {
      throw new MachineError(
        'image-too-large',
        `the kernel does not fit in ${ramSize / 2 ** 20} MiB of memory; give the machine more memory`,
      );
    }
    this.hart.ram.set(kernel, map.KERNEL_OFFSET);
    const dtb = buildDeviceTree({
      ramSize,
      bootargs: cmdline,
      initrd: initrdRange,
      virtioSlots,
      rngSeed: crypto.getRandomValues(new Uint8Array(64)),
    });
    this.hart.ram.set(dtb, dtbOffset);

    // What M-mode firmware leaves behind for an S-mode kernel: traps and interrupts delegated,
    // counters and the Sstc timer available to S-mode, ecalls answered by the host (SBI).
    const h = this.hart;
    const L = h.layout;
    h.reset(map.RAM_BASE + map.KERNEL_OFFSET);
    // Every exception but ecall from S (the SBI) goes to the kernel: there is no M-mode code to
    // emulate or forward anything (misaligned accesses are done in hardware here).
    h.setSlot(L.MEDELEG, 0xb1ffn);
    h.setSlot(L.MIDELEG, (1n << 1n) | (1n << 5n) | (1n << 9n));
    h.setSlot(L.MCOUNTEREN, 7n);
    h.setSlot(L.SCOUNTEREN, 7n); // as OpenSBI leaves it: user programs may read cycle, time and instret
    h.setSlot(L.MENVCFG, 1n << 63n); // STCE
    h.setSlot(L.STIMECMP, (1n << 64n) - 1n);
    h.setSlot(L.HOST_CALLS, 1n);
    h.setX(10, 0n); // a0: hart id
    h.setX(11, BigInt(map.RAM_BASE + dtbOffset)); // a1: device tree
    h.privilege = 1; // S-mode
  }

  /**
   * Keyboard input for the guest's console. It reaches the guest as fast as the guest reads it;
   * until then the console holds up to INPUT_QUEUE_BYTES (4 MiB). Returns how many bytes were
   * taken: all of them unless that much is already waiting.
   */
  sendInput(data: Uint8Array): number {
    const accepted = this.useHvc ? this.console.receive(data) : this.uart.receive(data);
    this.wake?.();
    return accepted;
  }

  /** Bytes for the command channel (hvc1), held like sendInput's; returns how many were taken. */
  sendCommand(data: Uint8Array): number {
    const accepted = this.commandChannel.receive(data);
    this.wake?.();
    return accepted;
  }

  /** How many more bytes sendCommand() takes now (the rest of its 4 MiB queue). */
  get commandRoom(): number {
    return this.commandChannel.room;
  }

  /** The terminal's size changed (virtio console; the UART has no notion of it). */
  resize(cols: number, rows: number): void {
    this.console.resize(cols, rows);
    this.wake?.();
  }

  /** Stops run() at its next slice. */
  stop(): void {
    this.exit ??= { reason: 'stopped' };
    this.wake?.();
    this.resume();
  }

  private setLine(bit: number, level: boolean): void {
    this.lines = level ? this.lines | bit : this.lines & ~bit;
    this.hart.setInterruptLines(this.lines);
    if (level) this.wake?.();
  }

  private power(request: PowerRequest): void {
    this.exit ??= request.kind === 'reboot' ? { reason: 'reboot' } : { reason: 'poweroff' };
    this.bus.yieldRequested = true;
  }

  private emit(byte: number): void {
    if (this.outputLength === this.output.length) this.growOutput(1);
    this.output[this.outputLength++] = byte;
  }

  /** UART text that is not shown (console=hvc0), kept only until the next panic check. */
  private watchOnly(byte: number): void {
    this.hiddenText += String.fromCharCode(byte);
  }

  /** Watches console text for a kernel panic: the kernel would spin forever after printing it. */
  private watchForPanic(text: string): void {
    this.recentText = (this.recentText + text).slice(-4096);
    if (this.panicAt < 0 && this.recentText.includes(PANIC)) this.panicAt = performance.now();
  }

  private emitBytes(data: Uint8Array): void {
    if (this.outputLength + data.length > this.output.length) this.growOutput(data.length);
    this.output.set(data, this.outputLength);
    this.outputLength += data.length;
  }

  private growOutput(more: number): void {
    const next = new Uint8Array(Math.max(this.output.length * 2, this.outputLength + more));
    next.set(this.output.subarray(0, this.outputLength));
    this.output = next;
  }

  private flushOutput(): void {
    if (this.hiddenText) {
      this.watchForPanic(this.hiddenText);
      this.hiddenText = '';
    }
    if (this.outputLength === 0) return;
    const data = this.output.slice(0, this.outputLength);
    this.outputLength = 0;
    // Watched before it is handed on: the receiver may take ownership of the buffer.
    this.watchForPanic(this.decoder.decode(data, { stream: true }));
    this.options.onOutput(data);
  }

  /**
   * Holds the guest between two slices, as a real machine waits on a device (flow control: the
   * element holds it while the screen has too much output still to draw). Guest time runs on.
   */
  hold(): void {
    this.held ??= new Promise((resolve) => (this.release = resolve));
  }

  /** Lets a held machine run again. */
  resume(): void {
    this.release?.();
    this.release = undefined;
    this.held = undefined;
  }

  /** Runs the guest until it powers off, reboots, panics, or stop() is called. */
  async run(): Promise<MachineExit> {
    let lastYield = performance.now();
    while (!this.exit) {
      if (this.held || this.saving) {
        await (this.held ?? this.saving);
        lastYield = performance.now();
        continue;
      }
      this.setLine(IRQ_MTI, this.clint.timerPending);
      this.rtc.checkAlarm();
      const reason = this.hart.run(SLICE);
      if (reason === StopReason.HostCall) this.sbi.handle();
      else if (reason === StopReason.Budget) this.lastBusy = performance.now();
      else if (reason === StopReason.PageMissing) {
        // The instruction left no trace: it runs again once its page is in (lazy restore).
        await this.fillPage(this.hart.missingAddress);
        this.lastBusy = lastYield = performance.now();
        continue;
      }
      this.flushOutput();
      if (this.panicAt >= 0 && performance.now() - this.panicAt > 200) {
        // Give the kernel a moment to print the rest of its message, then report it.
        const text = this.recentText.slice(this.recentText.indexOf(PANIC));
        return (this.exit = { reason: 'panic', message: text.split(/\r?\n/)[0].trim() });
      }
      if (reason === StopReason.Wfi) {
        await this.idle();
        lastYield = performance.now();
      } else if (performance.now() - lastYield > EVENT_LOOP_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    this.flushOutput();
    return this.exit;
  }

  /** Sleeps until the next timer deadline or until something wakes the guest. */
  private async idle(): Promise<void> {
    const now = this.hart.now();
    const stimecmp = this.hart.slot(this.hart.layout.STIMECMP);
    const deadline = Math.min(
      stimecmp > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(stimecmp),
      this.clint.mtimecmp,
    );
    const ms = Math.min((deadline - now) / (map.TIMEBASE_HZ / 1000), this.rtc.msUntilAlarm());
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms)
        ? setTimeout(done, Math.min(ms, 1000))
        : setTimeout(done, 1000);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
    this.wake = undefined;
  }
}

function checkKernel(kernel: Uint8Array): void {
  const magic = new TextDecoder().decode(kernel.subarray(48, 56));
  const magic2 = new TextDecoder().decode(kernel.subarray(56, 60));
  if (kernel.length < 64 || magic !== 'RISCV\0\0\0' || magic2 !== 'RSC\x05') {
    throw new MachineError(
      'bad-kernel',
      'the kernel is not a RISC-V Linux Image (no "RISCV" magic in its header)',
    );
  }
}

/** The kernel's memory footprint from its Image header (image_size, bytes 16..24). */
function imageSize(kernel: Uint8Array): number {
  const view = new DataView(kernel.buffer, kernel.byteOffset, kernel.byteLength);
  return view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
}
