import { LitElement, html } from 'lit';
import { property, query } from 'lit/decorators.js';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { EngineMessage, HostMessage } from '../../engine/protocol.js';
import { builtInImages } from '../../images/index.js';
import { terminalStyles } from './linux-terminal.styles.js';
import { xtermStyles } from './xterm-css.generated.js';

/**
 * A live Linux shell in the page: a RISC-V machine emulated in a Web Worker, shown with xterm.js.
 *
 * @summary Embeds a real Linux terminal in a documentation page.
 *
 * @event linux-terminal-ready - The guest reached its shell prompt.
 * @event linux-terminal-output - The guest printed text; `detail.data` holds it.
 * @event linux-terminal-error - Something failed; `detail.code` and `detail.message` say what.
 *
 * @csspart base - The frame around the terminal.
 * @csspart screen - The element xterm.js renders into.
 *
 * @cssproperty --linux-terminal-background=#1e1e1e - Background of the frame and the screen.
 * @cssproperty --linux-terminal-foreground=#d4d4d4 - Default text colour.
 * @cssproperty --linux-terminal-border-radius=6px - Corner radius of the frame.
 * @cssproperty --linux-terminal-padding=8px - Space between the frame and the screen.
 */
export class LinuxTerminal extends LitElement {
  static override styles = [xtermStyles, terminalStyles];

  /** A built-in image name (`busybox`), or the URL of an image manifest. */
  @property() image = 'busybox';

  /** Guest memory in MiB; the image's default when unset. */
  @property({ type: Number }) memory?: number;

  @query('.screen') private screen!: HTMLElement;

  private terminal?: Terminal;
  private worker?: Worker;
  private resizeObserver?: ResizeObserver;

  override render() {
    return html`<div class="base" part="base"><div class="screen" part="screen"></div></div>`;
  }

  override firstUpdated(): void {
    this.start();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a removal: the first start happens in firstUpdated.
    if (this.hasUpdated && !this.worker) this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  /** Sends text to the guest as if typed. */
  send(text: string): void {
    this.post({ type: 'input', data: text });
  }

  private start(): void {
    const terminal = new Terminal({
      convertEol: false,
      theme: { background: '#1e1e1e', foreground: '#d4d4d4' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(this.screen);
    fit.fit();
    terminal.onData((data) => this.send(data));
    this.terminal = terminal;

    this.resizeObserver = new ResizeObserver(() => {
      fit.fit();
      this.post({ type: 'resize', cols: terminal.cols, rows: terminal.rows });
    });
    this.resizeObserver.observe(this.screen);

    const worker = new Worker(new URL('../../engine/worker.js', import.meta.url), {
      type: 'module',
      name: 'linux-terminal',
    });
    worker.addEventListener('message', (event: MessageEvent<EngineMessage>) =>
      this.onEngineMessage(event.data),
    );
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(
        'worker-crashed',
        `The emulator's worker stopped: ${event.message || 'unknown error'}.`,
      );
    });
    this.worker = worker;
    const image = builtInImages[this.image] ?? new URL(this.image, document.baseURI);
    this.post({
      type: 'boot',
      image: image.href,
      memoryMiB: this.memory,
      cols: terminal.cols,
      rows: terminal.rows,
    });
  }

  private stop(): void {
    cancelAnimationFrame(this.outputFrame);
    this.outputFrame = 0;
    this.pendingOutput = [];
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.worker?.terminate();
    this.worker = undefined;
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
        this.emit('linux-terminal-output', { data: message.data });
        break;
      case 'ready':
        this.emit('linux-terminal-ready', {});
        break;
      case 'error':
        this.fail(message.code, message.message);
        break;
      case 'progress':
      case 'exit':
        break;
    }
  }

  private pendingOutput: string[] = [];
  private outputFrame = 0;

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

  private fail(code: string, message: string): void {
    this.terminal?.write(`\r\n\x1b[31m${message}\x1b[0m\r\n`);
    this.emit('linux-terminal-error', { code, message });
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
