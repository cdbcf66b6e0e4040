import { LitElement, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { EngineErrorCode, EngineMessage, HostMessage } from '../../engine/protocol.js';
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
import { terminalStyles } from './linux-terminal.styles.js';
import { xtermStyles } from './xterm-css.generated.js';

export interface LinuxTerminalOutputDetail {
  data: string;
}
export interface LinuxTerminalErrorDetail {
  code: EngineErrorCode | ServiceWorkerErrorCode;
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
export interface LinuxTerminalExitDetail {
  reason: 'poweroff' | 'reboot';
}
/** Blobs (`loaded` of `total`) and uncompressed bytes (`bytes` of `totalBytes`) stored so far. */
export type LinuxTerminalPrecacheProgressDetail = PrecacheProgress;
/** The image is stored; `fetched` blobs of `total` were downloaded now, the rest were stored already. */
export type LinuxTerminalPrecachedDetail = PrecacheResult;

type Status = 'idle' | 'booting' | 'ready' | 'exited' | 'error';

/**
 * A live Linux shell in the page: a RISC-V machine emulated in a Web Worker, shown with xterm.js.
 *
 * @summary Embeds a real Linux terminal in a documentation page.
 *
 * @slot - `<linux-file>` elements (files placed in the guest) and an optional
 *   `<script type="text/x-shell">` (lines typed after boot).
 *
 * @event linux-terminal-progress - Download and boot progress: `detail.phase`, `loaded`, `total`.
 * @event linux-terminal-ready - The guest reached its shell prompt.
 * @event linux-terminal-output - The guest printed text; `detail.data` holds it.
 * @event linux-terminal-exit - The guest powered off or rebooted; `detail.reason` says which.
 * @event linux-terminal-error - Something failed; `detail.code` and `detail.message` say what,
 *   `detail.fatal` whether the machine stopped.
 * @event linux-terminal-precache-progress - Keeping the image for offline use: `detail.loaded` of
 *   `detail.total` blobs, `detail.bytes` of `detail.totalBytes` bytes stored.
 * @event linux-terminal-precached - The whole image is stored (and the service worker, if one is
 *   registered, has cached the page): the page works offline.
 *
 * @csspart base - The frame around the terminal.
 * @csspart screen - The element xterm.js renders into.
 * @csspart poster - What is shown before the machine starts.
 * @csspart run-button - The poster's Run button.
 *
 * @cssproperty --linux-terminal-background=#1e1e1e - Background of the frame and the screen.
 * @cssproperty --linux-terminal-foreground=#d4d4d4 - Default text colour.
 * @cssproperty --linux-terminal-accent=#2563eb - The Run button and the focus ring.
 * @cssproperty --linux-terminal-border-radius=6px - Corner radius of the frame.
 * @cssproperty --linux-terminal-padding=8px - Space between the frame and the screen.
 */
export class LinuxTerminal extends LitElement {
  static override styles = [xtermStyles, terminalStyles];

  /** A built-in image name (`busybox`), or the URL of an image manifest. */
  @property() image = 'busybox';

  /** Guest memory in MiB; the image's default when unset. */
  @property({ type: Number }) memory?: number;

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

  /** Where the machine is: idle (poster), booting, ready, exited or error. Reflected for styling. */
  @property({ reflect: true }) status: Status = 'idle';

  @state() private started = false;
  @query('.screen') private screen?: HTMLElement;

  private terminal?: Terminal;
  private fit?: FitAddon;
  private worker?: Worker;
  private resizeObserver?: ResizeObserver;
  private intersectionObserver?: IntersectionObserver;
  private pendingOutput: string[] = [];
  private outputFrame = 0;
  private readonly execs = new Map<
    number,
    { resolve: (r: ExecResult) => void; reject: (e: Error) => void }
  >();
  private nextExec = 1;
  private precaching?: Promise<void>;
  private precacheAbort?: AbortController;
  private precached = false;
  private readyPromise!: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;

  constructor() {
    super();
    this.resetReady();
  }

  /** Resolves when the guest's shell prompt first appears; rejects if the machine fails first. */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  override render() {
    const label = this.label ?? 'Linux terminal';
    return html`<div class="base" part="base" role="group" aria-label=${label}>
      ${
        this.started
          ? html`<div class="screen" part="screen"></div>
              <p class="hint" id="hint">Escape, then Tab, moves focus out of the terminal.</p>`
          : html`<div class="poster" part="poster">
              <button
                class="run"
                part="run-button"
                aria-label="Run ${label}"
                @click=${() => this.start()}
              >
                Run
              </button>
              <span class="image">${this.image}</span>
            </div>`
      }
    </div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('serviceWorker') && this.serviceWorker)
      void registerServiceWorker(this.serviceWorker);
    if (
      changed.has('rows') &&
      this.terminal &&
      this.fit &&
      this.fitColumns(this.terminal, this.fit)
    ) {
      this.post({ type: 'resize', cols: this.terminal.cols, rows: this.terminal.rows });
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.started && !this.worker) this.boot();
    else if (!this.started && this.autorun) this.scheduleAutorun();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = undefined;
    this.precacheAbort?.abort();
    this.shutdown();
  }

  /** Starts the machine (what the Run button does). */
  start(): void {
    if (this.started) return;
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = undefined;
    this.started = true;
    this.updateComplete.then(() => this.boot());
  }

  /** Stops the machine and boots it again from the image. */
  restart(): void {
    this.shutdown();
    this.resetReady();
    if (!this.started) this.start();
    else this.updateComplete.then(() => this.boot());
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

  private resetReady(): void {
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => {}); // an unobserved failure is reported by the error event
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

  /** The URL of the image's manifest. */
  private imageUrl(): URL {
    return builtInImages[this.image] ?? new URL(this.image, document.baseURI);
  }

  private async storeImage(): Promise<void> {
    const abort = new AbortController();
    this.precacheAbort = abort;
    try {
      const [, result] = await Promise.all([
        serviceWorkerReady(),
        precache(this.imageUrl(), {
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

  private boot(): void {
    const screen = this.screen;
    if (!screen) return;
    this.status = 'booting';
    const terminal = new Terminal({
      disableStdin: this.readonly,
      rows: this.rows ?? 24,
      screenReaderMode: this.screenReader,
      theme: this.theme(),
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(screen);
    this.fitColumns(terminal, fit);
    if (this.renderer === 'webgl') void this.useWebgl(terminal, fit);
    terminal.onData((data) => {
      if (!this.readonly) this.send(data);
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
    this.terminal = terminal;
    this.fit = fit;

    this.resizeObserver = new ResizeObserver(() => {
      if (this.fitColumns(terminal, fit))
        this.post({ type: 'resize', cols: terminal.cols, rows: terminal.rows });
    });
    this.resizeObserver.observe(screen);

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
        `The emulator's worker stopped: ${event.message || 'unknown error'}. Reload the page to try again.`,
      );
    });
    this.worker = worker;
    const image = this.imageUrl();
    const files = [...this.querySelectorAll('linux-file')]
      .filter((f): f is LinuxFile => f instanceof LinuxFile && f.path.startsWith('/'))
      .map((f) => ({ path: f.path, mode: f.modeBits, content: f.content }));
    this.post({
      type: 'boot',
      image: image.href,
      memoryMiB: this.memory,
      cols: terminal.cols,
      rows: terminal.rows,
      files,
      script: this.scriptText(),
    });
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
    const rows = this.rows ?? 24;
    if (!cols || (cols === terminal.cols && rows === terminal.rows)) return false;
    terminal.resize(cols, rows);
    return true;
  }

  private shutdown(): void {
    for (const { reject } of this.execs.values())
      reject(Object.assign(new Error('exec: the machine was stopped'), { code: 'stopped' }));
    this.execs.clear();
    cancelAnimationFrame(this.outputFrame);
    this.outputFrame = 0;
    this.pendingOutput = [];
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    this.fit?.dispose();
    this.fit = undefined;
    this.terminal?.dispose();
    this.terminal = undefined;
  }

  private post(message: HostMessage): void {
    this.worker?.postMessage(message);
  }

  private onEngineMessage(message: EngineMessage): void {
    switch (message.type) {
      case 'output':
        this.queueOutput(message.data);
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
      case 'ready':
        this.status = 'ready';
        this.resolveReady();
        this.emit('linux-terminal-ready', {});
        this.precacheInBackground();
        break;
      case 'progress':
        this.emit<LinuxTerminalProgressDetail>('linux-terminal-progress', {
          phase: message.phase,
          loaded: message.loaded,
          total: message.total,
        });
        break;
      case 'exit':
        this.status = 'exited';
        this.emit<LinuxTerminalExitDetail>('linux-terminal-exit', { reason: message.reason });
        break;
      case 'error':
        if (message.fatal) this.fail(message.code, message.message);
        else this.warn(message.code, message.message);
        break;
    }
  }

  /** Writes guest output once per animation frame, so a guest printing megabytes cannot flood the page. */
  private queueOutput(data: string): void {
    this.pendingOutput.push(data);
    this.outputFrame ||= requestAnimationFrame(() => {
      this.outputFrame = 0;
      const text = this.pendingOutput.join('');
      this.pendingOutput = [];
      this.terminal?.write(text);
    });
  }

  private fail(code: EngineErrorCode, message: string): void {
    this.status = 'error';
    this.terminal?.write(`\r\n\x1b[31m${message}\x1b[0m\r\n`);
    this.rejectReady(Object.assign(new Error(message), { code }));
    this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', { code, message, fatal: true });
  }

  /** An error the machine survives (the guest saw an I/O error): said, and the machine runs on. */
  private warn(code: EngineErrorCode, message: string): void {
    this.queueOutput(`\r\n\x1b[33m${message}\x1b[0m\r\n`);
    this.emit<LinuxTerminalErrorDetail>('linux-terminal-error', { code, message, fatal: false });
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'linux-terminal-progress': CustomEvent<LinuxTerminalProgressDetail>;
    'linux-terminal-ready': CustomEvent<Record<string, never>>;
    'linux-terminal-output': CustomEvent<LinuxTerminalOutputDetail>;
    'linux-terminal-exit': CustomEvent<LinuxTerminalExitDetail>;
    'linux-terminal-error': CustomEvent<LinuxTerminalErrorDetail>;
    'linux-terminal-precache-progress': CustomEvent<LinuxTerminalPrecacheProgressDetail>;
    'linux-terminal-precached': CustomEvent<LinuxTerminalPrecachedDetail>;
  }
}
