// The --out folder of a build (or of a saved snapshot): new, empty, or holding an image of ours
// (its manifest.json; for a snapshot, its snapshot.json), or only blobs/, as an interrupted build
// leaves it. Anything else is the user's folder: building there would overwrite its
// manifest.json and mix our blobs/ with its files, so it is refused unless they say --force.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FORMAT } from '../../engine/image/manifest.js';
import { ImageBuildError } from './image-build-error.js';

const BLOB_NAME = /^[0-9a-f]{64}\.gz$/;

/** Whether `path` is a JSON file of ours of that `format` (of any version). */
function isOurs(path: string, format: string): boolean {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))?.format === format;
  } catch {
    return false;
  }
}

/** Whether `dir` holds only blob files of ours. */
function onlyBlobs(dir: string): boolean {
  try {
    return readdirSync(dir).every((name) => BLOB_NAME.test(name));
  } catch {
    return false;
  }
}

/** What a folder of ours holds: its description file, of that format, beside blobs/. */
export interface OurFolder {
  file: string;
  format: string;
  /** "image" or "snapshot", in messages. */
  what: string;
}

const IMAGE_FOLDER: OurFolder = { file: 'manifest.json', format: MANIFEST_FORMAT, what: 'image' };

/** Throws unless the build may write into `out`. */
export function checkOutFolder(out: string, force: boolean, ours = IMAGE_FOLDER): void {
  const stat = statSync(out, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory())
    throw new ImageBuildError(
      'out-not-writable',
      `--out ${out} is a file, not a folder; choose a new or empty folder`,
    );
  const names = readdirSync(out);
  if (force || names.length === 0) return;
  if (names.includes(ours.file) && isOurs(join(out, ours.file), ours.format)) return;
  if (names.length === 1 && names[0] === 'blobs' && onlyBlobs(join(out, 'blobs'))) return;
  throw new ImageBuildError(
    'out-not-an-image',
    `--out ${out} is not empty and holds no linux-terminal ${ours.what} (no ${ours.file} of ours): writing there would overwrite its ${ours.file} and mix blobs/ with its files; choose a new or empty folder, or pass --force to write into it anyway`,
  );
}

/** Creates `out`'s blob folder (`blobs/`) and returns its path; out-not-writable if it cannot. */
export async function makeBlobFolder(out: string): Promise<string> {
  const blobDir = join(out, 'blobs/');
  try {
    await mkdir(blobDir, { recursive: true });
  } catch (error) {
    throw new ImageBuildError(
      'out-not-writable',
      `cannot create ${blobDir} (${(error as NodeJS.ErrnoException).code ?? error}); choose another --out`,
    );
  }
  return blobDir;
}
