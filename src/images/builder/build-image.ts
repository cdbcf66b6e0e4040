// Builds an image in the format of docs/image-format.md: a kernel, an optional initramfs and disks
// become content-addressed gzip blobs beside a manifest.json. Node only.
//
// Deterministic: the same inputs give the same manifest and blobs, byte for byte. Blob names
// depend only on content; node:zlib's gzip writes no file name and mtime 0, so a blob's bytes
// depend only on its content and zlib. Blobs already in the output folder are kept once their
// content is checked against their name (a damaged one is written again), so several images
// built into one folder share theirs.
import { statSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  DEFAULT_MEMORY_MIB,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  type DiskManifest,
  type ImageManifest,
} from '../../engine/image/manifest.js';
import { BlobStore, writeWhole } from './blob-store.js';
import { DEFAULT_UUID, ext2FromFolder } from './ext2-from-folder.js';
import { ImageBuildError } from './image-build-error.js';
import { memorySizeProblem } from '../../engine/memory-size.js';
import { Leftovers } from './leftovers.js';
import { checkOutFolder, makeBlobFolder } from './out-folder.js';

export const DEFAULT_CHUNK_SIZE = 64 << 10;
const BLOBS = 'blobs/';

export interface BuildImageOptions {
  /** The kernel: a RISC-V Linux `Image` file. */
  kernel: string;
  /** An initramfs file (any format the kernel reads). */
  initrd?: string;
  /** Disks, in order /dev/vda, /dev/vdb...: each a raw disk file, or a folder made into ext2. */
  disks?: string[];
  /** Bytes of each folder disk (rounded up to the chunk size); default: its content plus room. */
  diskSize?: number;
  /** Bytes per disk chunk, a power of two from 4 KiB to 4 MiB; default 64 KiB. */
  chunkSize?: number;
  /** The kernel command line; default `console=ttyS0`, plus `root=/dev/vda rw` with a disk and no initrd. */
  cmdline?: string;
  /** Default guest memory, MIN_MEMORY_MIB to MAX_MEMORY_MIB (src/engine/memory-size.ts); default 128. */
  memoryMiB?: number;
  /** The image's label; default the name of the output folder. */
  name?: string;
  /** Versions of what the image was built from, recorded as they are. */
  builtFrom?: Record<string, string>;
  /** Seconds since 1970 stamped on every inode of folder disks; default 1. */
  epoch?: number;
  /** The output folder: manifest.json and blobs/ are written there. */
  out: string;
  /** Build into `out` even if it is not empty and holds no image of ours (see out-folder.ts). */
  force?: boolean;
  /** Where the build notes what it has not finished, for a caller that must stop it midway. */
  leftovers?: Leftovers;
}

export interface BuildImageResult {
  manifest: ImageManifest;
  manifestPath: string;
  /** Distinct blobs this build wrote. */
  blobsWritten: number;
  /** Distinct blobs this build needed that were in the output folder already, intact (kept). */
  blobsKept: number;
  /** Blobs in the output folder whose content did not match their name, written again. */
  blobsReplaced: number;
}

/** Splits the disk file at `path` into chunks: a blob each, null for a chunk of zeros. */
async function chunkDisk(path: string, chunkSize: number, store: BlobStore): Promise<DiskManifest> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(chunkSize);
    const zeros = Buffer.alloc(chunkSize);
    const chunks: (string | null)[] = [];
    for (let offset = 0; offset < size; offset += chunkSize) {
      const length = Math.min(chunkSize, size - offset);
      for (let done = 0; done < length;) {
        const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${path} shrank while it was being read`);
        done += bytesRead;
      }
      const chunk = buffer.subarray(0, length);
      chunks.push(chunk.equals(zeros.subarray(0, length)) ? null : (await store.put(chunk)).sha256);
    }
    return { size, chunkSize, chunks };
  } finally {
    await file.close();
  }
}

/** The bytes of `path`, or ImageBuildError `code` when there is no such file. */
async function readInput(
  path: string,
  what: string,
  code: 'kernel-not-found' | 'initrd-not-found',
) {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ImageBuildError(
      code,
      `cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? error}); check the path`,
    );
  }
}

/** Throws unless `kernel` has the RISC-V Linux Image header (Linux Documentation/riscv/boot-image-header.rst). */
function checkKernel(kernel: Uint8Array, path: string) {
  const text = new TextDecoder('latin1');
  const magic = text.decode(kernel.subarray(48, 56));
  const magic2 = text.decode(kernel.subarray(56, 60));
  if (kernel.length < 64 || magic !== 'RISCV\0\0\0' || magic2 !== 'RSC\x05')
    throw new ImageBuildError(
      'kernel-invalid',
      `${path} is not a RISC-V Linux Image (no "RISCV" magic in its header); give arch/riscv/boot/Image`,
    );
}

function checkOptions(options: BuildImageOptions, chunkSize: number, memoryMiB: number) {
  const powerOfTwo = Number.isInteger(chunkSize) && (chunkSize & (chunkSize - 1)) === 0;
  if (!powerOfTwo || chunkSize < 4096 || chunkSize > 4 << 20)
    throw new ImageBuildError(
      'chunk-size-invalid',
      `the chunk size must be a power of two from 4K to 4M (e.g. 64K), not ${chunkSize} bytes`,
    );
  const memoryProblem = memorySizeProblem(memoryMiB);
  if (memoryProblem)
    throw new ImageBuildError('memory-invalid', `the memory size ${memoryProblem}`);
  const disks = options.disks ?? [];
  for (const disk of disks) {
    const stat = statSync(disk, { throwIfNoEntry: false });
    if (!stat)
      throw new ImageBuildError('disk-not-found', `there is no disk file or folder ${disk}`);
    if (!stat.isDirectory() && (stat.size === 0 || stat.size % 512 !== 0))
      throw new ImageBuildError(
        'disk-size-invalid',
        `disk ${disk} is ${stat.size} bytes, not a positive multiple of 512; pad it (truncate -s) or rebuild it`,
      );
  }
  const { diskSize } = options;
  if (diskSize !== undefined) {
    if (!Number.isSafeInteger(diskSize) || diskSize <= 0)
      throw new ImageBuildError(
        'disk-size-invalid',
        `the disk size must be a positive number of bytes, not ${diskSize}`,
      );
    if (!disks.some((disk) => statSync(disk).isDirectory()))
      throw new ImageBuildError(
        'disk-size-invalid',
        'a disk size applies to folder disks only (disk files are taken as they are); drop it or give a folder',
      );
  }
}

/** Builds an image into `options.out`: blobs/ and then manifest.json (see docs/image-format.md). */
export async function buildImage(options: BuildImageOptions): Promise<BuildImageResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
  const disks = options.disks ?? [];
  const leftovers = options.leftovers ?? new Leftovers();
  checkOptions(options, chunkSize, memoryMiB);
  const kernelBytes = await readInput(options.kernel, 'kernel', 'kernel-not-found');
  checkKernel(kernelBytes, options.kernel);
  const initrdBytes =
    options.initrd === undefined
      ? undefined
      : await readInput(options.initrd, 'initramfs', 'initrd-not-found');

  const out = resolve(options.out);
  checkOutFolder(out, options.force ?? false);
  const blobDir = await makeBlobFolder(out);
  const store = new BlobStore(blobDir, leftovers);
  const kernel = await store.put(kernelBytes);
  const initrd = initrdBytes && (await store.put(initrdBytes));

  const diskManifests: DiskManifest[] = [];
  let scratch: string | undefined;
  try {
    for (const [i, disk] of disks.entries()) {
      let file = disk;
      if (statSync(disk).isDirectory()) {
        // Beside the output rather than in the system's temp folder, which may be a small tmpfs.
        if (!scratch) {
          scratch = await mkdtemp(join(out, '.build-'));
          leftovers.track(scratch);
        }
        file = join(scratch, `disk${i}.ext2`);
        ext2FromFolder(disk, file, {
          size: options.diskSize,
          align: chunkSize,
          epoch: options.epoch,
          uuid: DEFAULT_UUID.slice(0, -2) + i.toString(16).padStart(2, '0'),
        });
      }
      diskManifests.push(await chunkDisk(file, chunkSize, store));
      if (file !== disk) await rm(file);
    }
  } finally {
    if (scratch) {
      await rm(scratch, { recursive: true, force: true });
      leftovers.release(scratch);
    }
  }

  const defaultCmdline = `console=ttyS0${disks.length && !initrd ? ' root=/dev/vda rw' : ''}`;
  const manifest: ImageManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name: options.name ?? basename(out),
    architecture: 'riscv64',
    kernel,
    ...(initrd && { initrd }),
    cmdline: options.cmdline ?? defaultCmdline,
    memoryMiB,
    disks: diskManifests,
    blobs: BLOBS,
    encoding: 'gzip',
    ...(options.builtFrom && { builtFrom: { ...options.builtFrom } }),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestPath = join(out, 'manifest.json');
  parseManifest(text, manifestPath); // what the engine will check, checked before it is written
  await writeWhole(manifestPath, text, leftovers);
  return {
    manifest,
    manifestPath,
    blobsWritten: store.written,
    blobsKept: store.kept,
    blobsReplaced: store.replaced,
  };
}
