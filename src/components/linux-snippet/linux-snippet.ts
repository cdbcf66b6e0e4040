import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { OutputMatch } from '../../snippets/snippet-info.js';
import { findCodeBlock } from './code-block.js';
import { snippetStyles } from './linux-snippet.styles.js';
import { type SessionMember, SnippetSession } from './snippet-session.js';
import { judgeRun } from './snippet-verdict.js';

/** What a run gave: run()'s result and the `linux-snippet-done` event's detail. */
export interface LinuxSnippetDoneDetail {
  /** What it printed (stdout and stderr, as the terminal shows them, \n line ends). */
  output: string;
  /** Its exit status; -1 when it did not finish (timed out, or its machine failed). */
  exitCode: number;
  /** It ended with the expected exit status and, if there is one, printed the expected output. */
  passed: boolean;
}

export type SnippetState = 'idle' | 'booting' | 'running' | 'passed' | 'failed' | 'done';

/** How long a machine may take to start before the snippet says it failed, in ms. */
const BOOT_TIMEOUT_MS = 180_000;

const STATE_TEXT: Record<SnippetState, string> = {
  idle: '',
  booting: 'Starting the machine…',
  running: 'Running…',
  passed: 'Passed',
  failed: 'Failed',
  done: 'Done',
};

/**
 * Makes the code block before it (a `<pre>`, or a site generator's wrapper around one), or the
 * one `for` names by id, runnable: a Run button, the output beneath the block, and the machine's
 * terminal on demand. Its attributes are those of the snippet checker's marker
 * (docs/snippets.md), so a page's snippets are run by readers and proven by `linux-terminal
 * check` alike.
 *
 * Snippets with the same `session` share one machine and run in page order, as if typed into
 * one shell (a `cd` or a variable stays for the next): running one first runs those before it
 * that have not run. A snippet without a session has a machine of its own. A machine starts
 * when the first of its snippets scrolls into view.
 *
 * @summary A Run button for a code block: runs it in a Linux machine and shows the output.
 *
 * @slot expected - A `<pre slot="expected">`: the output the snippet must print (not shown;
 *   the run says whether it passed, and shows it beside the output when it did not).
 * @slot - `<linux-file>` elements: files placed in the session's machine before its shell starts.
 *
 * @event linux-snippet-done - A run ended; `detail.output`, `detail.exitCode` and `detail.passed`
 *   say how (the object run() resolves to).
 *
 * @csspart base - The bar and everything under it.
 * @csspart toolbar - The row of buttons and the status.
 * @csspart run-button - The Run button.
 * @csspart edit-button - The Edit button: the code block becomes editable, and what it then
 *   holds is what runs.
 * @csspart terminal-button - Shows or hides the session's terminal.
 * @csspart status - The state, said in words (a polite live region).
 * @csspart output - The output of the last run (a polite live region).
 * @csspart expected - The expected output, shown under a failed run's.
 * @csspart terminal - Where the session's `<linux-terminal>` is shown.
 *
 * @cssproperty --linux-snippet-accent=#2563eb - The Run button and the focus ring.
 * @cssproperty --linux-snippet-accent-foreground=#fff - The Run button's text.
 * @cssproperty --linux-snippet-output-background=#1e1e1e - Background of the output.
 * @cssproperty --linux-snippet-output-foreground=#d4d4d4 - Text of the output.
 * @cssproperty --linux-snippet-passed=#15803d - The status of a run that passed.
 * @cssproperty --linux-snippet-failed=#b91c1c - The status of a run that failed.
 */
export class LinuxSnippet extends LitElement implements SessionMember {
  static override styles = snippetStyles;

  /** Snippets with the same session share one machine, in page order. */
  @property() session?: string;

  /** A built-in image name (`busybox`, the default) or an image manifest's URL. */
  @property() image?: string;

  /** Seconds the snippet may run (default 60). */
  @property({ type: Number }) timeout?: number;

  /** The exit status the snippet must end with (default 0). */
  @property({ type: Number }) exit = 0;

  /** `exact` (default) or `lenient`: how the output is compared with the expected output. */
  @property() match: OutputMatch = 'exact';

  /** The id of the `<pre>` (or of its wrapper) to run, when the snippet is not right after it. */
  @property({ attribute: 'for' }) htmlFor?: string;

  /**
   * `idle`, `booting` (its machine is starting), `running`, `passed` (the expected output, and
   * exit status), `failed`, or `done` (ran with the expected exit status; no expected output).
   * Reflected, so pages, styles and tests can see it.
   */
  @property({ reflect: true }) state: SnippetState = 'idle';

  @state() private output?: string;
  @state() private reason?: string;
  @state() private editing = false;
  @state() private terminalShown = false;

  private sessionRef?: SnippetSession;
  private running?: Promise<LinuxSnippetDoneDetail>;
  private ran = false;
  private visibility?: IntersectionObserver;

  override connectedCallback(): void {
    super.connectedCallback();
    this.sessionRef = SnippetSession.join(this, this.session);
    // The machine starts when the first snippet of its session is about to be read.
    if (typeof IntersectionObserver !== 'undefined') {
      this.visibility = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.visibility?.disconnect();
        this.visibility = undefined;
        void this.updateComplete.then(() => {
          if (this.isConnected) this.sessionRef?.start(this);
        });
      });
      this.visibility.observe(this);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.visibility?.disconnect();
    this.visibility = undefined;
    this.stopEditing();
    this.sessionRef?.leave(this);
    this.sessionRef = undefined;
  }

  override render() {
    const shown = this.output !== undefined;
    const failedExpected = this.state === 'failed' && this.expected() !== undefined;
    return html`<div class="base" part="base">
      <div class="toolbar" part="toolbar">
        <button
          class="run"
          part="run-button"
          aria-label="Run snippet"
          @click=${() => void this.run()}
        >
          Run
        </button>
        <button
          class="secondary"
          part="edit-button"
          aria-pressed=${this.editing ? 'true' : 'false'}
          @click=${this.toggleEditing}
        >
          Edit
        </button>
        <button
          class="secondary"
          part="terminal-button"
          aria-expanded=${this.terminalShown ? 'true' : 'false'}
          aria-controls="terminal"
          @click=${this.toggleTerminal}
        >
          Terminal
        </button>
        <span class="status" part="status" role="status">${this.statusText()}</span>
      </div>
      <pre
        class="output"
        part="output"
        role="log"
        aria-live="polite"
        aria-label="Output"
        tabindex=${shown ? '0' : '-1'}
        ?hidden=${!shown}
      >
${this.output ?? ''}</pre>
      ${
        failedExpected
          ? html`<p class="label" id="expected-label">Expected output</p>
              <pre
                class="output expected"
                part="expected"
                tabindex="0"
                aria-labelledby="expected-label"
              >
${this.expected()}</pre>`
          : nothing
      }
      <div class="terminal" part="terminal" id="terminal" ?hidden=${!this.terminalShown}></div>
    </div>`;
  }

  /**
   * Runs the snippet (what the Run button does): first the snippets of its session before it
   * that have not run, then this one, in the session's shell. Resolves when it is done, with
   * what it printed, its exit status and whether it passed (never rejects: a timeout or a
   * machine that failed is a failed run, with exit status -1). A second call while it runs gets
   * the same run.
   */
  run(): Promise<LinuxSnippetDoneDetail> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The code that runs: the code block's text now (edited, if it was). */
  get code(): string {
    const block = findCodeBlock(this, this.htmlFor);
    return block ? (block.textContent ?? '').replace(/\n?$/, '\n') : '';
  }

  /** SessionMember: the shadow root's place for the session's terminal. */
  terminalContainer(): HTMLElement | undefined {
    return this.renderRoot?.querySelector<HTMLElement>('.terminal') ?? undefined;
  }

  /** SessionMember: another snippet shows the terminal now. */
  terminalTaken(): void {
    this.terminalShown = false;
  }

  private async runOnce(): Promise<LinuxSnippetDoneDetail> {
    await this.updateComplete; // its shadow root holds the session's terminal
    const session = this.sessionRef;
    const block = findCodeBlock(this, this.htmlFor);
    if (!session || !block) {
      const reason = !block
        ? 'No code block to run: put this element right after a <pre>, or name one with for="id".'
        : 'This snippet is not in the page.';
      return this.finish({ output: '', exitCode: -1, passed: false }, reason);
    }
    // Like the checker, a session's snippets run in page order: the ones before this first.
    for (const earlier of session.before(this))
      if (earlier instanceof LinuxSnippet && !earlier.ran) await earlier.run();
    const code = this.code;
    const terminal = session.start(this);
    this.output = '';
    this.reason = undefined;
    if (terminal.status !== 'ready') {
      this.state = 'booting';
      try {
        await withTimeout(terminal.ready, BOOT_TIMEOUT_MS, 'The machine did not start in time.');
      } catch (error) {
        return this.finish(
          { output: '', exitCode: -1, passed: false },
          `The machine could not start: ${(error as Error).message}`,
        );
      }
    }
    this.state = 'running';
    const timeoutS = this.timeout && this.timeout > 0 ? this.timeout : 60;
    let output = '';
    try {
      const result = await terminal.runInShell(code, {
        timeout: timeoutS * 1000,
        onOutput: (text) => {
          output += text;
          this.output = output;
        },
      });
      const verdict = judgeRun(result.output, result.exitCode, {
        exit: this.exit,
        expected: this.expected(),
        match: this.match === 'lenient' ? 'lenient' : 'exact',
      });
      return this.finish(
        { output: result.output, exitCode: result.exitCode, passed: verdict.passed },
        verdict.reason,
      );
    } catch (error) {
      const timedOut = (error as { code?: string }).code === 'timeout';
      return this.finish(
        { output, exitCode: -1, passed: false },
        timedOut
          ? `It did not finish within ${timeoutS} s, and was interrupted.`
          : `Its machine stopped: ${(error as Error).message}`,
      );
    }
  }

  private finish(detail: LinuxSnippetDoneDetail, reason?: string): LinuxSnippetDoneDetail {
    this.ran = true;
    this.output = detail.output;
    this.reason = detail.passed ? undefined : reason;
    const hasExpected = this.expected() !== undefined;
    this.state = !detail.passed ? 'failed' : hasExpected ? 'passed' : 'done';
    this.dispatchEvent(
      new CustomEvent<LinuxSnippetDoneDetail>('linux-snippet-done', {
        detail,
        bubbles: true,
        composed: true,
      }),
    );
    return detail;
  }

  /** The expected output (the `<pre slot="expected">` child's text), if there is one. */
  private expected(): string | undefined {
    // HTML's parser has dropped a <pre>'s first newline, as the checker's does (parse5).
    return this.querySelector(':scope > [slot="expected"]')?.textContent ?? undefined;
  }

  private statusText(): string {
    const text = STATE_TEXT[this.state];
    return this.reason ? `${text}. ${this.reason}` : text;
  }

  private readonly toggleEditing = (): void => {
    if (this.editing) this.stopEditing();
    else this.startEditing();
  };

  private startEditing(): void {
    // The whole block (its focus ring around it); the site's highlighting inside stays until
    // the text changes.
    const editable = findCodeBlock(this, this.htmlFor);
    if (!editable) return;
    editable.contentEditable = 'plaintext-only';
    editable.spellcheck = false;
    editable.setAttribute('role', 'textbox');
    editable.setAttribute('aria-multiline', 'true');
    editable.setAttribute('aria-label', 'Code to run (editable)');
    editable.addEventListener('keydown', this.onEditorKey);
    this.editing = true;
    editable.focus();
  }

  private stopEditing(): void {
    if (!this.editing) return;
    this.editing = false;
    const editable = findCodeBlock(this, this.htmlFor);
    if (!editable) return;
    editable.removeAttribute('contenteditable');
    editable.removeAttribute('role');
    editable.removeAttribute('aria-multiline');
    editable.removeAttribute('aria-label');
    editable.removeEventListener('keydown', this.onEditorKey);
  }

  /** Ctrl+Enter (⌘+Enter) in the code runs it; Escape ends editing. */
  private readonly onEditorKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.run();
    } else if (event.key === 'Escape') {
      this.stopEditing();
      this.renderRoot.querySelector<HTMLButtonElement>('[part="edit-button"]')?.focus();
    }
  };

  private readonly toggleTerminal = (): void => {
    this.terminalShown = !this.terminalShown;
    if (this.terminalShown) this.sessionRef?.showIn(this);
  };
}

/** `promise`, or a rejection with `message` after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]).finally(() => clearTimeout(timer));
}

declare global {
  interface GlobalEventHandlersEventMap {
    'linux-snippet-done': CustomEvent<LinuxSnippetDoneDetail>;
  }
}
