// The host end of the command channel: requests to the image's agent on hvc1 and its replies,
// one line each (see src/images/busybox/lt-agent).
//   hello    "lt-agent ready\n"                      once, when the agent has hvc1 open
//   request  "<id> <command, base64>\n"
//   reply    "<id> <exit status> <output, base64>\n"
// Linux drops input for a virtio console port that no process has open, so requests wait here
// until the hello.

export interface CommandResult {
  exitCode: number;
  output: string;
}

const encoder = new TextEncoder();

/** Base64 of `bytes`, in slices that stay within the argument limit of String.fromCharCode. */
export function toBase64(bytes: Uint8Array): string {
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
  private agentReady = false;
  private readonly waiting: Uint8Array[] = [];

  constructor(private readonly send: (data: Uint8Array) => void) {}

  /** Sends `command` to the agent; resolves with its exit status and output. */
  run(command: string): Promise<CommandResult> {
    const id = `c${this.next++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const request = encoder.encode(`${id} ${toBase64(encoder.encode(command))}\n`);
      if (this.agentReady) this.send(request);
      else this.waiting.push(request);
    });
  }

  /** Bytes from the agent. */
  receive(data: Uint8Array): void {
    this.buffer += this.decoder.decode(data, { stream: true });
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      if (line === 'lt-agent ready') {
        this.agentReady = true;
        for (const request of this.waiting.splice(0)) this.send(request);
        continue;
      }
      const m = /^(\S+) (\d+) ?(\S*)$/.exec(line);
      const resolve = m && this.pending.get(m[1]);
      if (!m || !resolve) continue;
      this.pending.delete(m[1]);
      const bytes = Uint8Array.from(atob(m[3]), (c) => c.charCodeAt(0));
      resolve({ exitCode: Number(m[2]), output: new TextDecoder().decode(bytes) });
    }
  }
}
