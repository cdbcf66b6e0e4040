// The --out folder of a build: new, empty, or holding an image of ours (its manifest.json, or
// only blobs/, as an interrupted build leaves it). Anything else is the user's folder: building
// there would overwrite its manifest.json and mix our blobs/ with its files, so it is refused
// unless they say --force.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FORMAT } from '../../engine/image/manifest.js';
import { ImageBuildError } from './image-build-error.js';

const BLOB_NAME = /^[0-9a-f]{64}\.gz$/;

/** Whether `path` is a manifest.json that we wrote (of any version). */
function isOurManifest(path: string): boolean {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))?.format === MANIFEST_FORMAT;
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

/** Throws unless the build may write into `out`. */
export function checkOutFolder(out: string, force: boolean): void {
  const stat = statSync(out, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory())
    throw new ImageBuildError(
      'out-not-writable',
      `--out ${out} is a file, not a folder; choose a new or empty folder`,
    );
  const names = readdirSync(out);
  if (force || names.length === 0) return;
  if (names.includes('manifest.json') && isOurManifest(join(out, 'manifest.json'))) return;
  if (names.length === 1 && names[0] === 'blobs' && onlyBlobs(join(out, 'blobs'))) return;
  throw new ImageBuildError(
    'out-not-an-image',
    `--out ${out} is not empty and holds no linux-terminal image (no manifest.json of ours): building there would overwrite its manifest.json and mix blobs/ with its files; choose a new or empty folder, or pass --force to build into it anyway`,
  );
}
