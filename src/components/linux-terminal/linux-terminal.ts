import { LitElement, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { SerializeAddon } from '@xterm/addon-serialize';
import type {
  EngineErrorCode,
  EngineMessage,
  HostMessage,
  MachineStats,
} from '../../engine/protocol.js';
import { MAX_FILE_BYTES, defaultFileTimeout, formatBytes } from '../../engine/guest-files.js';
import { builtInImages } from '../../images/index.js';
import { type PrecacheProgress, type PrecacheResult, precache } from '../../offline/precache.js';
import {
  type ServiceWorkerErrorCode,
  handLoadedUrls,
  registerServiceWorker,
  serviceWorkerConfigured,
  serviceWorkerReady,
} from '../../offline/service-worker-registration.js';
import { dedent } from '../dedent.js';
import { LinuxFile } from '../linux-file/linux-file.js';
import type { ExecOptions, ExecResult } from './exec-types.js';
export type { ExecOptions, ExecResult };
import { InteractiveShell, type ShellOptions, type ShellResult } from './interactive-shell.js';
export type { ShellOptions, ShellResult };
import {
  type BootMode,
  type JitMode,
  type NetworkMode,
  readBoot,
  readJit,
  readNetwork,
  readMemory,
  readRows,
} from './attribute-values.js';
import { ERASE_PROGRESS, drawProgress, progressText, WAITING_TEXT } from './boot-progress.js';
import { type ElementErrorCode, elementError, stoppedError } from './element-error.js';
import { type MachineStop, machineOverlay } from './machine-overlay.js';
import { terminalStyles } from './linux-terminal.styles.js';
import { drawNow, forgetScreen, queueOutput } from './screen-scheduler.js';
import { requestBootSlot } from './boot-gate.js';
import { inOwnTask } from './task-queue.js';
import { xtermStyles } from './xterm-css.generated.js';
import type { FileOptions, ReadFileOptions } from './file-types.js';
export type { FileOptions, ReadFileOptions };
import { writeNote } from './terminal-note.js';
import { SAVED_SCROLLBACK_LINES, SessionKeeper, sessionKey } from './session-keeper.js';
import { clearSessionStore } from '../../engine/persist/session-store.js';

export interface LinuxTerminalOutputDetail {
  data: string;
}
export interface LinuxTerminalErrorDetail {
  code: EngineErrorCode | ServiceWorkerErrorCode | ElementErrorCode;
  message: string;
  /**
   * True when the machine stopped (or never started); false when it runs on (a disk read failed,
   * or keeping the image for offline use did).
   */
  fatal: boolean;
}
export interface LinuxTerminalProgressDetail {
  phase: 'download' | 'boot';
  loaded: number;
  total: number;
}
export interface LinuxTerminalReadyDetail {
  /** The machine was restored from a snapshot (the image's, or restoreState()'s), not booted. */
  restored: boolean;
  /** The machine is the session `persist` kept, resumed where the reader left it. */
  resumed: boolean;
}
export interface LinuxTerminalStorageDetail {
  /** Bytes the `persist` session takes in the browser's storage now. */
  bytes: number;
  /** Where: the Origin Private File System, or IndexedDB where the browser has none. */
  kind: 'opfs' | 'indexeddb';
  /** The whole machine was saved (what a reload resumes); otherwise the disks' pages only. */
  machine: boolean;
  /** How long the save took, in ms (the machine's pause included). */
  ms: number;
}
export interface LinuxTerminalExitDetail {
  reason: 'poweroff' | 'reboot';
}
/** Blobs (`loaded` of `total`) and uncompressed bytes (`bytes` of `totalBytes`) stored so far. */
export type LinuxTerminalPrecacheProgressDetail = PrecacheProgress;
/** The image is stored; `fetched` blobs of `total` were downloaded now, the rest were stored already. */
export type LinuxTerminalPrecachedDetail = PrecacheResult;

type Status = 'idle' | 'booting' | 'ready' | 'exited' | 'error';

/** A restoreState() under way: its bundle (until the Worker has it) and its promise. */
interface PendingRestore {
  state?: Uint8Array;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The Worker's answer to a file request. */
type FileAnswer = Extract<EngineMessage, { type: 'file-written' | 'file-read' }>;

const encoder = new TextEncoder();

/** How long a download's Blob URL lives: the browser may read it after click() returns. */
const REVOKE_DOWNLOAD_MS = 40_000;

/** Refuses a file larger than one request carries, before any copy of it is made. */
function checkFileSize(bytes: number): void {
  if (bytes > MAX_FILE_BYTES)
    throw elementError(
      'file-too-large',
      `The file is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_FILE_BYTES)} one request carries; split it, and join the parts in the guest (cat).`,
    );
}

/**
 * A live Linux shell in the page: a RISC-V machine emulated in a Web Worker, shown with xterm.js.
 *
 * Files go in and out of the guest through its agent, not the reader's shell: `writeFile(path,
 * data)`, `readFile(path)` (or `readFile(path, 'utf8')`) and `download(path, filename?)`. Files
 * dropped on the terminal are written to the shell's working folder (or /root), with a note on
 * the terminal; while they are dragged over it, the frame is outlined (docs/files.md).
 *
 * @summary Embeds a real Linux terminal in a documentation page.
 *
 * @slot - `<linux-file>` elements (files placed in the guest) and an optional
 *   `<script type="text/x-shell">` (lines typed after boot).
 *
 * @event linux-terminal-progress - Download and boot progress: `detail.phase`, `loaded`, `total`.
 * @event linux-terminal-ready - The guest reached its shell prompt; `detail.restored` says whether
 *   the machine was restored from a snapshot rather than booted, `detail.resumed` whether it is the
 *   session `persist` kept.
 * @event linux-terminal-storage - With `persist`: the session was stored; `detail.bytes` is what it
 *   takes now, `detail.kind` where (`opfs` or `indexeddb`), `detail.machine` whether the whole
 *   machine was saved (what a reload resumes) or only the disks' pages.
 * @event linux-terminal-output - The guest printed text; `detail.data` holds it.
 * @event linux-terminal-exit - The guest powered off or rebooted; `detail.reason` says which.
 *   After a power-off the terminal shows "Machine stopped" with a Restart button; after a reboot
 *   the element boots the machine again (and `ready` waits for the new prompt).
 * @event linux-terminal-error - Something failed; `detail.code` and `detail.message` say what,
 *   `detail.fatal` whether the machine stopped. A snapshot that cannot be restored (the image's,
 *   or restoreState()'s) is not fatal: the machine boots cold instead.
 * @event linux-terminal-precache-progress - Keeping the image for offline use: `detail.loaded` of
 *   `detail.total` blobs, `detail.bytes` of `detail.totalBytes` bytes stored.
 * @event linux-terminal-precached - The whole image is stored (and the service worker, if one is
 *   registered, has cached the page): the page works offline.
 *
 * @csspart base - The frame around the terminal.
 * @csspart screen - The element xterm.js renders into.
 * @csspart poster - What is shown before the machine starts.
 * @csspart run-button - The poster's Run button.
 * @csspart overlay - What covers the terminal once the machine stopped (power-off or fatal error).
 * @csspart restart-button - The overlay's Restart button.
 *
 * @cssproperty --linux-terminal-background=#1e1e1e - Background of the frame and the screen.
 * @cssproperty --linux-terminal-foreground=#d4d4d4 - Default text colour.
 * @cssproperty --linux-terminal-accent=#2563eb - The Run button and the focus ring.
 * @cssproperty --linux-terminal-accent-foreground=#fff - The Run button's text, drawn on the
 *   accent colour: set both for a light theme.
 * @cssproperty --linux-terminal-border-radius=6px - Corner radius of the frame.
 * @cssproperty --linux-terminal-padding=8px - Space between the frame and the screen.
 */
export class LinuxTerminal extends LitElement {
  static override styles = [xtermStyles, terminalStyles];

  /** A built-in image name (`busybox`), or the URL of an image manifest. */
  @property() image = 'busybox';

  /** Guest memory in MiB; the image's default when unset. */
  @property({ type: Number }) memory?: number;

  /**
   * `snapshot` (the default): resume the machine the image saved at its prompt, when it has one
   * (and `memory` is unset or the snapshot's size), which shows the prompt far sooner than a
   * boot; `cold`: boot the kernel. Read at each boot (start, restart).
   */
  @property() boot: BootMode = 'snapshot';

  /**
   * `off`: the machine interprets every guest instruction instead of translating hot code to
   * WebAssembly (slower; to compare, or to rule the translator out). Read at each boot.
   */
  @property() jit: JitMode = 'on';

  /**
   * `fetch`: the guest gets a network (eth0, DHCP, names) whose HTTP requests the browser makes
   * with fetch(), so only what this page could fetch itself is reachable (docs/network.md); the
   * machine boots rather than restoring the image's snapshot. Unset: no network device at all.
   * Read at each boot.
   */
  @property() network?: string;

  /** Shell lines typed after boot, one at each prompt; or use a child `<script type="text/x-shell">`. */
  @property() script?: string;

  /** Boot at once (or, with `loading="lazy"`, once visible) instead of showing a Run button. */
  @property({ type: Boolean }) autorun = false;

  /** `lazy`: with `autorun`, boot only when the element scrolls into view. */
  @property() loading: 'eager' | 'lazy' = 'eager';

  /** No keyboard input: for output-only snippets. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  /**
   * `webgl`: draw with xterm.js's WebGL renderer, loaded only when asked for; the DOM renderer
   * stays when WebGL is unavailable or its context is lost.
   */
  @property() renderer: 'dom' | 'webgl' = 'dom';

  /** Turn on xterm.js's screen-reader mode (an accessible live region of the output). */
  @property({ type: Boolean, attribute: 'screen-reader' }) screenReader = false;

  /** The accessible name of the terminal; defaults to "Linux terminal". */
  @property() label?: string;

  /** Terminal height in rows (24 when unset). */
  @property({ type: Number }) rows?: number;

  /**
   * The URL of linux-terminal's service worker (`dist/service-worker.js`, hosted so that its
   * scope covers the page and the bundle; see docs/offline.md). Registered once per page, like
   * `configure({ serviceWorker })`. Without one, files are cached by the browser's HTTP cache only.
   */
  @property({ attribute: 'service-worker' }) serviceWorker?: string;

  /**
   * Keep the whole image for offline use: after the first shell prompt (so as not to slow the
   * boot), the element stores every blob of the image, as `precache()` does. Only under a service
   * worker (this element's, `configure()`'s or one already controlling the page): without one,
   * nothing would read the stored image.
   */
  @property({ type: Boolean }) offline = false;

  /**
   * Keep the reader's session in the browser: what the guest writes to its disk is stored when
   * it syncs, and the whole machine when the page is hidden or the element removed, and a page
   * with the same key resumes it (docs/persistence.md). The value is the key; empty (`persist`
   * alone), this page's URL and the image's. Absent: nothing is kept.
   */
  @property() persist?: string;

  /**
   * Where the machine is: `idle` (poster, or removed from the page), `booting`, `ready` (at its
   * shell), `exited` (powered off) or `error` (a fatal error). Reflected, so pages, styles and
   * tests can see it.
   */
  @property({ reflect: true }) status: Status = 'idle';

  @state() private started = false;
  /** Why the machine is not running, shown over the terminal; undefined while it runs. */
  @state() private stop?: MachineStop;
  @query('.screen') private screen?: HTMLElement;

  private terminal?: Terminal;
  private fit?: FitAddon;
  /** xterm.js's serialize addon on `terminal`, loaded when a `persist` session first saves. */
  private serializer?: { terminal: Terminal; addon: SerializeAddon };
  private worker?: Worker;
  /** Gives back this machine's start slot (boot-gate.ts), or withdraws its request. */
  private releaseBootSlot?: () => void;
  /** Stores the `persist` session when the page is hidden or the element removed. */
  private readonly session = new SessionKeeper(() =>
    this.persistingWorker ? this.worker : undefined,
  );
  /** Whether the current Worker runs a `persist` session. */
  private persistingWorker = false;
  private resizeObserver?: ResizeObserver;
  private intersectionObserver?: IntersectionObserver;
  private readonly execs = new Map<
    number,
    { resolve: (r: ExecResult) => void; reject: (e: Error) => void }
  >();
  private nextExec = 1;
  /** runInShell()'s driver of the console's shell, for the current machine. */
  private shell?: InteractiveShell;
  private readonly saves = new Map<
    number,
    { resolve: (state: Blob) => void; reject: (e: Error) => void }
  >();
  private nextSave = 1;
  private readonly statsRequests = new Map<number, (stats: MachineStats | undefined) => void>();
  private nextStats = 1;
  /** writeFile(), readFile() and dropped files waiting for the Worker's answer, by id. */
  private readonly fileRequests = new Map<
    number,
    { what: string; resolve: (answer: FileAnswer) => void; reject: (e: Error) => void }
  >();
  private nextFile = 1;
  /** Files are being dragged over the terminal (the frame shows where they would go). */
  @state() private dragging = false;
  /** dragenter minus dragleave: entering a child leaves the parent. */
  private dragDepth = 0;
  /** restoreState()'s: sent with the next boot, settled at its prompt or when it fails. */
  private restore?: PendingRestore;
  private precaching?: Promise<void>;
  private precacheAbort?: AbortController;
  private precached = false;
  private readyPromise!: Promise<void>;
  private readyPending = false;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  /** Set on removal, cleared if the element is back in the same task (moved, not removed). */
  private teardownTimer?: ReturnType<typeof setTimeout>;
  /** The reader asked for the machine (Run, Restart): the keyboard goes to the terminal. */
  private focusOnBoot = false;
  /** The boot progress line is on the screen (erased before the guest's first output). */
  private progressShown = false;
  private guestSpoke = false;

  constructor() {
    super();
    this.renewReady();
  }

  /**
   * Resolves when the guest's shell prompt appears and the `<linux-file>` files are in place.
   * Rejects with the fatal error's code if the machine fails first, and with `stopped` once the
   * element is removed or the guest powered off. After a reboot (`restart()`, or `reboot` in the
   * guest) it is a new promise, pending until the new prompt.
   */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  override render() {
    const label = this.label ?? 'Linux terminal';
    return html`<div
      class=${classMap({ base: true, dragging: this.dragging })}
      part="base"
      role="group"
      aria-label=${label}
      @dragenter=${this.onDragEnter}
      @dragover=${this.onDragOver}
      @dragleave=${this.onDragLeave}
      @drop=${this.onDrop}
    >
      ${
        this.started
          ? html`<div class="screen" part="screen"></div>
              <p class="hint" id="hint">Escape, then Tab, moves focus out of the terminal.</p>
              ${machineOverlay(this.stop, () => {
                this.focusOnBoot = true;
                this.restart();
              })}`
          : html`<div class="poster" part="poster">
              <button
                class="run"
                part="run-button"
                aria-label="Run ${label}"
                @click=${() => {
                  this.focusOnBoot = true;
                  this.start();
                }}
              >
                Run
              </button>
              <span class="image" title=${this.image}>${this.image}</span>
            </div>`
      }
    </div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('serviceWorker') && this.serviceWorker)
      void registerServiceWorker(this.serviceWorker);
    if (changed.has('rows') && this.terminal && this.fit) {
      const { problem } = readRows(this.rows, this.getAttribute('rows'));
      if (problem) this.warn('invalid-attribute', problem);
      if (this.fitColumns(this.terminal, this.fit))
        this.post({ type: 'resize', cols: this.terminal.cols, rows: this.terminal.rows });
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.session.connect();
    if (this.teardownTimer !== undefined) {
      // Moved (reparented, a tab switched) within one task: the machine and session go on.
      clearTimeout(this.teardownTimer);
      this.teardownTimer = undefined;
      return;
    }
    if (this.started) {
      this.renewReady(); // added again: a new machine, and `ready` waits for it
      this.scheduleBoot();
    } else if (this.autorun) this.scheduleAutorun();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Tear down only if the element is still out of the page once this task is over: a page that
    // moves it (remove, then append elsewhere) keeps its machine.
    clearTimeout(this.teardownTimer);
    this.teardownTimer = setTimeout(() => {
      this.teardownTimer = undefined;
      if (!this.isConnected) this.teardown();
    });
  }

  /** Starts the machine (what the Run button does). */
  start(): void {
    if (this.started) return;
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = undefined;
    this.started = true;
    this.scheduleBoot();
  }

  /** Stops the machine and boots it again from the image. */
  restart(): void {
    this.replaceMachine();
  }

  /**
   * With `persist`: deletes what was stored for this terminal's key and, if the machine was
   * started, boots it afresh from the image. Resolves once the stored session is gone.
   */
  async reset(): Promise<void> {
    const image = this.imageUrl();
    const key = image && sessionKey(this.persist, image);
    const wasStarted = this.started;
    // The Worker first: it holds the session's lock and may be storing it.
    this.stopMachine();
    if (key) await clearSessionStore(key);
    if (wasStarted && this.isConnected) this.replaceMachine();
  }

  /**
   * Asks the browser to keep this site's storage (the `persist` sessions among it) under storage
   * pressure (navigator.storage.persist()); the browser may ask the reader, or decide by itself.
   * Resolves to whether it will. Never called by the element itself.
   */
  async requestDurableStorage(): Promise<boolean> {
    return (await navigator.storage?.persist?.()) ?? false;
  }

  /**
   * The running machine as a snapshot bundle (docs/image-format.md, Snapshot bundles): its RAM,
   * devices and disk writes, for restoreState() to resume later, here or in another page with the
   * same image. Waits for the machine to be ready. Rejects with an Error whose `code` is
   * `stopped` (no machine running), `busy` (an exec() or a file request is queued or running)
   * or the engine's.
   */
  async saveState(): Promise<Blob> {
    if (this.status !== 'booting' && this.status !== 'ready') throw stoppedError('saveState');
    if (this.readyPending) await this.ready;
    if (!this.worker) throw stoppedError('saveState'); // it stopped meanwhile
    const id = this.nextSave++;
    return new Promise((resolve, reject) => {
      this.saves.set(id, { resolve, reject });
      this.post({ type: 'save', id });
    });
  }

  /**
   * What the machine has done: instructions retired since it was created or restored, and the
   * translator's figures (units compiled, compile time, instructions run translated, evictions;
   * absent with `jit="off"`). Waits for the machine to be ready. Rejects with an Error whose
   * `code` is `stopped` when no machine is running.
   */
  async stats(): Promise<MachineStats> {
    if (this.status !== 'booting' && this.status !== 'ready') throw stoppedError('stats');
    await this.ready;
    if (!this.worker) throw stoppedError('stats');
    const id = this.nextStats++;
    const stats = await new Promise<MachineStats | undefined>((resolve) => {
      this.statsRequests.set(id, resolve);
      this.post({ type: 'stats', id });
    });
    if (!stats) throw stoppedError('stats');
    return stats;
  }

  /**
   * Replaces the running machine, if any, with one resumed from `state` (a saveState() blob),
   * and resolves once it is ready. A state that cannot be restored (damaged, of another image or
   * version) rejects with an Error carrying the code (`snapshot-corrupt`, `snapshot-disk-mismatch`,
   * `snapshot-chunk-mismatch`, `snapshot-version`...), and the element boots cold instead, with
   * the same code in a non-fatal `linux-terminal-error`.
   */
  async restoreState(state: Blob): Promise<void> {
    const bytes = new Uint8Array(await state.arrayBuffer());
    return new Promise((resolve, reject) => this.replaceMachine({ state: bytes, resolve, reject }));
  }

  /**
   * Stops the machine and boots another: from the image, or from `restore`'s state. One Worker at
   * any time: the old one is gone before the new one is scheduled.
   */
  private replaceMachine(restore?: PendingRestore): void {
    this.stopMachine();
    this.restore = restore;
    this.renewReady(); // `ready` is pending again from now until the new prompt
    if (this.isConnected) {
      this.status = 'booting';
      this.stop = undefined;
    }
    if (!this.started) this.start();
    else this.scheduleBoot();
  }

  /**
   * Runs `command` in the guest through its command channel (not the interactive shell, whose
   * screen it leaves alone) and resolves to its exit status and output (stdout and stderr, cut
   * at `maxOutput`, 16 MiB by default). Waits for the machine to be ready; commands run one at
   * a time, in call order. Rejects after `timeout` milliseconds (default 60 s), and the guest
   * kills the command if it was running. See ExecOptions and ExecResult.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeout = options.timeout ?? 60_000;
    const deadline = performance.now() + timeout;
    const timedOut = () =>
      Object.assign(new Error(`exec: no answer from the guest within ${timeout} ms`), {
        code: 'timeout',
      });
    // At a ready machine the request goes at once, so that calls reach the Worker in call order
    // (an exec() and then a saveState() must find the command queued).
    if (this.readyPending || this.status !== 'ready')
      await Promise.race([
        this.ready,
        new Promise((_, reject) => setTimeout(() => reject(timedOut()), timeout)),
      ]);
    const id = this.nextExec++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.execs.delete(id);
          // The Worker drops the command, or has the guest kill it, and goes on with the next.
          this.post({ type: 'exec-cancel', id });
          reject(timedOut());
        },
        Math.max(0, deadline - performance.now()),
      );
      this.execs.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.post({ type: 'exec', id, command, maxOutput: options.maxOutput });
    });
  }

  /**
   * Types `command` into the terminal's own shell, as a reader would (the snippet checker runs
   * snippets the same way), and resolves to its output and exit status: a `cd` or a variable
   * stays for the next call and for the reader, and an `exit` ends that shell. The screen shows
   * the command after the prompt, then its output, as if typed. Unlike exec(), which leaves the
   * screen alone, this is the reader's shell: don't call it while the reader types. Waits for
   * the machine to be ready; calls run one at a time, in call order. Rejects with an Error whose
   * `code` is `timeout` (the command is then interrupted with Ctrl-C) or `stopped`. See
   * ShellOptions and ShellResult.
   */
  async runInShell(command: string, options: ShellOptions = {}): Promise<ShellResult> {
    const timeout = options.timeout ?? 60_000;
    const deadline = performance.now() + timeout;
    if (this.readyPending || this.status !== 'ready') {
      let waiting: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.ready,
        new Promise((_, reject) => {
          waiting = setTimeout(
            () =>
              reject(
                elementError(
                  'timeout',
                  `runInShell: the machine was not ready within ${timeout} ms`,
                ),
              ),
            timeout,
          );
        }),
      ]).finally(() => clearTimeout(waiting));
    }
    if (!this.worker) throw stoppedError('runInShell');
    this.shell ??= new InteractiveShell(
      (text) => this.send(text),
      (text) => this.writeAside(text),
    );
    return this.shell.run(command, Math.max(1, deadline - performance.now()), options.onOutput);
  }

  /**
   * Writes `data` to the guest's file `path` (a relative path starts at /root) through the
   * command channel, not the reader's shell: bytes as they are, a string as UTF-8. The file is
   * replaced whole or not at all (a failed write leaves it as it was); a new file gets mode 0644,
   * a replaced one keeps its mode. Waits for the machine to be ready; requests run one at a time,
   * with exec() calls, in call order. Rejects with an Error whose `code` is `file-not-found` (its
   * folder does not exist), `is-a-directory`, `not-a-file`, `no-space`, `permission-denied`,
   * `file-too-large` (more than 2 GiB), `bad-path`, `agent-too-old` (an image built before files
   * could be written), `file-error`, `timeout` or `stopped`. See FileOptions and docs/files.md.
   */
  async writeFile(
    path: string,
    data: Uint8Array | string,
    options: FileOptions = {},
  ): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw elementError(
        'invalid-argument',
        'writeFile: data must be a Uint8Array or a string; convert an ArrayBuffer or a Blob with new Uint8Array(await blob.arrayBuffer()).',
      );
    if (typeof data !== 'string') checkFileSize(data.length);
    // A buffer of its own, handed to the Worker whole: transferring the page's would empty it,
    // and cloning a view would copy all of the buffer under it.
    const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice();
    checkFileSize(bytes.length);
    await this.fileRequest(
      'writeFile',
      (id) => ({ type: 'write-file', id, path, data: bytes }),
      [bytes.buffer],
      options.timeout ?? defaultFileTimeout(bytes.length),
    );
  }

  /**
   * The bytes of the guest's file `path` (a relative path starts at /root), or with `'utf8'` (or
   * `{ encoding: 'utf8' }`) its text; read through the command channel like writeFile(), and
   * rejects with the same codes (`file-not-found` when it does not exist).
   */
  readFile(
    path: string,
    options?: FileOptions & { encoding?: undefined },
  ): Promise<Uint8Array<ArrayBuffer>>;
  readFile(path: string, options: 'utf8' | (FileOptions & { encoding: 'utf8' })): Promise<string>;
  async readFile(
    path: string,
    options: 'utf8' | ReadFileOptions = {},
  ): Promise<Uint8Array<ArrayBuffer> | string> {
    const { encoding, timeout } = typeof options === 'string' ? { encoding: options } : options;
    const answer = await this.fileRequest(
      'readFile',
      (id) => ({ type: 'read-file', id, path }),
      [],
      timeout ?? defaultFileTimeout(),
    );
    const { data } = answer as Extract<FileAnswer, { type: 'file-read' }>;
    return encoding === 'utf8' ? new TextDecoder().decode(data) : data;
  }

  /**
   * Saves the guest's file `path` in the browser (its downloads), as `filename` (by default the
   * file's own name): reads it like readFile(), and rejects with the same codes.
   */
  async download(path: string, filename?: string, options: FileOptions = {}): Promise<void> {
    const data = await this.readFile(path, options);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([data], { type: 'application/octet-stream' }));
    link.download = filename ?? (path.slice(path.lastIndexOf('/') + 1) || 'download');
    link.hidden = true;
    this.renderRoot.append(link);
    link.click();
    link.remove();
    // The browser may read the Blob after click() returns (the download starts in a later task).
    const url = link.href;
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_DOWNLOAD_MS);
  }

  /**
   * Sends a file request once the machine is ready, and waits for its answer, at most `timeout`
   * ms from the call (then the Worker gives it up: a write not finished is not kept).
   */
  private async fileRequest(
    what: string,
    message: (id: number) => HostMessage,
    transfer: Transferable[],
    timeout: number,
  ): Promise<FileAnswer> {
    const deadline = performance.now() + timeout;
    const timedOut = () =>
      elementError(
        'timeout',
        `${what}: no answer from the guest within ${timeout} ms; allow longer with the timeout option`,
      );
    let waiting: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.ready,
      new Promise((_, reject) => (waiting = setTimeout(() => reject(timedOut()), timeout))),
    ]).finally(() => clearTimeout(waiting));
    const worker = this.worker;
    if (!worker) throw stoppedError(what);
    const id = this.nextFile++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.fileRequests.delete(id);
          this.post({ type: 'file-cancel', id });
          reject(timedOut());
        },
        Math.max(0, deadline - performance.now()),
      );
      this.fileRequests.set(id, {
        what,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage(message(id), transfer);
    });
  }

  /** Files can be dropped while the machine boots or runs, unless the terminal is read-only. */
  private acceptsDrop(event: DragEvent): boolean {
    const running = this.status === 'booting' || this.status === 'ready';
    return running && !this.readonly && !!event.dataTransfer?.types.includes('Files');
  }

  private readonly onDragEnter = (event: DragEvent): void => {
    if (!this.acceptsDrop(event)) return;
    event.preventDefault();
    this.dragDepth++;
    this.dragging = true;
  };

  private readonly onDragOver = (event: DragEvent): void => {
    if (!this.acceptsDrop(event)) return;
    event.preventDefault(); // the drop is ours, not the browser's (which would open the file)
    event.dataTransfer!.dropEffect = 'copy';
    this.dragging = true;
  };

  private readonly onDragLeave = (): void => {
    if (this.dragDepth > 0) this.dragDepth--;
    if (this.dragDepth === 0) this.dragging = false;
  };

  private readonly onDrop = (event: DragEvent): void => {
    this.dragDepth = 0;
    this.dragging = false;
    if (!this.acceptsDrop(event)) return;
    event.preventDefault();
    void this.placeDroppedFiles([...event.dataTransfer!.files]);
  };

  /**
   * Writes dropped files, one after the other, to the working folder of the shell on the
   * console (or /root), each with a note on the terminal saying where it went, or why not.
   */
  private async placeDroppedFiles(files: File[]): Promise<void> {
    for (const file of files) {
      let note: string;
      try {
        checkFileSize(file.size);
        const data = new Uint8Array(
          await file.arrayBuffer().catch(() => {
            throw new Error('it could not be read here (a folder cannot be dropped, only files)');
          }),
        );
        const answer = await this.fileRequest(
          'drop',
          (id) => ({ type: 'write-file', id, path: file.name, data, relativeTo: 'shell' }),
          [data.buffer],
          defaultFileTimeout(data.length),
        );
        const { path } = answer as Extract<FileAnswer, { type: 'file-written' }>;
        const folder = path.slice(0, path.lastIndexOf('/')) || '/';
        note = `linux-terminal: wrote ${file.name} (${formatBytes(file.size)}) to ${folder}`;
      } catch (error) {
        note = `linux-terminal: ${file.name} was not written: ${(error as Error).message}`;
      }
      if (this.terminal) writeNote(this.terminal, note);
    }
  }

  /**
   * Stores the whole image (manifest and every blob) in Cache Storage, so that under the service
   * worker the page boots it offline; blobs stored already, by any image, are not fetched again.
   * Emits `linux-terminal-precache-progress`, then `linux-terminal-precached`; on failure a
   * `linux-terminal-error` (not fatal: the machine runs on) and rejects with the same error.
   */
  precache(): Promise<void> {
    this.precaching ??= this.storeImage().finally(() => (this.precaching = undefined));
    return this.precaching;
  }

  /** Sends text to the guest as if typed. */
  send(text: string): void {
    this.post({ type: 'input', data: text });
  }

  /** A new pending `ready`, unless the current one is still pending (it waits for this boot). */
  private renewReady(): void {
    if (this.readyPending) return;
    this.readyPending = true;
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => {}); // an unobserved failure is reported by the error event
  }

  /** Settles `ready`: resolved at the prompt; rejected, even if it had resolved, once the machine is gone. */
  private settleReady(error?: Error): void {
    if (this.readyPending) {
      this.readyPending = false;
      if (error) this.rejectReady(error);
      else this.resolveReady();
    } else if (error) {
      this.readyPromise = Promise.reject(error);
      this.readyPromise.catch(() => {});
    }
  }

  private scheduleAutorun(): void {
    if (this.loading !== 'lazy' || typeof IntersectionObserver === 'undefined') {
      this.start();
      return;
    }
    this.intersectionObserver = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.start();
    });
    this.intersectionObserver.observe(this);
  }

  /** The URL of the image's manifest; undefined when `image` is neither a built-in name nor a URL. */
  private imageUrl(): URL | undefined {
    // Own names only: `image="toString"` is not a built-in image.
    if (Object.hasOwn(builtInImages, this.image)) return builtInImages[this.image];
    try {
      return new URL(this.image, document.baseURI);
    } catch {
      return undefined;
    }
  }

  private async storeImage(): Promise<void> {
    const abort = new AbortController();
    this.precacheAbort = abort;
    try {
      const [, result] = await Promise.all([
        serviceWorkerReady(),
        precache(this.imageUrl() ?? new URL(this.image), {
          signal: abort.signal,
          onProgress: (progress) =>
            this.emit<LinuxTerminalPrecacheProgressDetail>(
              'linux-terminal-precache-progress',
              progress,
            ),
        }),
      ]);
      this.precached = true;
      this.emit<LinuxTerminalPrecachedDetail>('linux-terminal-precached', result);
    } catch (error) {
      const removed = abort.signal.aborted;
      abort.abort(); // the service worker failed: stop fetching the image too
      if (!removed) {
        const { code = 'internal', message } = error as Error & {
          code?: LinuxTerminalErrorDetail['code'];
        };
        this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', {
          code,
          message,
          fatal: false,
        });
      }
      throw error;
    }
  }

  /** `offline`: store the image once the shell is up, if a service worker will read it. */
  private precacheInBackground(): void {
    const underServiceWorker = serviceWorkerConfigured() || !!navigator.serviceWorker?.controller;
    if (this.offline && underServiceWorker && !this.precached && !this.precaching)
      this.precache().catch(() => {}); // reported by the error event
  }

  private scriptText(): string | undefined {
    if (this.script) return this.script.replace(/;\s*/g, '\n');
    const child = this.querySelector('script[type="text/x-shell"]');
    return child?.textContent ? dedent(child.textContent) : undefined;
  }

  /**
   * Boots once the shadow DOM has its screen, if the element is still in the page and has no
   * machine: however many start(), restart() and reconnections come in one task, one Worker.
   */
  private scheduleBoot(): void {
    this.updateComplete.then(() =>
      // In a task of its own: twelve terminals started together do not open in one long task.
      inOwnTask(() => {
        if (this.isConnected && this.started && !this.worker && !this.releaseBootSlot)
          this.bootMachine();
      }),
    );
  }

  private bootMachine(): void {
    const screen = this.screen;
    if (!screen) return;
    this.stop = undefined;
    this.renewReady();
    this.status = 'booting';
    this.progressShown = false;
    this.guestSpoke = false;
    try {
      const terminal = this.terminal ?? this.openTerminal(screen);
      terminal.reset(); // a restart begins on a clean screen
      if (this.focusOnBoot) terminal.focus();
      this.focusOnBoot = false;
      const image = this.imageUrl();
      if (!image) {
        this.fail(
          'invalid-attribute',
          `image="${this.image}" is neither a built-in image (${Object.keys(builtInImages).join(', ')}) nor a URL. Set image to an image's manifest.json URL.`,
        );
        return;
      }
      // From file:// a Worker cannot load the emulator, nor fetch() the image.
      if (image.protocol === 'file:' || location.protocol === 'file:') {
        this.fail(
          'file-url',
          'This page was opened from a file (file://), where the emulator cannot load. Serve the folder over HTTP (for example with npx http-server, or python3 -m http.server) and open the page at http://localhost.',
        );
        return;
      }
      const memory = readMemory(this.memory, this.getAttribute('memory'));
      if (memory.problem) this.warn('invalid-attribute', memory.problem);
      const boot = readBoot(this.boot);
      if (boot.problem) this.warn('invalid-attribute', boot.problem);
      const jit = readJit(this.jit);
      if (jit.problem) this.warn('invalid-attribute', jit.problem);
      const network = readNetwork(this.network);
      if (network.problem) this.warn('invalid-attribute', network.problem);
      // Something on the screen at once; the engine's progress messages redraw the line.
      const slot = requestBootSlot(() =>
        // In a task of its own: the slot may come free inside another terminal's message.
        inOwnTask(() => {
          if (this.releaseBootSlot !== slot.release) return; // stopped while waiting
          try {
            this.startWorker(image, memory.value, boot.value, jit.value, network.value, terminal);
            terminal.write(drawProgress(progressText('download', 0, 0), terminal.cols));
          } catch (error) {
            this.failToStart(error);
          }
        }),
      );
      this.releaseBootSlot = slot.release;
      const text = slot.waiting ? WAITING_TEXT : progressText('download', 0, 0);
      terminal.write(drawProgress(text, terminal.cols));
      this.progressShown = true;
    } catch (error) {
      this.failToStart(error);
    }
  }

  /** Whatever went wrong while starting, the element says so instead of staying "booting". */
  private failToStart(error: unknown): void {
    this.fail(
      'internal',
      `The terminal could not start: ${(error as Error).message ?? error}. Reload the page, or report this with the page's address.`,
    );
  }

  /** The element's one xterm.js terminal, kept across restarts and reparenting. */
  private openTerminal(screen: HTMLElement): Terminal {
    const rows = readRows(this.rows, this.getAttribute('rows'));
    if (rows.problem) this.warn('invalid-attribute', rows.problem);
    const terminal = new Terminal({
      disableStdin: this.readonly,
      rows: rows.value,
      screenReaderMode: this.screenReader,
      theme: this.theme(),
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(screen);
    this.terminal = terminal;
    this.fit = fit;
    this.fitColumns(terminal, fit);
    if (this.renderer === 'webgl') void this.useWebgl(terminal, fit);
    terminal.onData((data) => {
      if (this.readonly) return;
      this.shell?.beforeReaderInput();
      this.send(data);
    });
    terminal.textarea?.setAttribute('aria-label', `${this.label ?? 'Linux terminal'} input`);
    terminal.textarea?.setAttribute('aria-describedby', 'hint');
    // No keyboard trap: Escape then Tab leaves the terminal (a lone Escape still reaches the guest).
    let escaped = false;
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      if (escaped && event.key === 'Tab') {
        escaped = false;
        terminal.blur();
        return false; // the browser moves focus on
      }
      escaped = event.key === 'Escape';
      return true;
    });
    this.resizeObserver = new ResizeObserver(() => {
      if (this.fitColumns(terminal, fit))
        this.post({ type: 'resize', cols: terminal.cols, rows: terminal.rows });
    });
    this.resizeObserver.observe(screen);
    return terminal;
  }

  private startWorker(
    image: URL,
    memoryMiB: number | undefined,
    boot: BootMode,
    jit: JitMode,
    network: NetworkMode,
    terminal: Terminal,
  ): void {
    // Written out in full so that bundlers (rollup with scripts/rollup/url-assets.js, Vite)
    // recognise the Worker and bundle its entry.
    const worker = new Worker(new URL('../../engine/worker.js', import.meta.url), {
      type: 'module',
      name: 'linux-terminal',
    });
    // Messages a replaced Worker sent before it was terminated may still be queued: ignore them.
    worker.addEventListener('message', (event: MessageEvent<EngineMessage>) => {
      if (worker === this.worker) this.onEngineMessage(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker !== this.worker) return;
      this.fail(
        'worker-crashed',
        `The emulator's worker stopped: ${event.message || 'unknown error'}. Restart the machine, or reload the page, to try again.`,
      );
    });
    this.worker = worker;
    const persist = sessionKey(this.persist, image);
    this.persistingWorker = persist !== undefined;
    const files = [...this.querySelectorAll('linux-file')]
      .filter((f): f is LinuxFile => f instanceof LinuxFile && f.path.startsWith('/'))
      .map((f) => ({ path: f.path, mode: f.modeBits, content: f.content }));
    // restoreState()'s bundle goes to this Worker only (a reboot later restores the image's).
    const state = this.restore?.state;
    if (this.restore) this.restore.state = undefined;
    worker.postMessage(
      {
        type: 'boot',
        image: image.href,
        memoryMiB,
        cols: terminal.cols,
        rows: terminal.rows,
        files,
        script: this.scriptText(),
        boot,
        jit: jit === 'on',
        network: network === 'fetch' ? 'fetch' : undefined,
        state,
        persist,
      } satisfies HostMessage,
      state ? [state.buffer] : [],
    );
  }

  /** Switches to the WebGL renderer if it can run here; falls back to the DOM on any failure. */
  private async useWebgl(terminal: Terminal, fit: FitAddon): Promise<void> {
    try {
      const { WebglAddon } = await import('@xterm/addon-webgl');
      if (terminal !== this.terminal) return; // stopped meanwhile
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose();
        this.fitColumns(terminal, fit);
      });
      terminal.loadAddon(webgl);
    } catch {
      // No WebGL here (or the chunk failed to load): the DOM renderer carries on.
    }
  }

  /** xterm.js draws its own colours: take them from the element's CSS custom properties. */
  private theme(): { background: string; foreground: string; cursor: string } {
    const style = getComputedStyle(this);
    const read = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const foreground = read('--linux-terminal-foreground', '#d4d4d4');
    return {
      background: read('--linux-terminal-background', '#1e1e1e'),
      foreground,
      cursor: foreground,
    };
  }

  /** Fits the columns to the element's width; the height follows `rows`. Returns whether it changed. */
  private fitColumns(terminal: Terminal, fit: FitAddon): boolean {
    // A terminal with no width (hidden in a closed <details> or tab, or being removed) keeps its
    // size: fitted, it would shrink to two columns and the guest would reflow to match.
    if (!terminal.element?.parentElement?.clientWidth) return false;
    const cols = fit.proposeDimensions()?.cols;
    const rows = readRows(this.rows).value;
    if (!cols || (cols === terminal.cols && rows === terminal.rows)) return false;
    terminal.resize(cols, rows);
    return true;
  }

  /**
   * Ends the machine (its Worker, pending exec() calls and undrawn output); the terminal stays,
   * showing what happened. `readyError`: `ready` rejects with it (the machine is gone for good);
   * without it (a restart) a pending `ready` waits for the next boot.
   */
  private stopMachine(readyError?: Error): void {
    for (const { reject } of this.execs.values()) reject(stoppedError('exec'));
    this.execs.clear();
    this.shell?.fail(readyError ?? stoppedError('runInShell'));
    this.shell = undefined;
    for (const { reject } of this.saves.values()) reject(stoppedError('saveState'));
    this.saves.clear();
    for (const resolve of this.statsRequests.values()) resolve(undefined);
    this.statsRequests.clear();
    for (const { what, reject } of this.fileRequests.values()) reject(stoppedError(what));
    this.fileRequests.clear();
    // A restoreState() still under way ends with this machine (replaced, removed, or failed).
    this.restore?.reject(readyError ?? stoppedError('restoreState'));
    this.restore = undefined;
    if (this.terminal) forgetScreen(this.terminal);
    this.worker?.terminate();
    this.worker = undefined;
    this.releaseBootSlot?.();
    this.releaseBootSlot = undefined;
    if (readyError) this.settleReady(readyError);
  }

  /** The element left the page: nothing of it runs on (it boots afresh if added again). */
  private teardown(): void {
    this.session.disconnect();
    if (this.persistingWorker && this.worker) {
      // Its session is stored first; the Worker ends when that is done (session-keeper.ts).
      this.session.persistThenEnd(this.worker);
      this.worker = undefined;
    }
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = undefined;
    this.precacheAbort?.abort();
    this.stopMachine(stoppedError('ready'));
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.fit?.dispose();
    this.fit = undefined;
    if (this.terminal) forgetScreen(this.terminal);
    this.terminal?.dispose();
    this.terminal = undefined;
    this.stop = undefined;
    this.status = 'idle';
  }

  private post(message: HostMessage): void {
    this.worker?.postMessage(message);
  }

  private onEngineMessage(message: EngineMessage): void {
    switch (message.type) {
      case 'output':
        this.queueOutput(message.data);
        this.shell?.receive(message.data);
        this.emit<LinuxTerminalOutputDetail>('linux-terminal-output', { data: message.data });
        break;
      case 'exec-result': {
        const pending = this.execs.get(message.id);
        this.execs.delete(message.id);
        const { exitCode, output, truncated } = message;
        pending?.resolve({ exitCode, output, truncated });
        break;
      }
      case 'exec-error': {
        const pending = this.execs.get(message.id);
        this.execs.delete(message.id);
        pending?.reject(Object.assign(new Error(message.message), { code: message.code }));
        break;
      }
      case 'loaded':
        handLoadedUrls(message.urls);
        break;
      case 'ready': {
        this.status = 'ready';
        this.releaseBootSlot?.();
        this.releaseBootSlot = undefined;
        this.settleReady();
        const restore = this.restore;
        this.restore = undefined;
        if (message.restored) restore?.resolve();
        else restore?.reject(elementError('internal', 'restoreState: the machine booted cold'));
        this.emit<LinuxTerminalReadyDetail>('linux-terminal-ready', {
          restored: message.restored,
          resumed: message.resumed ?? false,
        });
        this.precacheInBackground();
        break;
      }
      case 'restore-failed':
        // The machine boots cold and runs on: an event, and restoreState()'s rejection if it
        // was the page's state; nothing on the reader's screen.
        if (message.from === 'state') {
          this.restore?.reject(elementError(message.code, message.message));
          this.restore = undefined;
        }
        this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', {
          code: message.code,
          message: message.message,
          fatal: false,
        });
        break;
      case 'file-written':
      case 'file-read':
      case 'file-error': {
        const pending = this.fileRequests.get(message.id);
        this.fileRequests.delete(message.id);
        if (message.type === 'file-error')
          pending?.reject(elementError(message.code, message.message));
        else pending?.resolve(message);
        break;
      }
      case 'stats':
        this.statsRequests.get(message.id)?.(message.stats);
        this.statsRequests.delete(message.id);
        break;
      case 'saved':
      case 'save-error': {
        const pending = this.saves.get(message.id);
        this.saves.delete(message.id);
        if (message.type === 'saved')
          pending?.resolve(new Blob([message.bundle], { type: 'application/octet-stream' }));
        else pending?.reject(elementError(message.code, message.message));
        break;
      }
      case 'progress':
        if (!this.guestSpoke && this.terminal) {
          const text = progressText(message.phase, message.loaded, message.total);
          this.terminal.write(drawProgress(text, this.terminal.cols));
          this.progressShown = true;
        }
        this.emit<LinuxTerminalProgressDetail>('linux-terminal-progress', {
          phase: message.phase,
          loaded: message.loaded,
          total: message.total,
        });
        break;
      case 'exit':
        if (message.reason === 'reboot') {
          // `reboot` in the guest: boot again, and `ready` waits for the new prompt.
          this.stopMachine();
          this.renewReady();
          this.emit<LinuxTerminalExitDetail>('linux-terminal-exit', { reason: message.reason });
          this.scheduleBoot();
          break;
        }
        this.flushOutput(); // the guest's last words, then the overlay over them
        this.stopMachine(stoppedError('ready'));
        this.status = 'exited';
        this.stop = { title: 'Machine stopped' };
        this.emit<LinuxTerminalExitDetail>('linux-terminal-exit', { reason: message.reason });
        break;
      case 'storage':
        this.emit<LinuxTerminalStorageDetail>('linux-terminal-storage', {
          bytes: message.bytes,
          kind: message.kind,
          machine: message.machine,
          ms: message.ms,
        });
        break;
      case 'persisted':
        break; // a removed element's Worker ends on it (session-keeper.ts)
      case 'screen-wanted': {
        const worker = this.worker;
        void this.serializeScreen().then(
          (data) =>
            worker?.postMessage({ type: 'screen', id: message.id, data } satisfies HostMessage),
          () => worker?.postMessage({ type: 'screen', id: message.id } satisfies HostMessage),
        );
        break;
      }
      case 'saved-screen':
        // The resumed session's screen as the reader left it; the machine's output follows.
        this.writeAside(message.data);
        break;
      case 'error':
        if (message.fatal) this.fail(message.code, message.message);
        else this.warn(message.code, message.message);
        break;
    }
  }

  /**
   * Hands guest output to the screen, one terminal per frame in turn (screen-scheduler.ts); each
   * piece xterm.js has parsed is acknowledged to the Worker, which holds the guest while more
   * than OUTPUT_WINDOW characters are waiting, so the page never queues megabytes.
   */
  private queueOutput(data: string): void {
    const terminal = this.terminal;
    if (!terminal) return;
    this.guestSpoke = true;
    if (this.progressShown) {
      // The guest's screen starts where the progress line was, on a blank line.
      terminal.write(ERASE_PROGRESS);
      this.progressShown = false;
    }
    queueOutput(terminal, data, (chars) => {
      if (terminal === this.terminal) this.post({ type: 'output-ack', chars });
    });
  }

  /**
   * Writes `text` that is not the guest's output (a warning, a saved screen) after the output
   * queued so far; the Worker does not count it, so it is not acknowledged.
   */
  private writeAside(text: string): void {
    const terminal = this.terminal;
    if (!terminal) return;
    if (this.progressShown) {
      terminal.write(ERASE_PROGRESS);
      this.progressShown = false;
    }
    drawNow(terminal);
    terminal.write(text);
  }

  /**
   * The screen as text that redraws it (xterm.js's serialize addon: a `persist` session keeps it
   * with the machine), once the output that reached this element before the request is drawn;
   * undefined without a terminal.
   */
  private async serializeScreen(): Promise<string | undefined> {
    const terminal = this.terminal;
    if (!terminal) return undefined;
    if (this.serializer?.terminal !== terminal) {
      const { SerializeAddon } = await import('@xterm/addon-serialize');
      if (terminal !== this.terminal) return undefined;
      const addon = new SerializeAddon();
      terminal.loadAddon(addon);
      this.serializer = { terminal, addon };
    }
    drawNow(terminal);
    await new Promise<void>((resolve) => terminal.write('', resolve));
    return this.serializer.addon.serialize({ scrollback: SAVED_SCROLLBACK_LINES });
  }

  /** Draws the output still waiting for a frame now (the guest's last words, before an overlay). */
  private flushOutput(): void {
    if (this.terminal) drawNow(this.terminal);
  }

  private fail(code: LinuxTerminalErrorDetail['code'], message: string): void {
    const title =
      this.status === 'ready' ? 'The machine stopped with an error' : 'The machine could not start';
    this.flushOutput();
    const error = elementError(code, message);
    this.stopMachine(error);
    this.status = 'error';
    // The overlay says what happened; the screen keeps what the guest printed last.
    if (this.progressShown) this.terminal?.write(ERASE_PROGRESS);
    this.progressShown = false;
    this.stop = { title, message, code };
    this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', { code, message, fatal: true });
  }

  /**
   * An error the machine survives: a disk read failed (the guest saw an I/O error), or an
   * attribute was ignored. Said on the screen and by the event, and the machine runs on.
   */
  private warn(code: LinuxTerminalErrorDetail['code'], message: string): void {
    if (code === 'invalid-attribute') console.warn(`<linux-terminal> ${message}`);
    else this.writeAside(`\r\n\x1b[33m${message}\x1b[0m\r\n`);
    this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', { code, message, fatal: false });
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'linux-terminal-progress': CustomEvent<LinuxTerminalProgressDetail>;
    'linux-terminal-ready': CustomEvent<LinuxTerminalReadyDetail>;
    'linux-terminal-storage': CustomEvent<LinuxTerminalStorageDetail>;
    'linux-terminal-output': CustomEvent<LinuxTerminalOutputDetail>;
    'linux-terminal-exit': CustomEvent<LinuxTerminalExitDetail>;
    'linux-terminal-error': CustomEvent<LinuxTerminalErrorDetail>;
    'linux-terminal-precache-progress': CustomEvent<LinuxTerminalPrecacheProgressDetail>;
    'linux-terminal-precached': CustomEvent<LinuxTerminalPrecachedDetail>;
  }
}
