/// <reference lib="webworker" />
// The engine's Worker entry: fetches and verifies the image, boots the virt board and runs it,
// relaying console output out and keystrokes in. The main thread never runs the emulator.
import { terminalCmdline } from './board/console-cmdline.js';
import { toBase64 } from './command-channel.js';
import { hartWasmUrl } from './hart.js';
import { SHELL_PROMPT } from './console-session.js';
import { writeCpio } from './cpio.js';
import { BlobFetcher } from './image/blob-fetcher.js';
import { loadImage } from './image/load-image.js';
import { MachineHost, hostFailure } from './machine-host.js';
import {
  type EngineErrorCode,
  type EngineMessage,
  type HostMessage,
  OUTPUT_WINDOW,
} from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const encoder = new TextEncoder();
let size = { cols: 80, rows: 24 };
/** Console output goes to `onOutput`, set by boot() (it watches for prompts). */
let onOutput: (bytes: Uint8Array) => void = () => {};
// exec() calls wait in the host's command channel until the guest's agent says it is ready, so
// one sent before the machine exists is not lost.
const host = new MachineHost(new BlobFetcher(), {
  output: (bytes) => onOutput(bytes),
  diskError: (code, message) => fail(code, message, false),
  execResult: (id, { exitCode, output, truncated }) =>
    post({ type: 'exec-result', id, exitCode, output, truncated }),
  execError: (id, code, message) => post({ type: 'exec-error', id, code, message }),
});
const commands = host.commands;

function post(message: EngineMessage): void {
  scope.postMessage(message);
}

/** Output characters posted and not yet drawn by the screen (see OUTPUT_WINDOW). */
let undrawn = 0;

function postOutput(data: string): void {
  post({ type: 'output', data });
  undrawn += data.length;
  if (undrawn > OUTPUT_WINDOW) host.machine?.hold();
}

post({ type: 'loaded', urls: [scope.location.href, hartWasmUrl.href] });

/** Reports an error; `fatal` when the machine is gone or never started. */
function fail(code: EngineErrorCode, message: string, fatal = true): void {
  post({ type: 'error', code, message, fatal });
}

/** How long placing one page file may take before it is reported and the boot goes on. */
const FILE_TIMEOUT_MS = 60_000;

/** Writes the page's files into the guest through its agent. */
async function writeFiles(files: { path: string; mode: number; content: string }[]) {
  for (const file of files) {
    const quoted = `'${file.path.replace(/'/g, `'\\''`)}'`;
    const data = toBase64(encoder.encode(file.content));
    // A refused command (command-too-large) is reported like a failed one; the next file goes on.
    const { exitCode, output } = await commands
      .run(
        `mkdir -p "$(dirname ${quoted})" && echo ${data} | base64 -d > ${quoted} && chmod ${file.mode.toString(8)} ${quoted}`,
        // `ready` waits for the files: an agent that never answers must not hold it for ever.
        { signal: AbortSignal.timeout(FILE_TIMEOUT_MS) },
      )
      .catch((error: Error) => ({ exitCode: -1, output: error.message }));
    if (exitCode !== 0)
      fail('internal', `The file ${file.path} could not be placed in the guest: ${output}`, false);
  }
}

async function boot(message: Extract<HostMessage, { type: 'boot' }>): Promise<void> {
  const image = await loadImage(new URL(message.image), host.fetcher, (loaded, total) =>
    post({ type: 'progress', phase: 'download', loaded, total }),
  );
  const files = message.files ?? [];
  // Page files go into the initramfs when there is one (they exist before init runs), otherwise
  // through the command channel before the script's first line.
  const filesByChannel = image.initrd ? [] : files;
  post({ type: 'progress', phase: 'boot', loaded: 0, total: 1 });
  const decoder = new TextDecoder();
  let tail = '';
  let ready = false;
  let filesPlaced = false;
  size = { cols: message.cols, rows: message.rows };
  const script = (message.script ?? '').split('\n').filter((line) => line.trim() !== '');
  let redrawWait: ReturnType<typeof setTimeout> | undefined;
  // The next line of the script, as if typed at this prompt.
  const typeNextLine = (): void => {
    clearTimeout(redrawWait);
    redrawWait = undefined;
    const line = script.shift();
    if (line !== undefined) host.input(encoder.encode(`${line}\r`));
  };
  onOutput = (bytes) => {
    const data = decoder.decode(bytes, { stream: true });
    postOutput(data);
    if (ready && script.length === 0) return;
    tail = (tail + data).slice(-256);
    if (!SHELL_PROMPT.test(tail)) return;
    tail = '';
    if (!ready) {
      ready = true;
      // The console takes its size from a configuration change, once the guest listens. The
      // shell answers the SIGWINCH by redrawing its prompt: the script waits for that redraw
      // (or half a second), or the redraw would land in the middle of the first typed line.
      host.resize(size.cols, size.rows);
      // `ready` means the page's files are in place: a page that sends a line at `ready` may
      // run them at once.
      void writeFiles(filesByChannel).then(() => {
        filesPlaced = true;
        post({ type: 'ready' });
        if (script.length > 0) redrawWait = setTimeout(typeNextLine, 500);
      });
      return;
    }
    // A prompt before the page's files are in place (the redraw) types nothing yet.
    if (filesPlaced) typeNextLine();
  };
  await host.boot({
    kernel: image.kernel,
    initrd: image.initrd && withFiles(image.initrd, files),
    memoryMiB: message.memoryMiB ?? image.memoryMiB,
    disks: image.disks,
    cmdline: terminalCmdline(image.cmdline),
  });
  const exit = await host.run();
  if (exit.reason === 'panic') {
    // A panic after a failed disk read is reported as that disk error (disk-failures.ts).
    const { code, message } = host.panicFailure(exit);
    fail(code, message);
  } else if (exit.reason === 'poweroff' || exit.reason === 'reboot')
    post({ type: 'exit', reason: exit.reason });
}

/** The image's initramfs with the page's files appended as one more archive. */
function withFiles(
  initrd: Uint8Array,
  files: { path: string; mode: number; content: string }[],
): Uint8Array {
  if (files.length === 0) return initrd;
  const extra = writeCpio(
    files.map((f) => ({ path: f.path, mode: f.mode, data: encoder.encode(f.content) })),
  );
  // Archives are concatenated on a 4-byte boundary.
  const start = Math.ceil(initrd.length / 4) * 4;
  const out = new Uint8Array(start + extra.length);
  out.set(initrd);
  out.set(extra, start);
  return out;
}

scope.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'boot':
      boot(message).catch((error: unknown) => {
        const { code, message } = hostFailure(error);
        fail(code, message);
      });
      break;
    case 'input':
      host.input(encoder.encode(message.data));
      break;
    case 'output-ack':
      undrawn -= message.chars;
      // Resumed at half the window, so that the screen always has output queued to draw.
      if (undrawn <= OUTPUT_WINDOW / 2) host.machine?.resume();
      break;
    case 'resize':
      size = { cols: message.cols, rows: message.rows };
      host.resize(message.cols, message.rows);
      break;
    case 'exec':
      host.exec(message.id, message.command, message.maxOutput);
      break;
    case 'exec-cancel':
      host.cancelExec(message.id);
      break;
  }
});
