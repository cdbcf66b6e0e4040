// A folder → an ext2 disk image, made by e2fsprogs without root rights, the same bytes every time.
//
// `mke2fs -d` copies the folder in, sorting each directory's entries; what it takes from the host
// besides names, modes and contents is fixed here:
// - its own times (superblock, root, lost+found) come from E2FSPROGS_FAKE_TIME (0 means "unset");
// - uid, gid, atime, mtime and ctime it copies from each host file (ctime cannot even be set on
//   the host), so debugfs then sets every inode's owner to root and its times to `epoch`;
// - host defaults: MKE2FS_CONFIG names no file, so mke2fs uses its built-in profile, and block
//   size, inode size, inode count and features are all given; without ext_attr no host
//   extended attribute (SELinux labels...) is copied; UUID and directory hash seed are fixed.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  ftruncateSync,
  lstatSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { ImageBuildError } from './image-build-error.js';

export interface Ext2Options {
  /** Bytes; default: the folder's content plus a quarter and 1 MiB. Rounded up to `align`. */
  size?: number;
  /** The size is rounded up to a multiple of this (e.g. the image's chunk size); default 4096. */
  align?: number;
  /** Seconds since 1970 stamped on every inode and in the superblock; default 1. */
  epoch?: number;
  /** The file system's UUID, also its directory hash seed; default DEFAULT_UUID. */
  uuid?: string;
}

export interface Ext2Result {
  /** Bytes of the disk image. */
  size: number;
  /** Entries copied from the folder (files, directories, links...), the root included. */
  entries: number;
}

/** "linux-terminal" in ASCII, then 00: the UUID of an image's first disk unless told otherwise. */
export const DEFAULT_UUID = '6c696e75-782d-7465-726d-696e616c0000';
export const DEFAULT_EPOCH = 1;

const BLOCK = 4096;
const INODE_SIZE = 256;
/** Bytes per inode when the disk is larger than its content needs (mke2fs -i). */
const BYTES_PER_INODE = 16384;
/** Compatible with Linux's ext2 driver; no ext_attr (host xattrs), no resize_inode (not resized). */
const FEATURES = 'none,sparse_super,large_file,filetype,dir_index';

interface Entry {
  /** Path inside the file system: "/", "/bin", "/bin/sh"... */
  path: string;
  /** Bytes of data blocks it needs, indirect blocks included. */
  bytes: number;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Every entry of `folder` (not following links), parents before children, sorted by name. */
function walk(folder: string): Entry[] {
  const entries: Entry[] = [];
  const visit = (hostPath: string, path: string) => {
    const stat = lstatSync(hostPath);
    let bytes = 0;
    if (stat.isDirectory()) {
      const names = readdirSync(hostPath).sort();
      // A directory entry is 8 bytes and the name, padded to 4; "." and ".." take 24.
      bytes = roundUp(24 + names.reduce((sum, n) => sum + 8 + roundUp(n.length, 4), 0), BLOCK);
      entries.push({ path, bytes });
      for (const name of names) {
        if (name.includes('\n'))
          throw new ImageBuildError(
            'disk-folder-invalid',
            `${join(hostPath, name)} has a newline in its name, which this builder cannot pass to debugfs; rename it`,
          );
        visit(join(hostPath, name), path === '/' ? `/${name}` : `${path}/${name}`);
      }
      return;
    }
    if (stat.isFile()) {
      // One indirect block per 1024 data blocks, roughly.
      const blocks = Math.ceil(stat.size / BLOCK);
      bytes = (blocks + Math.ceil(blocks / 1024)) * BLOCK;
    } else if (stat.isSymbolicLink() && stat.size >= 60) bytes = BLOCK; // shorter ones fit the inode
    entries.push({ path, bytes });
  };
  visit(folder, '/');
  return entries;
}

/** Where e2fsprogs' `tool` is: on PATH, or in /usr/sbin or /sbin (not on a user's PATH on Debian). */
function findTool(tool: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not here
    }
  }
  throw new ImageBuildError(
    'mke2fs-missing',
    `${tool} is not installed; a folder disk needs e2fsprogs (Debian: sudo apt-get install e2fsprogs)`,
  );
}

function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv, hint = ''): string {
  const result = spawnSync(findTool(tool), args, {
    env: { ...process.env, ...env, LC_ALL: 'C' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
  if (result.error || result.status !== 0)
    throw new ImageBuildError(
      'mke2fs-failed',
      `${tool} failed (${result.error?.message ?? `exit ${result.status}`}): ${output.split('\n').slice(-5).join(' / ')}${hint}`,
    );
  return result.stderr ?? '';
}

/** Quotes `path` for a debugfs command line: in double quotes, a double quote is written twice. */
const quote = (path: string) => `"${path.replaceAll('"', '""')}"`;

/**
 * Makes `file` an ext2 file system holding a copy of `folder`, every inode owned by root and
 * stamped `epoch`. Returns its size. Throws ImageBuildError `mke2fs-missing` or `mke2fs-failed`
 * (with mke2fs's reason, e.g. when the folder does not fit in `size`).
 */
export function ext2FromFolder(
  folder: string,
  file: string,
  options: Ext2Options = {},
): Ext2Result {
  const { align = BLOCK, epoch = DEFAULT_EPOCH, uuid = DEFAULT_UUID } = options;
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new ImageBuildError('disk-not-found', `${folder} is not a folder`);
  if (!Number.isSafeInteger(epoch) || epoch <= 0)
    throw new RangeError(`epoch must be a positive whole number of seconds, not ${epoch}`);
  const entries = walk(folder);
  const neededInodes = Math.ceil(entries.length * 1.25) + 64;
  const content = entries.reduce((sum, e) => sum + e.bytes, 0) + neededInodes * INODE_SIZE;
  const size = roundUp(
    options.size ?? Math.ceil(content * 1.25) + (1 << 20),
    Math.max(align, BLOCK),
  );
  const inodes = Math.max(neededInodes, Math.floor(size / BYTES_PER_INODE));

  // A fresh file reads as zeros wherever mke2fs writes nothing, so those chunks stay null.
  rmSync(file, { force: true });
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  const env = {
    E2FSPROGS_FAKE_TIME: String(epoch),
    MKE2FS_CONFIG: `${file}.no-such-mke2fs.conf`,
  };
  runTool(
    'mke2fs',
    [
      ...['-q', '-F', '-t', 'ext2', '-b', String(BLOCK), '-I', String(INODE_SIZE)],
      ...['-N', String(inodes), '-m', '0', '-O', FEATURES, '-U', uuid],
      ...['-E', `root_owner=0:0,hash_seed=${uuid},nodiscard`, '-d', folder, file],
    ],
    env,
    options.size ? `; does ${folder} fit in ${size} bytes? Give a larger disk size` : '',
  );

  const commands = entries.flatMap(({ path }) =>
    ['uid 0', 'gid 0', `atime @${epoch}`, `mtime @${epoch}`, `ctime @${epoch}`].map(
      (field) => `set_inode_field ${quote(path)} ${field}\n`,
    ),
  );
  const script = `${file}.debugfs`;
  writeFileSync(script, commands.join(''));
  try {
    // debugfs reports a failed command on stderr and still exits 0; its only other line there is
    // its version banner.
    const stderr = runTool('debugfs', ['-w', '-f', script, file], env);
    const problems = stderr.split('\n').filter((line) => line && !/^debugfs \d/.test(line));
    if (problems.length)
      throw new ImageBuildError(
        'mke2fs-failed',
        `debugfs could not set owners and times in ${file}: ${problems.slice(0, 3).join(' / ')}`,
      );
  } finally {
    rmSync(script, { force: true });
  }
  return { size, entries: entries.length };
}
