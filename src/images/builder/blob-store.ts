// Writing an image folder's files (docs/image-format.md): each blob gzip'd once under its hash,
// kept when the folder already has it intact, and every file written whole or not at all.
// Shared by the image build and by snapshots written into an image or a folder of their own.
// Node only.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { BlobRef } from '../../engine/image/manifest.js';
import type { Leftovers } from './leftovers.js';

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Writes `data` to `path` under a temporary name first, then renames it into place: an
 * interrupted write leaves no truncated file that a later build would keep.
 */
export async function writeWhole(
  path: string,
  data: Uint8Array | string,
  leftovers: Leftovers,
): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  leftovers.track(partial);
  await writeFile(partial, data);
  await rename(partial, path);
  leftovers.release(partial);
}

/** Whether the blob file at `path` holds, gunzipped, exactly the `size` bytes hashing to `hash`. */
async function intact(path: string, hash: string, size: number): Promise<boolean> {
  try {
    // One byte past the size is enough to see a blob too long (and stops a bomb).
    const data = gunzipSync(await readFile(path), { maxOutputLength: size + 1 });
    return data.length === size && sha256(data) === hash;
  } catch {
    return false; // unreadable, not gzip, cut short, or inflating past the size
  }
}

/** Writes each distinct blob once, as <sha256>.gz, unless the folder has it intact already. */
export class BlobStore {
  written = 0;
  kept = 0;
  replaced = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly leftovers: Leftovers,
  ) {}

  async put(data: Uint8Array): Promise<BlobRef> {
    const hash = sha256(data);
    if (!this.seen.has(hash)) {
      this.seen.add(hash);
      const path = join(this.dir, `${hash}.gz`);
      const there = existsSync(path);
      if (there && (await intact(path, hash, data.length))) this.kept++;
      else {
        await writeWhole(path, gzipSync(data, { level: 9 }), this.leftovers);
        if (there) this.replaced++;
        else this.written++;
      }
    }
    return { size: data.length, sha256: hash };
  }
}
