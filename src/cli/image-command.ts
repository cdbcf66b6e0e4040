// `linux-terminal image build`: makes an image folder (manifest.json + blobs/, see
// docs/image-format.md) from a kernel, an optional initramfs and disk files or folders.
import { parseArgs } from 'node:util';
import { ImageError } from '../engine/image/image-error.js';
import { buildImage } from '../images/builder/build-image.js';
import { snapshotImage } from '../images/builder/image-snapshot.js';
import { ImageBuildError } from '../images/builder/image-build-error.js';
import { Leftovers } from '../images/builder/leftovers.js';
import { formatSize, parseSize } from '../images/builder/size.js';
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB } from '../engine/memory-size.js';

export const imageUsage = `usage: linux-terminal image build --kernel FILE [--initrd FILE] [--disk FILE|DIR ...]
           [--disk-size SIZE] [--chunk-size SIZE] [--append ARGS] [--memory MiB] [--name NAME]
           [--built-from NAME=VERSION ...] [--snapshot [--warm 'COMMAND' ...]] [--force] --out DIR

Builds an image: DIR/manifest.json and DIR/blobs/<sha256>.gz (see docs/image-format.md). The same
inputs give the same files; blobs already in DIR are kept once their content is checked (a damaged
one is written again), so images built into one DIR share them. DIR must be new, empty, or hold
an image (its manifest.json): another folder is refused unless --force. Ctrl-C (or SIGTERM) stops
the build and removes its unfinished files (exit status 130, or 143).

  --kernel FILE        the RISC-V Linux Image
  --initrd FILE        an initramfs (e.g. a gzip'd newc cpio archive)
  --disk FILE|DIR      a disk, /dev/vda first: a raw or ext2/3/4 disk file as it is, or a folder
                       copied into an ext2 file system owned by root (needs e2fsprogs); repeatable
  --disk-size SIZE     size of each folder disk (default: its content plus a quarter and 1M)
  --chunk-size SIZE    bytes per disk chunk, a power of two from 4K to 4M (default 64K)
  --append ARGS        the kernel command line (default: console=ttyS0, and with a disk but no
                       initramfs also root=/dev/vda rw)
  --memory MiB         default guest memory, ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (default 128)
  --name NAME          the image's label (default: the name of DIR)
  --built-from K=V     record a package version the image was built from; repeatable
  --snapshot           then boot the image to its shell prompt and store the machine in it, so
                       that terminals and run start from there instead of booting (see
                       docs/image-format.md, Snapshots); needs the image's guest agent
  --warm 'COMMAND'     with --snapshot, a command to run before saving (what it reads stays in
                       the guest's page cache); repeatable; one that fails fails the build
  --out DIR            the output folder
  --force              build into DIR even if it is not empty and holds no image

SIZE is bytes, or a number with K, M or G (powers of 1024): 64K, 16M, 1G.
SOURCE_DATE_EPOCH, when set, is the time stamped on folder disks' files (default 1970-01-01).
`;

/** `k=v` pairs as a record, in the order given. */
function parseBuiltFrom(pairs: string[]): Record<string, string> | undefined {
  if (!pairs.length) return undefined;
  const record: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--built-from needs NAME=VERSION, not '${pair}'`);
    record[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return record;
}

/** SOURCE_DATE_EPOCH (the reproducible-builds convention) if it is set to a positive time. */
function sourceDateEpoch(): number | undefined {
  const text = process.env.SOURCE_DATE_EPOCH;
  if (!text) return undefined;
  const epoch = Number(text);
  if (!Number.isSafeInteger(epoch) || epoch <= 0)
    throw new Error(`SOURCE_DATE_EPOCH must be a positive whole number of seconds, not '${text}'`);
  return epoch;
}

async function buildCommand(argv: string[]): Promise<number> {
  let options;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kernel: { type: 'string' },
        initrd: { type: 'string' },
        disk: { type: 'string', multiple: true, default: [] },
        'disk-size': { type: 'string' },
        'chunk-size': { type: 'string' },
        append: { type: 'string' },
        memory: { type: 'string' },
        name: { type: 'string' },
        'built-from': { type: 'string', multiple: true, default: [] },
        snapshot: { type: 'boolean', default: false },
        warm: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(imageUsage);
      return 0;
    }
    if (positionals.length) throw new Error(`unexpected argument '${positionals[0]}'`);
    if (!values.kernel) throw new Error('--kernel FILE is required');
    if (!values.out) throw new Error('--out DIR is required');
    if (values.warm.length && !values.snapshot)
      throw new Error('--warm runs before a snapshot is saved: it needs --snapshot');
    const memory = values.memory;
    if (memory !== undefined && !/^\d+$/.test(memory))
      throw new ImageBuildError(
        'memory-invalid',
        `--memory must be a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB}, not '${memory}'`,
      );
    options = {
      kernel: values.kernel,
      initrd: values.initrd,
      disks: values.disk,
      diskSize: values['disk-size'] ? parseSize(values['disk-size'], '--disk-size') : undefined,
      chunkSize: values['chunk-size'] ? parseSize(values['chunk-size'], '--chunk-size') : undefined,
      cmdline: values.append,
      memoryMiB: memory === undefined ? undefined : Number(memory),
      name: values.name,
      builtFrom: parseBuiltFrom(values['built-from']),
      epoch: sourceDateEpoch(),
      out: values.out,
      force: values.force,
      snapshot: values.snapshot ? { warm: values.warm } : undefined,
    };
  } catch (error) {
    const code = error instanceof ImageBuildError ? ` [${error.code}]` : '';
    console.error(
      `linux-terminal image build: ${(error as Error).message}${code}\n\n${imageUsage}`,
    );
    return 2;
  }
  // Stopped midway, the build's unfinished files (a scratch disk of the size of the folder,
  // blobs being written) are removed before the exit: 128 + the signal's number, as shells do.
  const leftovers = new Leftovers();
  const stop = (signal: NodeJS.Signals) => {
    leftovers.removeAll();
    console.error(
      `linux-terminal image build: stopped (${signal}); its unfinished files were removed`,
    );
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { snapshot, ...buildOptions } = options;
    const { manifest, manifestPath, blobsWritten, blobsKept, blobsReplaced } = await buildImage({
      ...buildOptions,
      leftovers,
    });
    console.log(`linux-terminal image build: wrote ${manifestPath} ('${manifest.name}')`);
    console.log(`  kernel   ${manifest.kernel.size} bytes`);
    if (manifest.initrd) console.log(`  initrd   ${manifest.initrd.size} bytes`);
    for (const [i, disk] of manifest.disks.entries()) {
      const stored = disk.chunks.filter(Boolean).length;
      console.log(
        `  disk ${i}   ${formatSize(disk.size)}: ${disk.chunks.length} chunks of ${formatSize(disk.chunkSize)}, ${stored} not all zeros`,
      );
    }
    console.log(
      `  blobs    ${blobsWritten} written, ${blobsKept} already there` +
        (blobsReplaced ? `, ${blobsReplaced} damaged ones written again` : ''),
    );
    if (snapshot) {
      const saved = await snapshotImage(manifestPath, {
        warm: snapshot.warm,
        log: (line) => console.log(`  ${line}`),
      });
      console.log(
        `  snapshot ${saved.memoryMiB} MiB at the prompt: ${saved.ram.chunks.filter(Boolean).length} RAM chunks stored, working set of ${saved.workingSet.length}`,
      );
    }
    return 0;
  } catch (error) {
    // (An ImageError: the image just built could not be loaded back for its snapshot.)
    if (error instanceof ImageBuildError || error instanceof ImageError) {
      console.error(`linux-terminal image build: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export async function imageCommand(argv: string[]): Promise<number> {
  const [subcommand] = argv;
  switch (subcommand) {
    case 'build':
      return buildCommand(argv.slice(1));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(imageUsage);
      return 0;
    default:
      console.error(`linux-terminal image: unknown subcommand '${subcommand}'\n\n${imageUsage}`);
      return 2;
  }
}
