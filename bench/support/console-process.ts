// A guest shell on a process's standard input and output: QEMU's -nographic serial console, or
// `linux-terminal shell` through pipes (with no terminal it keeps the image's console, ttyS0, as
// QEMU does). One driver for every side, so that their figures start and end at the same points:
// the clock starts just before the process is spawned.
import { spawn } from 'node:child_process';
import { ConsoleSession, GuestError } from '../../src/engine/console-session.js';

export interface ConsoleProcess {
  session: ConsoleSession;
  /** performance.now() just before the spawn. */
  started: number;
  /** Ends the process (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

export function startConsoleProcess(command: string, args: string[]): ConsoleProcess {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // What the process says on stderr is passed on, except once we are ending it (QEMU says it was
  // terminated by a signal).
  let stopping = false;
  child.stderr.on('data', (chunk: Buffer) => stopping || process.stderr.write(chunk));
  const session = new ConsoleSession((text) => child.stdin.write(text));
  const decoder = new TextDecoder();
  child.stdout.on('data', (chunk: Buffer) =>
    session.receive(decoder.decode(chunk, { stream: true })),
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('exit', (code, signal) =>
    session.fail(new GuestError('guest-exited', `${command} exited (${code ?? signal})`)),
  );
  // A guest that stops reading must not crash the bench with EPIPE: the session reports it.
  child.stdin.on('error', () => {});
  return {
    session,
    started,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
