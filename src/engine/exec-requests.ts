// exec() requests arriving by message (from the element in a browser Worker, from MachineThread
// in Node), each answered once by message: run through the command channel, cancellable by id.
import { CommandChannel, CommandError, type CommandResult } from './command-channel.js';

export class ExecRequests {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly commands: CommandChannel,
    private readonly answer: (id: number, result: CommandResult) => void,
    private readonly refuse: (id: number, code: CommandError['code'], message: string) => void,
  ) {}

  start(id: number, command: string, maxOutput?: number): void {
    const cancel = new AbortController();
    this.running.set(id, cancel);
    this.commands
      .run(command, { maxOutput, signal: cancel.signal })
      .then(
        (result) => this.answer(id, result),
        (error: unknown) => {
          // A cancel comes from the requester, which has given up (and answered its caller).
          if (error instanceof CommandError && error.code !== 'cancelled')
            this.refuse(id, error.code, error.message);
        },
      )
      .finally(() => this.running.delete(id));
  }

  cancel(id: number): void {
    this.running.get(id)?.abort();
  }
}
