// The element's side of runInShell(): commands typed into the reader's shell on the console, as
// the snippet checker types them (src/engine/console-session.ts), so that a `cd` or a variable
// stays for the next one, while the screen reads as if the reader had typed them. The session's
// protocol needs the terminal's echo off (else the shell would echo the marker back); the echo is
// turned off before a command and back on before the reader's next keystroke, each by a line that
// leaves nothing on the screen.
import { ConsoleSession, GuestError } from '../../engine/console-session.js';

/**
 * Typed with echo on: the echoed line erases itself (cursor up, clear the line). Its end is
 * known by those escape sequences, which its echo spells with backslashes.
 */
const ECHO_OFF = "stty -echo; PS2=''; printf '\\033[1A\\033[2K'";
const ECHO_OFF_DONE = '\x1b[1A\x1b[2K';
/** Typed with echo off (nothing echoed): clears the old prompt's line, where the new one is drawn. */
const ECHO_ON = "stty echo; PS2='> '; printf '\\r\\033[2K'";

export interface ShellOptions {
  /**
   * Milliseconds the command may run (default 60 000), counted from the call, so waiting for the
   * machine to be ready counts too. Then it rejects with code `timeout`, and the command is
   * interrupted (Ctrl-C) so that the shell prompts again.
   */
  timeout?: number;
  /** Called with the command's output as it arrives (\n line ends). */
  onOutput?: (text: string) => void;
}

export interface ShellResult {
  /** What the command printed (stdout and stderr, as the terminal shows them, \n line ends). */
  output: string;
  /** Its exit status. */
  exitCode: number;
}

export class InteractiveShell {
  private readonly session: ConsoleSession;
  private echoOff = false;
  private busy = false;
  /** Commands run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `send` types into the guest's console; `echo` draws text on the screen that is not the
   * guest's (the command, as if typed).
   */
  constructor(
    private readonly send: (text: string) => void,
    private readonly echo: (text: string) => void,
  ) {
    this.session = new ConsoleSession(send);
  }

  /** The guest's console output. Only a command's is read; the reader's own is not kept. */
  receive(text: string): void {
    if (this.busy) this.session.receive(text);
  }

  /** The machine is gone: the command running, and those waiting, fail with `error`. */
  fail(error: Error): void {
    this.session.fail(new GuestError('guest-exited', error.message));
  }

  /** Runs `command` after the ones queued before it; see LinuxTerminal.runInShell. */
  run(command: string, timeoutMs: number, onOutput?: (text: string) => void): Promise<ShellResult> {
    const result = this.queue.then(() => this.runNow(command, timeoutMs, onOutput));
    this.queue = result.catch(() => {});
    return result;
  }

  /** The reader is about to type: the echo comes back first (unless a command is running). */
  beforeReaderInput(): void {
    if (!this.echoOff || this.busy) return;
    this.echoOff = false;
    this.send(`${ECHO_ON}\n`);
  }

  private async runNow(
    command: string,
    timeoutMs: number,
    onOutput?: (text: string) => void,
  ): Promise<ShellResult> {
    this.busy = true;
    try {
      if (!this.echoOff) {
        // The reader may have left a line half typed: Ctrl-E, Ctrl-U clear it first.
        this.send('\x05\x15');
        await this.session.line(ECHO_OFF, timeoutMs, ECHO_OFF_DONE);
        this.echoOff = true;
      }
      // What a reader would have typed, after the prompt; the shell echoes none of it.
      this.echo(`${command.replace(/\n$/, '').replace(/\n/g, '\r\n')}\r\n`);
      return await this.session.exec(command, { timeoutMs, inShell: true, onChunk: onOutput });
    } catch (error) {
      if (error instanceof GuestError && error.code === 'no-prompt') {
        // Timed out: interrupt it, so that the next command finds the shell at its prompt.
        await this.session.interrupt().catch(() => {});
        throw Object.assign(new Error(`runInShell: ${error.message}`), { code: 'timeout' });
      }
      throw error;
    } finally {
      this.busy = false;
    }
  }
}
