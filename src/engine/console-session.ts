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

/** The longest command typed on one line (base64): well under a terminal line's 4095 characters. */
const LONGEST_TYPED_COMMAND = 1024;

export class ConsoleSession {
  /**
   * Text received since the current wait last looked. Waits see each piece once and keep only
   * the little they need (a prompt's tail, a marker cut in two), so that reading megabytes of
   * output stays linear: a growing string searched again on every chunk would not.
   */
  private inbox: string[] = [];
  private waiters: (() => void)[] = [];
  private failure: GuestError | undefined;
  /** Called with everything the guest prints. */
  onOutput: (text: string) => void = () => {};

  constructor(private readonly sendText: (text: string) => void) {}

  /** Text from the console. */
  receive(chunk: string): void {
    this.inbox.push(chunk);
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

  /**
   * Waits until `predicate` returns a value, failing on exit or timeout. The predicate is given
   * the text that arrived since its last call.
   */
  private async until<T>(
    predicate: (fresh: string) => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate(this.inbox.splice(0).join(''));
      if (found !== undefined) return found;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new GuestError('no-prompt', `${what} within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        // No limit (Infinity) sets no timer; nor may one exceed what timers hold (2^31-1 ms).
        const timer = Number.isFinite(left)
          ? setTimeout(resolve, Math.min(left, 2 ** 31 - 1))
          : undefined;
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
    await this.until(atPrompt(), timeoutMs, 'the guest did not reach a shell prompt');
    // PS2 empty: the lines of a long command (see exec) draw no continuation prompts.
    await this.line("stty -echo; PS2=''");
  }

  /**
   * Types `text` and Enter at the prompt the shell shows now, and resolves at its next prompt:
   * the first one after `after`, when given, which the line prints (a prompt the shell redraws
   * meanwhile, on a resize, would otherwise end the wait early).
   */
  async line(text: string, timeoutMs = 10_000, after?: string): Promise<void> {
    this.inbox = [];
    this.send(`${text}\n`);
    let seen = after === undefined;
    let held = '';
    const prompt = atPrompt();
    await this.until(
      (fresh) => {
        if (!seen) {
          held = (held + fresh).slice(-(after!.length + 256));
          const at = held.indexOf(after!);
          if (at < 0) return undefined;
          seen = true;
          fresh = held.slice(at + after!.length);
        }
        return prompt(fresh);
      },
      timeoutMs,
      'the guest shell did not answer',
    );
  }

  /** Sends Ctrl-C (the shell abandons the command it runs) and resolves at its next prompt. */
  async interrupt(timeoutMs = 10_000): Promise<void> {
    this.inbox = [];
    this.send('\x03');
    await this.until(atPrompt(), timeoutMs, 'the guest shell did not answer Ctrl-C');
  }

  /**
   * Runs `command` in the guest shell and resolves to its output (with the terminal's \r\n
   * turned into \n) and exit status. `onChunk` sees output as it arrives.
   */
  async exec(
    command: string,
    options: {
      timeoutMs?: number;
      onChunk?: (text: string) => void;
      /**
       * Run in the shell itself, as if typed: a `cd` or a variable stays for the next command
       * (and an `exit` ends the shell). By default a subshell runs it.
       */
      inShell?: boolean;
    } = {},
  ): Promise<{ output: string; exitCode: number }> {
    const marker = `__lt_done_${Math.random().toString(36).slice(2, 10)}__`;
    // The command goes in base64 so any quoting or newlines in it reach the shell unchanged, and
    // (unless inShell) into a subshell, so `exit N` ends the command with status N rather than the
    // guest's shell.
    const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(command)));
    const [open, close] = options.inShell ? ['{ ', '; }'] : ['(', ')'];
    this.inbox = [];
    // The status line then erases itself on a terminal (cursor up, clear the line), so a screen
    // that shows the session (the element's) has the prompt where the marker was.
    const report = `printf '%s%d\\n\\033[1A\\033[2K' ${marker} $?`;
    if (encoded.length <= LONGEST_TYPED_COMMAND) {
      this.send(`${open}eval "$(echo ${encoded} | base64 -d)"${close}; ${report}\n`);
    } else {
      // With echo off, the shell reads a line as the terminal gives it, and a terminal line holds
      // at most 4095 characters (Linux n_tty): a longer command goes in short lines, through a
      // here-document into a file that the command's subshell reads and removes.
      const file = `/tmp/.lt-command-${marker}`;
      const lines = encoded.match(/.{1,76}/g)!.join('\n');
      this.send(
        // One command line, its here-document after it: no prompt between the two.
        `base64 -d > ${file} <<'${marker}' && ${open}eval "$(cat ${file}; rm -f ${file})"${close}; ${report}\n${lines}\n${marker}\n`,
      );
    }
    const parts: string[] = [];
    let held = ''; // output not handed on yet: a possible start of the marker, or a lone \r
    let status: string | undefined; // what followed the marker, once it was seen
    const hand = (text: string) => {
      parts.push(text);
      options.onChunk?.(text.replace(/\r\n/g, '\n'));
    };
    const exitCode = await this.until(
      (fresh) => {
        if (status === undefined) {
          held += fresh;
          const at = held.indexOf(marker);
          if (at < 0) {
            // Keep what could be the marker's first part; and a \r at the end may be the first
            // half of a \r\n still on its way: hold it back, or the pair is converted in neither
            // chunk and a stray \r reaches the caller.
            let cut = Math.max(0, held.length - (marker.length - 1));
            if (held[cut - 1] === '\r') cut--;
            if (cut > 0) {
              hand(held.slice(0, cut));
              held = held.slice(cut);
            }
            return undefined;
          }
          if (at > 0) hand(held.slice(0, at));
          status = held.slice(at + marker.length);
          held = '';
        } else status += fresh;
        // Done at the prompt after the status, not at the status: a prompt still on its way
        // would otherwise open the next command's output.
        const m = /^(\d+)\r?\n/.exec(status);
        if (!m || !SHELL_PROMPT.test(status.slice(m[0].length))) return undefined;
        return Number(m[1]);
      },
      options.timeoutMs ?? 600_000,
      'the command did not finish',
    ).catch((error: unknown) => {
      // No marker will come: what was held back for one is output too.
      if (status === undefined && held) hand(held);
      throw error;
    });
    return { output: parts.join('').replace(/\r\n/g, '\n'), exitCode };
  }
}

/** A wait's predicate that holds once the shell prompt ends what arrived so far. */
function atPrompt(): (fresh: string) => true | undefined {
  let tail = '';
  return (fresh) => {
    tail = (tail + fresh).slice(-256);
    return SHELL_PROMPT.test(tail) ? true : undefined;
  };
}
