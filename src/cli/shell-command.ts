// `linux-terminal shell`: the guest's console attached to this terminal in raw mode, as with
// QEMU's -nographic: keys go to the guest, Ctrl-A X quits, Ctrl-A Ctrl-A sends a Ctrl-A.
import { parseArgs } from 'node:util';
import { MachineThread } from '../engine/node/machine-thread.js';
import { restoreFailure } from './machine-start.js';
import { bootImageFrom, bootOptions } from './run-command.js';

export const shellUsage = `usage: linux-terminal shell [--image NAME|PATH|URL] [--cold] [--memory MiB] [--timeout SECONDS] [--network fetch] [--no-jit]
       linux-terminal shell [--image NAME|PATH|URL] --state DIR [--timeout SECONDS] [--no-jit]
       linux-terminal shell --kernel FILE [--initrd FILE] [--append ARGS] [--memory MiB] [--no-jit]

Starts the machine with its console attached to this terminal. Ctrl-A X quits. An image with a
snapshot starts from it (--cold boots the kernel instead; so do --memory and --append, since a
snapshot has its own); --state DIR restores the snapshot that linux-terminal snapshot save wrote
in DIR. A snapshot of the image that cannot be restored is said and the kernel boots instead; one
given with --state ends the session (status 2). --timeout (default 120) bounds the loading of
the image. A failed disk read is reported and the session goes on (the guest sees an I/O error).
--no-jit interprets every instruction (no translation of hot guest code to WebAssembly).
--network fetch gives the guest a network whose HTTP requests this process's fetch() makes
(docs/network.md); it boots cold, since the image's snapshot has no network device.
`;

const CTRL_A = 0x01;

export async function shellCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: false, options: bootOptions });
  } catch (error) {
    console.error(`linux-terminal shell: ${(error as Error).message}\n\n${shellUsage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(shellUsage);
    return 0;
  }
  const timeout = parsed.values.timeout === undefined ? undefined : Number(parsed.values.timeout);
  if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) {
    console.error(
      `linux-terminal shell: --timeout needs a positive number of seconds, not '${parsed.values.timeout}'`,
    );
    return 2;
  }
  const image = await bootImageFrom(
    parsed.values,
    'shell',
    timeout === undefined ? undefined : timeout * 1000,
  );
  if (!image) return 2;
  // With a terminal, the shell goes on hvc0 (the virtio console), whose size follows this
  // terminal's; the UART stays the kernel's first console. Without one, the image's console.
  const sized = process.stdout.isTTY && !parsed.values.append;
  if (sized)
    image.cmdline =
      `${image.cmdline.replace(/(^|\s)console=\S+/g, '')} console=ttyS0 console=hvc0`.trim();
  const machine = new MachineThread(image, {
    jit: !parsed.values['no-jit'],
    network: parsed.values.network === 'fetch' ? 'fetch' : undefined,
  });
  const stdin = process.stdin;
  const raw = stdin.isTTY;
  return new Promise<number>((resolve) => {
    const finish = (code: number, message?: string) => {
      if (raw) stdin.setRawMode(false);
      // Not pause(): a paused pipe (stdin not a terminal) still holds the process open.
      stdin.destroy();
      if (message) process.stderr.write(`\r\n${message}\r\n`);
      void machine.terminate().then(() => resolve(code));
    };
    const resize = () =>
      machine.post({
        type: 'resize',
        cols: process.stdout.columns ?? 80,
        rows: process.stdout.rows ?? 24,
      });
    // The size reaches the guest as a virtio configuration change, so it is sent once the guest
    // listens (its first prompt) and on every resize after.
    let prompted = !sized;
    machine.on((event) => {
      if (event.type === 'output') {
        process.stdout.write(event.data);
        if (!prompted && new TextDecoder().decode(event.data).includes('# ')) {
          prompted = true;
          resize();
        }
      } else if (event.type === 'exit') {
        const { exit } = event;
        finish(
          exit.reason === 'panic' ? 3 : 0,
          exit.reason === 'panic'
            ? `linux-terminal shell: the guest kernel panicked: ${exit.message}`
            : undefined,
        );
      } else if (event.type === 'restore-failed') {
        const { line, fatal } = restoreFailure('shell', event, parsed.values.state);
        if (fatal) finish(2, line);
        else process.stderr.write(`${line}\r\n`);
      } else if (event.type === 'warning')
        process.stderr.write(`\r\nlinux-terminal shell: ${event.message} [${event.code}]\r\n`);
      else if (event.type === 'error')
        finish(2, `linux-terminal shell: ${event.message} [${event.code}]`);
      // A failed disk read is the guest's I/O error: said, and the session goes on.
      else if (event.type === 'disk-error')
        process.stderr.write(`\r\nlinux-terminal shell: ${event.message} [${event.code}]\r\n`);
    });
    process.stdout.on('resize', resize);
    if (raw) stdin.setRawMode(true);
    let escape = false;
    stdin.on('data', (chunk: Buffer) => {
      const out: number[] = [];
      for (const byte of chunk) {
        if (escape) {
          escape = false;
          if (byte === 0x78 || byte === 0x58) return finish(0); // x: quit
          if (byte === CTRL_A) out.push(CTRL_A);
          continue;
        }
        if (byte === CTRL_A) escape = true;
        else out.push(byte);
      }
      if (out.length) machine.send(Uint8Array.from(out));
    });
    stdin.resume();
  });
}
