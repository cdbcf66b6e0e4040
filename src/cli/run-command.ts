// `linux-terminal run`: boots an image headless in a worker thread, runs one command in the guest
// shell, streams its output and exits with the command's exit status.
import { parseArgs } from 'node:util';
import { loadBootImage, ImageError } from '../engine/node/images.js';
import { GuestError, GuestShell } from '../engine/node/guest-shell.js';
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB } from '../engine/board/virt-machine.js';

export const runUsage = `usage: linux-terminal run [--image NAME|PATH|URL] [--memory MiB] [--stats] -- 'COMMAND'
       linux-terminal run --kernel FILE [--initrd FILE] [--append ARGS] [--memory MiB] -- 'COMMAND'

Boots the machine, runs COMMAND in the guest's shell, prints its output and exits with its status.

  --image NAME|PATH|URL  a built-in image (default: busybox), or the path or http(s) URL of an
                      image manifest (see docs/image-format.md)
  --kernel FILE       a RISC-V Linux Image instead of an image; its init must start a shell
  --initrd FILE       an initramfs for --kernel
  --append ARGS       the kernel command line for --kernel (default: console=ttyS0)
  --memory MiB        guest memory, ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (default: the image's, or 128)
  --timeout SECONDS   give up if the shell prompt has not appeared by then (default 120)
  --stats             print boot time, instructions retired, MIPS and disk chunks fetched on
                      stderr
`;

export const bootOptions = {
  image: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  append: { type: 'string' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Turns the shared boot options into a boot image, or prints why not and returns undefined. */
export async function bootImageFrom(
  values: { image?: string; kernel?: string; initrd?: string; append?: string; memory?: string },
  command: string,
) {
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
    return await loadBootImage({
      image: values.image,
      kernel: values.kernel,
      initrd: values.initrd,
      append: values.append,
      memoryMiB,
    });
  } catch (error) {
    if (error instanceof ImageError) {
      console.error(`linux-terminal ${command}: ${error.message} [${error.code}]`);
      return undefined;
    }
    throw error;
  }
}

export async function runCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...bootOptions, stats: { type: 'boolean', default: false } },
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
  const timeoutSeconds = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    console.error(
      `linux-terminal run: --timeout needs a positive number of seconds, not '${values.timeout}'`,
    );
    return 2;
  }
  const image = await bootImageFrom(values, 'run');
  if (!image) return 2;

  const started = performance.now();
  const guest = new GuestShell(image);
  try {
    await guest.ready(timeoutSeconds * 1000);
    const booted = performance.now();
    const bootInstructions = await guest.thread.stats();
    const bootFetched = await guest.thread.fetched();
    const result = await guest.exec(positionals.join(' '), {
      onChunk: (text) => process.stdout.write(text),
    });
    if (values.stats) {
      const instructions = await guest.thread.stats();
      const fetched = await guest.thread.fetched();
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `boot to prompt ${((booted - started) / 1000).toFixed(2)} s (${bootInstructions.toLocaleString('en')} instructions); ` +
          `total ${seconds.toFixed(2)} s, ${instructions.toLocaleString('en')} instructions, ${(Number(instructions) / seconds / 1e6).toFixed(1)} MIPS`,
      );
      // Disk chunks fetched: blobs, and their bytes as stored (gzip'd).
      const chunks = ({ blobs, bytes }: { blobs: number; bytes: number }) =>
        `${blobs} chunks, ${bytes.toLocaleString('en')} bytes`;
      console.error(
        `disk fetched: to the prompt ${chunks(bootFetched)}; in all ${chunks(fetched)}`,
      );
    }
    return result.exitCode;
  } catch (error) {
    if (error instanceof GuestError) {
      console.error(`linux-terminal run: ${error.message}`);
      return error.code === 'kernel-panic' ? 3 : 4;
    }
    throw error;
  } finally {
    await guest.terminate();
  }
}
