// `linux-terminal snapshot save`: boots an image cold, as a page's terminal would, to its shell
// prompt, runs the warm-up commands, waits until the guest is idle and saves the machine into a
// folder of its own (DIR/snapshot.json + DIR/blobs/, docs/image-format.md), which `run --state
// DIR` restores. It then restores it once to record its working set, as `image build
// --snapshot` does for an image's own snapshot.
import { parseArgs } from 'node:util';
import { ImageError } from '../engine/node/images.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotDescription,
} from '../engine/snapshot/snapshot-file.js';
import { ImageBuildError } from '../images/builder/image-build-error.js';
import {
  recordWorkingSet,
  snapshotColdBoot,
  withWorkingSet,
} from '../images/builder/image-snapshot.js';
import { Leftovers } from '../images/builder/leftovers.js';
import { checkOutFolder } from '../images/builder/out-folder.js';
import { formatSize } from '../images/builder/size.js';
import { writeSnapshotFolder } from '../images/builder/snapshot-files.js';
import { BootArgumentError, checkImage } from './boot-arguments.js';

/** How long booting, warming and saving may take, by default. */
const DEFAULT_TIMEOUT_S = 600;

export const snapshotUsage = `usage: linux-terminal snapshot save [--image NAME|PATH|URL] [--warm 'COMMAND' ...]
           [--timeout SECONDS] [--force] --out DIR

Boots the image cold to its shell prompt, runs each warm-up COMMAND (through the image's agent,
in order: what it reads stays in the guest's page cache), waits until the guest is idle, and
saves the machine in DIR: DIR/snapshot.json and DIR/blobs/<sha256>.gz (see docs/image-format.md).
'linux-terminal run --image IMAGE --state DIR' restores it, on that image only. DIR must be new,
empty, or hold a snapshot (which this one replaces, its blobs shared); another folder is refused
unless --force.

  --image NAME|PATH|URL  a built-in image (default: busybox), or the path or http(s) URL of an
                      image manifest
  --warm 'COMMAND'    a command to run before saving; repeatable; one that fails stops the save
  --timeout SECONDS   give up if booting, warming and saving take longer (default ${DEFAULT_TIMEOUT_S})
  --out DIR           the snapshot's folder
  --force             write into DIR even if it is not empty and holds no snapshot

Exit status: 0 saved; 2 for a bad option, an image that cannot be loaded, or a DIR that is refused;
1 if the snapshot could not be made (no prompt, a warm-up command failed, the guest never idle).
`;

/** The snapshot folder as out-folder.ts recognises it. */
const SNAPSHOT_FOLDER = { file: 'snapshot.json', format: SNAPSHOT_FORMAT, what: 'snapshot' };

type SaveOptions = {
  image: string;
  out: string;
  warm: string[];
  timeoutMs: number;
  force: boolean;
};

/** The options of `snapshot save`, checked; prints why not and returns undefined. */
function saveOptions(argv: string[]): SaveOptions | 'help' | undefined {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        image: { type: 'string', default: 'busybox' },
        warm: { type: 'string', multiple: true, default: [] },
        timeout: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return 'help';
    if (positionals.length) throw new Error(`unexpected argument '${positionals[0]}'`);
    if (!values.out) throw new Error('--out DIR is required');
    const seconds = Number(values.timeout ?? DEFAULT_TIMEOUT_S);
    if (!(seconds > 0 && Number.isFinite(seconds)))
      throw new Error(`--timeout needs a positive number of seconds, not '${values.timeout}'`);
    return {
      image: values.image,
      out: values.out,
      warm: values.warm,
      timeoutMs: seconds * 1000,
      force: values.force,
    };
  } catch (error) {
    console.error(`linux-terminal snapshot save: ${(error as Error).message}\n\n${snapshotUsage}`);
    return undefined;
  }
}

async function saveCommand(argv: string[]): Promise<number> {
  const options = saveOptions(argv);
  if (options === 'help') {
    process.stdout.write(snapshotUsage);
    return 0;
  }
  if (!options) return 2;
  const say = (error: { message: string; code: string }) =>
    console.error(`linux-terminal snapshot save: ${error.message} [${error.code}]`);
  let image: string;
  try {
    image = checkImage(options.image);
    // Refused before the boot, not after a minute of it.
    checkOutFolder(options.out, options.force, SNAPSHOT_FOLDER);
  } catch (error) {
    if (error instanceof BootArgumentError || error instanceof ImageBuildError) {
      say(error);
      return 2;
    }
    throw error;
  }
  // As `image build`: stopped midway, the blobs and snapshot.json being written are removed.
  const leftovers = new Leftovers();
  const stop = (signal: NodeJS.Signals) => {
    leftovers.removeAll();
    console.error(
      `linux-terminal snapshot save: stopped (${signal}); its unfinished files were removed`,
    );
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const deadline = performance.now() + options.timeoutMs;
    const taken = await snapshotColdBoot(
      { image },
      { warm: options.warm, log: (line) => console.log(`linux-terminal ${line}`) },
      deadline,
    );
    const description: SnapshotDescription = {
      ...taken.snapshot,
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      image: taken.imageName,
    };
    const write = (snapshot: SnapshotDescription) =>
      writeSnapshotFolder(options.out, snapshot, taken.blobs, {
        force: options.force,
        leftovers,
      });
    const first = await write(description);
    // The working set comes from restoring the folder just written, on the same image.
    const workingSet = await recordWorkingSet(
      { image, state: options.out },
      deadline,
      options.warm,
    );
    const { snapshotPath } = await write({
      ...description,
      ...(await withWorkingSet(description, taken.blobs, workingSet)),
    });
    const { ram, disks } = taken.snapshot;
    const stored = ram.chunks.filter(Boolean).length;
    console.log(`linux-terminal snapshot save: wrote ${snapshotPath} (image '${taken.imageName}')`);
    console.log(
      `  memory   ${taken.snapshot.memoryMiB} MiB: ${ram.chunks.length} chunks of ${formatSize(ram.chunkSize)}, ${stored} not all zeros`,
    );
    for (const [i, disk] of disks.entries())
      console.log(`  disk ${i}   ${disk.written.length} pages written by the guest`);
    console.log(`  blobs    ${first.blobsWritten} written, ${first.blobsKept} already there`);
    console.log(
      `  working set ${workingSet.chunks.length} chunks, ${workingSet.pages.length} pages in its pack, ${workingSet.warmPages.length} in the warm-up's`,
    );
    return 0;
  } catch (error) {
    // The image could not be loaded: a bad input, as for run.
    if (error instanceof ImageError) {
      say(error);
      return 2;
    }
    if (error instanceof ImageBuildError) {
      say(error);
      return error.code.startsWith('snapshot-') ? 1 : 2;
    }
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export async function snapshotCommand(argv: string[]): Promise<number> {
  const [subcommand] = argv;
  switch (subcommand) {
    case 'save':
      return saveCommand(argv.slice(1));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(snapshotUsage);
      return 0;
    default:
      console.error(
        `linux-terminal snapshot: unknown subcommand '${subcommand}'\n\n${snapshotUsage}`,
      );
      return 2;
  }
}
