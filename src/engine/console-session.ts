// A shell session over any serial console: wait for the prompt, run a command, read back its
// output and exit status without the shell's echo or prompt. Transport-agnostic: the engine's
// worker thread (guest-shell.ts) and QEMU's stdio (the boot benchmark) both feed it.

export class GuestError extends Error {
  constructor(
    readonly code: 'kernel-panic' | 'no-prompt' | 'guest-exited' | 'worker-crashed' | string,
    message: string,
  ) {
    super(message);
    this.name = 'GuestError';
  }
}

/**
 * The init's prompt ends in "# " (root), possibly followed by terminal queries such as BusyBox's
 * cursor-position request (ESC [ 6 n).
 */
// eslint-disable-next-line no-control-regex -- matching the terminal's escape sequences is the point
export const SHELL_PROMPT = /# (\x1b\[[0-9;?]*[A-Za-z])*$/;

export class ConsoleSession {
  private text = '';
  private waiters: (() => void)[] = [];
  private failure: GuestError | undefined;
  /** Called with everything the guest prints. */
  onOutput: (text: string) => void = () => {};

  constructor(private readonly sendText: (text: string) => void) {}

  /** Text from the console. */
  receive(chunk: string): void {
    this.text += chunk;
    this.onOutput(chunk);
    this.wakeWaiters();
  }

  /** The console is gone (the guest exited, the transport died): pending waits fail with `error`. */
  fail(error: GuestError): void {
    this.failure ??= error;
    this.wakeWaiters();
  }

  send(text: string): void {
    this.sendText(text);
  }

  private wakeWaiters(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Waits until `predicate(text)` holds for the output so far, failing on exit or timeout. */
  private async until<T>(
    predicate: (text: string) => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate(this.text);
      if (found !== undefined) return found;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new GuestError('no-prompt', `${what} within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Resolves when the shell prompt first appears, then turns the terminal's echo off so that
   * exec() reads back only what commands print (BusyBox's line editor honours -echo).
   */
  async ready(timeoutMs = 120_000): Promise<void> {
    await this.until(
      (text) => (SHELL_PROMPT.test(text) ? true : undefined),
      timeoutMs,
      'the guest did not reach a shell prompt',
    );
    this.text = '';
    this.send('stty -echo\n');
    await this.until(
      (text) => (SHELL_PROMPT.test(text) ? true : undefined),
      10_000,
      'the guest shell did not answer',
    );
  }

  /**
   * Runs `command` in the guest shell and resolves to its output (with the terminal's \r\n
   * turned into \n) and exit status. `onChunk` sees output as it arrives.
   */
  async exec(
    command: string,
    options: { timeoutMs?: number; onChunk?: (text: string) => void } = {},
  ): Promise<{ output: string; exitCode: number }> {
    const marker = `__lt_done_${Math.random().toString(36).slice(2, 10)}__`;
    // The command goes in base64 so any quoting or newlines in it reach the shell unchanged, and
    // into a subshell, so `exit N` ends the command with status N rather than the guest's shell.
    const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(command)));
    this.text = '';
    this.send(`(eval "$(echo ${encoded} | base64 -d)"); printf '%s%d\\n' ${marker} $?\n`);
    let streamed = 0;
    const result = await this.until(
      (text) => {
        // Search only what arrived since the last look (plus room for a marker cut in two).
        const at = text.indexOf(marker, Math.max(0, streamed - marker.length));
        let visible =
          at >= 0
            ? text.slice(0, at)
            : text.slice(0, Math.max(streamed, text.length - marker.length));
        // A \r at the end may be the first half of a \r\n still on its way: hold it back, or
        // the pair is converted in neither chunk and a stray \r reaches the caller.
        if (at < 0 && visible.endsWith('\r')) visible = visible.slice(0, -1);
        if (visible.length > streamed) {
          options.onChunk?.(visible.slice(streamed).replace(/\r\n/g, '\n'));
          streamed = visible.length;
        }
        if (at < 0) return undefined;
        // Done at the prompt after the status, not at the status: a prompt still on its way
        // would otherwise open the next command's output.
        const after = text.slice(at + marker.length);
        const m = /^(\d+)\r?\n/.exec(after);
        if (!m || !SHELL_PROMPT.test(after.slice(m[0].length))) return undefined;
        return { output: text.slice(0, at), exitCode: Number(m[1]) };
      },
      options.timeoutMs ?? 600_000,
      'the command did not finish',
    );
    return { output: result.output.replace(/\r\n/g, '\n'), exitCode: result.exitCode };
  }
}
