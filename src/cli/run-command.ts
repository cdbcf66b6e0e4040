// `linux-terminal run`: starts an image headless in a worker thread (from its snapshot when it
// has one, else by booting its kernel), runs one command in the guest shell, streams its output
// and exits with the command's exit status.
import { parseArgs } from 'node:util';
import { ImageError } from '../engine/node/images.js';
import { GuestError, GuestShell } from '../engine/node/guest-shell.js';
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB } from '../engine/memory-size.js';
import {
  BootArgumentError,
  checkImage,
  checkInputFile,
  checkStateFolder,
} from './boot-arguments.js';
import { CopyError, copyIn, copyOut, parseCopies } from './copy-files.js';
import { loadWithin } from './load-within.js';
import { describeTranslator } from './translator-stats.js';
import {
  describeStart,
  machineStart,
  reportSnapshotSkipped,
  restoreFailure,
} from './machine-start.js';

/** How long loading the image and booting to the prompt may take, by default. */
const DEFAULT_TIMEOUT_S = 120;
/** How long the command may run, by default. */
const DEFAULT_COMMAND_TIMEOUT_S = 600;

export const runUsage = `usage: linux-terminal run [--image NAME|PATH|URL] [--cold] [--memory MiB] [--network fetch] [--no-jit] [--stats]
           [--copy-in HOST:GUEST ...] [--copy-out GUEST:HOST ...] -- 'COMMAND'
       linux-terminal run [--image NAME|PATH|URL] --state DIR [--no-jit] [--stats] -- 'COMMAND'
       linux-terminal run --kernel FILE [--initrd FILE] [--append ARGS] [--memory MiB] [--no-jit] -- 'COMMAND'

Starts the machine, runs COMMAND in the guest's shell, prints its output and exits with its status.
An image with a snapshot starts from it (restored, not booted); one that cannot be restored is
said on stderr and the kernel boots instead.

  --image NAME|PATH|URL  a built-in image (default: busybox), or the path or http(s) URL of an
                      image manifest (see docs/image-format.md)
  --cold              boot the kernel even if the image has a snapshot
  --state DIR         restore the snapshot in DIR (linux-terminal snapshot save --out DIR) on the
                      image; if it cannot be restored, the run ends (status 2)
  --kernel FILE       a RISC-V Linux Image instead of an image; its init must start a shell
  --initrd FILE       an initramfs for --kernel
  --append ARGS       the kernel command line for --kernel (default: console=ttyS0)
  --memory MiB        guest memory, ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (default: the image's, or 128); with
                      --append, boots cold, since a snapshot has its own
  --timeout SECONDS   give up if the image has not loaded and the shell prompt appeared by then
                      (default ${DEFAULT_TIMEOUT_S}); covers the download of the image
  --command-timeout SECONDS
                      stop COMMAND after this long (default ${DEFAULT_COMMAND_TIMEOUT_S}); none or 0: no limit
  --copy-in HOST:GUEST
                      copy the file HOST into the guest as GUEST (relative: under /root; ending
                      in /: a folder, keeping the name) before COMMAND runs; repeatable
  --copy-out GUEST:HOST
                      copy the guest's file GUEST to HOST (a folder: keeping the name) after
                      COMMAND, whatever its status; repeatable
  --network fetch     give the guest a network (eth0, an address by DHCP): its HTTP requests are
                      made by this process's fetch() (docs/network.md); boots cold, since the
                      image's snapshot has no network device. Off by default
  --no-jit            interpret every instruction: no translation of hot guest code to
                      WebAssembly (slower; to compare, or to rule the translator out)
  --stats             print on stderr whether the machine was restored, the time to the prompt,
                      instructions retired, MIPS, blobs fetched (to the prompt and in all), and
                      the translator's units compiled, compile time, share of the instructions
                      retired in translated code, and cache evictions (or that it is off)

Exit status: COMMAND's; 2 for a bad option, an image that cannot be loaded, or a snapshot that
cannot be restored (--state), or whose memory turns out damaged once it runs, or a file that
could not be copied (--copy-in: COMMAND does not run; --copy-out); 3 if the guest
kernel panicked; 4 if the guest stopped, gave no prompt in time, or COMMAND ran past its limit.
A disk read that fails after boot is reported on stderr and the guest goes on (an I/O error).
`;

export const bootOptions = {
  image: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  append: { type: 'string' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  cold: { type: 'boolean', default: false },
  state: { type: 'string' },
  network: { type: 'string' },
  'no-jit': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The shared boot options, as parseArgs gives them. */
export interface BootValues {
  image?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  memory?: string;
  cold?: boolean;
  state?: string;
  network?: string;
}

/** What is wrong with the combination of boot options, if anything. */
function bootOptionsProblem(values: BootValues): string | undefined {
  if (values.network !== undefined && values.network !== 'fetch')
    return `--network takes 'fetch' (the only network there is yet), not '${values.network}'`;
  if (values.state === undefined) return undefined;
  if (values.network !== undefined)
    return '--state restores a machine saved with its own devices; --network boots a new one: give one';
  if (values.kernel !== undefined)
    return '--state restores a snapshot on an image (--image), not on --kernel';
  if (values.cold) return '--state restores a snapshot and --cold boots the kernel: give one';
  if (values.memory !== undefined || values.append !== undefined)
    return `--state restores a snapshot with its own memory size and kernel command line: drop ${values.memory !== undefined ? '--memory' : '--append'}`;
  return undefined;
}

/**
 * Turns the shared boot options into a boot image, loaded within `timeoutMs`, or prints why not
 * (with its code) and returns undefined.
 */
export async function bootImageFrom(
  values: BootValues,
  command: string,
  timeoutMs = DEFAULT_TIMEOUT_S * 1000,
) {
  const conflict = bootOptionsProblem(values);
  if (conflict) {
    console.error(`linux-terminal ${command}: ${conflict}`);
    return undefined;
  }
  let memoryMiB: number | undefined;
  if (values.memory !== undefined) {
    memoryMiB = Number(values.memory);
    if (!Number.isInteger(memoryMiB) || memoryMiB < MIN_MEMORY_MIB || memoryMiB > MAX_MEMORY_MIB) {
      console.error(
        `linux-terminal ${command}: --memory must be a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB}, not '${values.memory}'`,
      );
      return undefined;
    }
  }
  try {
    if (values.kernel !== undefined) checkInputFile(values.kernel, '--kernel', 'kernel Image');
    if (values.initrd !== undefined) checkInputFile(values.initrd, '--initrd', 'initramfs');
    const image =
      values.image === undefined || values.kernel !== undefined
        ? values.image
        : checkImage(values.image);
    const state = values.state === undefined ? undefined : checkStateFolder(values.state);
    const loaded = await loadWithin(
      {
        image,
        kernel: values.kernel,
        initrd: values.initrd,
        append: values.append,
        memoryMiB,
        cold: values.cold,
        network: values.network !== undefined,
        state,
      },
      timeoutMs,
    );
    reportSnapshotSkipped(command, loaded);
    return loaded;
  } catch (error) {
    if (error instanceof ImageError || error instanceof BootArgumentError) {
      console.error(`linux-terminal ${command}: ${error.message} [${error.code}]`);
      return undefined;
    }
    throw error;
  }
}

/** A number of seconds from option `name`; `none` (or 0) when `unlimited` is allowed. */
function parseSeconds(text: string, name: string, unlimited: boolean): number | undefined {
  if (unlimited && (text === 'none' || Number(text) === 0)) return Infinity;
  const value = Number(text);
  if (text.trim() !== '' && value > 0 && Number.isFinite(value)) return value;
  console.error(
    `linux-terminal run: ${name} needs a positive number of seconds${unlimited ? ' or none' : ''}, not '${text}'`,
  );
  return undefined;
}

export async function runCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...bootOptions,
        'command-timeout': { type: 'string' },
        'copy-in': { type: 'string', multiple: true },
        'copy-out': { type: 'string', multiple: true },
        stats: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`linux-terminal run: ${(error as Error).message}\n\n${runUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(runUsage);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`linux-terminal run: no command to run\n\n${runUsage}`);
    return 2;
  }
  const timeoutSeconds = parseSeconds(
    values.timeout ?? String(DEFAULT_TIMEOUT_S),
    '--timeout',
    false,
  );
  const commandSeconds = parseSeconds(
    values['command-timeout'] ?? String(DEFAULT_COMMAND_TIMEOUT_S),
    '--command-timeout',
    true,
  );
  if (timeoutSeconds === undefined || commandSeconds === undefined) return 2;
  // Checked before anything starts: a missing file should not cost a boot.
  let copies;
  try {
    copies = parseCopies(values['copy-in'], values['copy-out']);
    if (copies.length > 0 && values.kernel !== undefined)
      throw new CopyError(
        'bad-option',
        `${copies[0].option} copies through the guest agent of an image (/sbin/lt-agent), which a --kernel boot does not have; use --image`,
      );
  } catch (error) {
    if (!(error instanceof CopyError)) throw error;
    console.error(`linux-terminal run: ${error.message} [${error.code}]`);
    return 2;
  }

  // One budget for loading the image and booting to the prompt.
  const started = performance.now();
  const timeoutMs = timeoutSeconds * 1000;
  const image = await bootImageFrom(values, 'run', timeoutMs);
  if (!image) return 2;

  const guest = new GuestShell(image, {
    jit: !values['no-jit'],
    network: values.network === 'fetch' ? 'fetch' : undefined,
  });
  // Not fatal: e.g. a restored guest whose clock could not be set.
  guest.thread.on((event) => {
    if (event.type === 'warning')
      console.error(`linux-terminal run: ${event.message} [${event.code}]`);
  });
  // Like the browser, a failed disk read is the guest's I/O error, not the end of the run.
  // The kernel retries a failed read and reads ahead, so one missing chunk fails many times:
  // each distinct error is said once.
  const said = new Set<string>();
  let firstDiskError: string | undefined;
  guest.onDiskError = (code, message) => {
    if (said.has(message)) return;
    said.add(message);
    firstDiskError ??= code;
    console.error(`linux-terminal run: ${message} and goes on [${code}]`);
  };
  let phase: 'boot' | 'command' = 'boot';
  const reportCopy = (error: unknown): false => {
    if (!(error instanceof CopyError)) throw error;
    console.error(`linux-terminal run: ${error.message} [${error.code}]`);
    return false;
  };
  /** The --copy-out files, each tried; whether all were copied. */
  const copyFilesOut = async (): Promise<boolean> => {
    let all = true;
    for (const copy of copies.filter((c) => c.option === '--copy-out'))
      all = (await copyOut(guest.thread, copy).then(() => true, reportCopy)) && all;
    return all;
  };
  /** What the guest printed while the command ran, and how much of it went to stdout. */
  let received = '';
  let printed = 0;
  const left = () => Math.max(1, timeoutMs - (performance.now() - started));
  try {
    const start = await machineStart(guest.thread, left());
    if (start?.failure) {
      const { line, fatal } = restoreFailure('run', start.failure, values.state);
      console.error(line);
      if (fatal) return 2;
    }
    await guest.ready(left());
    // After a restore, the thread answers once the guest's clock and random state are renewed
    // (lt-resume): COMMAND must not see the snapshot's.
    const bootInstructions = await guest.thread.stats();
    const booted = performance.now();
    const bootFetched = await guest.thread.fetched();
    for (const copy of copies.filter((c) => c.option === '--copy-in')) {
      const copied = await copyIn(guest.thread, copy).then(() => true, reportCopy);
      if (!copied) return 2; // COMMAND is not run without its files
    }
    phase = 'command';
    guest.onOutput = (text) => (received += text);
    const result = await guest.exec(positionals.join(' '), {
      timeoutMs: commandSeconds * 1000, // Infinity: no limit
      onChunk: (text) => {
        process.stdout.write(text);
        printed += text.length;
      },
    });
    const copiedOut = await copyFilesOut();
    if (values.stats) {
      const { startInstructions, fetched, jit, ...status } = await guest.thread.status();
      // A restored machine's count goes on from its snapshot's: the figures are this run's.
      const instructions = status.instructions - startInstructions;
      const toPrompt = bootInstructions - startInstructions;
      const seconds = (performance.now() - started) / 1000;
      console.error(`start: ${describeStart(image, start, values.state)}`);
      console.error(
        `boot to prompt ${((booted - started) / 1000).toFixed(2)} s (${toPrompt.toLocaleString('en')} instructions); ` +
          `total ${seconds.toFixed(2)} s, ${instructions.toLocaleString('en')} instructions, ${(Number(instructions) / seconds / 1e6).toFixed(1)} MIPS`,
      );
      // Blobs fetched (disk chunks; after a restore also the snapshot's state and RAM chunks),
      // and their bytes as stored (gzip'd).
      const blobs = ({ blobs, bytes }: { blobs: number; bytes: number }) =>
        `${blobs} blobs, ${bytes.toLocaleString('en')} bytes`;
      console.error(`fetched: to the prompt ${blobs(bootFetched)}; in all ${blobs(fetched)}`);
      console.error(describeTranslator(jit, instructions));
    }
    return copiedOut ? result.exitCode : 2;
  } catch (error) {
    // exec() holds back the last few characters (they may be the start of its end marker): when
    // the command ends otherwise (time limit, exit, panic), they are its output all the same.
    if (phase === 'command') process.stdout.write(received.replace(/\r\n/g, '\n').slice(printed));
    if (error instanceof GuestError) {
      if (error.code === 'no-prompt' && phase === 'command') {
        console.error(
          `linux-terminal run: the command did not finish within ${commandSeconds} s and was stopped; allow longer with --command-timeout SECONDS (or none) [command-timeout]`,
        );
        // What it wrote so far may be what tells why (a log): the agent answers beside the shell.
        await copyFilesOut();
      } else if (error.code === 'no-prompt')
        console.error(
          `linux-terminal run: ${error.message}; allow longer with --timeout SECONDS [no-prompt]`,
        );
      else if (error.code.startsWith('snapshot-'))
        // A RAM chunk is fetched when the guest first needs it: a damaged one stops the machine
        // only then, after it started (host.run() rejects with its code).
        console.error(
          `linux-terminal run: the restored machine stopped: ${error.message}${values.state === undefined ? '; run again with --cold to boot the kernel instead' : ''} [${error.code}]`,
        );
      else console.error(`linux-terminal run: ${error.message} [${error.code}]`);
      // A machine that dies after disk errors most likely dies of them: say so, root cause first.
      if (firstDiskError && !(error.code === 'no-prompt' && phase === 'command'))
        console.error(
          `linux-terminal run: this followed the disk error above [${firstDiskError}], its likely cause; check that the image's blobs are all there and intact`,
        );
      if (error.code.startsWith('snapshot-')) return 2;
      return error.code === 'kernel-panic' ? 3 : 4;
    }
    throw error;
  } finally {
    await guest.terminate();
  }
}
