// The options and result of LinuxTerminal.exec() (the command channel: src/engine/command-channel.ts).

export interface ExecOptions {
  /**
   * Milliseconds before exec() rejects with code `timeout` (default 60 000), counted from the
   * call, so waiting for the machine to be ready and for earlier commands counts too. A command
   * still running then is killed in the guest with its whole process group, and the next exec()
   * runs normally.
   */
  timeout?: number;
  /**
   * Output bytes kept (default 16 MiB, DEFAULT_MAX_OUTPUT). Beyond it the output is cut and
   * `truncated` is true; a command that goes on writing is ended by SIGPIPE (exit status 141).
   */
  maxOutput?: number;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr together, as UTF-8 text. */
  output: string;
  /** The output was longer than `maxOutput` and was cut there. */
  truncated: boolean;
}
