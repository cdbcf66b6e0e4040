// The paths and URLs a user gives `run` and `shell` (--image, --kernel, --initrd, --state), checked before
// anything is read, so that a folder, a missing file or a URL scheme we cannot fetch is told
// apart and named, with what to pass instead, rather than surfacing as EISDIR or "HTTP 404".
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BootArgumentCode =
  /** A --kernel, --initrd or --image path that does not exist. */
  | 'file-not-found'
  /** A --kernel or --initrd path that is a folder (or a device, a socket...), not a file. */
  | 'not-a-file'
  /** An --image path that is a folder: the manifest inside it is what to pass. */
  | 'image-is-a-folder'
  /** An --image URL of a scheme the runner cannot fetch (ftp:, ssh:...). */
  | 'url-unsupported'
  /** A --state path that is a file (other than a snapshot.json), not a snapshot's folder. */
  | 'not-a-folder';

export class BootArgumentError extends Error {
  constructor(
    readonly code: BootArgumentCode,
    message: string,
  ) {
    super(message);
    this.name = 'BootArgumentError';
  }
}

/** A URL scheme at the start of `text` ("ftp://x" → "ftp"), per RFC 3986 section 3.1. */
function scheme(text: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1].toLowerCase();
}

/** Throws unless `path` names a regular file; `option` is how the user gave it. */
export function checkInputFile(path: string, option: string, what: string): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat)
    throw new BootArgumentError(
      'file-not-found',
      `${option} ${path}: there is no such file; check the path to the ${what}`,
    );
  if (!stat.isFile())
    throw new BootArgumentError(
      'not-a-file',
      `${option} ${path} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; pass the ${what} file itself`,
    );
}

/**
 * `image` as the loader takes it: a built-in name, a path, or an http(s) URL (a file: URL
 * becomes its path). Throws for a folder and for a URL of another scheme.
 */
export function checkImage(image: string): string {
  const kind = scheme(image);
  if (kind === 'http' || kind === 'https') return image;
  if (kind === 'file') image = fileURLToPath(image);
  else if (kind)
    throw new BootArgumentError(
      'url-unsupported',
      `--image ${image}: ${kind}: URLs cannot be read; pass a built-in image name (such as busybox), the path of a manifest.json, or an http(s):// URL`,
    );
  const stat = statSync(image, { throwIfNoEntry: false });
  // A name without a slash is a built-in image's, which the loader looks up and explains.
  const isPath = image.includes('/') || image.endsWith('.json');
  if (!stat && isPath)
    throw new BootArgumentError(
      'file-not-found',
      `--image ${image}: there is no such file; check the path to the image's manifest.json, or pass a built-in image name (such as busybox)`,
    );
  if (stat?.isDirectory()) {
    const manifest = join(resolve(image), 'manifest.json');
    throw new BootArgumentError(
      'image-is-a-folder',
      existsSync(manifest)
        ? `--image ${image} is a folder; pass the image's manifest: --image ${manifest}`
        : `--image ${image} is a folder with no manifest.json in it; pass the path of an image's manifest.json (linux-terminal image build makes one)`,
    );
  }
  return image;
}

/**
 * The snapshot folder that --state `path` names (`snapshot save --out` made it): the folder
 * itself, or the folder of a snapshot.json given instead. Throws for a missing path and for
 * another file. A folder without a snapshot.json is the loader's to refuse (manifest-not-found).
 */
export function checkStateFolder(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat)
    throw new BootArgumentError(
      'file-not-found',
      `--state ${path}: there is no such folder; pass the folder that linux-terminal snapshot save --out wrote`,
    );
  if (stat.isDirectory()) return path;
  if (basename(path) === 'snapshot.json') return dirname(resolve(path));
  throw new BootArgumentError(
    'not-a-folder',
    `--state ${path} is a file, not a snapshot's folder; pass the folder that holds snapshot.json and blobs/`,
  );
}
