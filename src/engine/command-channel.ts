// The host end of the command channel: requests to the image's agent on hvc1 and its replies,
// one line each (see src/images/busybox/lt-agent).
//   request  "<id> <command, base64>\n"
//   reply    "<id> <exit status> <output, base64>\n"

export interface CommandResult {
  exitCode: number;
  output: string;
}

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export class CommandChannel {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly pending = new Map<string, (result: CommandResult) => void>();
  private next = 1;

  constructor(private readonly send: (data: Uint8Array) => void) {}

  /** Sends `command` to the agent; resolves with its exit status and output. */
  run(command: string): Promise<CommandResult> {
    const id = `c${this.next++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send(encoder.encode(`${id} ${toBase64(encoder.encode(command))}\n`));
    });
  }

  /** Bytes from the agent. */
  receive(data: Uint8Array): void {
    this.buffer += this.decoder.decode(data, { stream: true });
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      const m = /^(\S+) (\d+) ?(\S*)$/.exec(line);
      const resolve = m && this.pending.get(m[1]);
      if (!m || !resolve) continue;
      this.pending.delete(m[1]);
      const bytes = Uint8Array.from(atob(m[3]), (c) => c.charCodeAt(0));
      resolve({ exitCode: Number(m[2]), output: new TextDecoder().decode(bytes) });
    }
  }
}
