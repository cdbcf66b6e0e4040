// Boot images on disk, for the Node runner: a built-in image by name (src/images/<name>/dist),
// an image manifest by path, or a kernel and initramfs given directly. Every file listed in a
// manifest is checked against its SHA-256 before it is used.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootImage } from './machine-thread.js';

export class ImageError extends Error {
  constructor(
    readonly code: 'image-not-found' | 'bad-image',
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** The manifest of a built image (src/images/<name>/dist/manifest.json). */
export interface ImageManifest {
  name: string;
  kernel: ManifestFile;
  initrd?: ManifestFile;
  cmdline: string;
  memoryMiB: number;
}

const DEFAULT_IMAGE = 'busybox';
const DEFAULT_MEMORY_MIB = 128;

/** The package's root folder (where its package.json is), found from this module's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'linux-terminal')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the linux-terminal package root');
    dir = parent;
  }
}

/** The manifest path of built-in image `name`. */
export function builtInManifest(name: string): string {
  return join(packageRoot(), 'src', 'images', name, 'dist', 'manifest.json');
}

function readChecked(dir: string, file: ManifestFile, what: string): Uint8Array {
  const path = resolve(dir, file.path);
  if (!existsSync(path))
    throw new ImageError('image-not-found', `the image's ${what} ${path} is missing`);
  const data = readFileSync(path);
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (data.length !== file.size || sha256 !== file.sha256) {
    throw new ImageError(
      'bad-image',
      `the image's ${what} ${path} is corrupt: its SHA-256 is ${sha256}, the manifest says ${file.sha256}`,
    );
  }
  return data;
}

export function parseManifest(text: string, path: string): ImageManifest {
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new ImageError('bad-image', `${path} is not a valid image manifest (not JSON)`);
  }
  const isFile = (f: ManifestFile | undefined) =>
    f && typeof f.path === 'string' && typeof f.sha256 === 'string' && Number.isInteger(f.size);
  if (
    !isFile(manifest.kernel) ||
    (manifest.initrd && !isFile(manifest.initrd)) ||
    typeof manifest.cmdline !== 'string'
  ) {
    throw new ImageError(
      'bad-image',
      `${path} is not a valid image manifest (it needs kernel {path, size, sha256} and cmdline)`,
    );
  }
  return manifest;
}

export interface ImageRequest {
  image?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  memoryMiB?: number;
}

export async function loadBootImage(request: ImageRequest): Promise<BootImage> {
  if (request.kernel) {
    const read = (path: string, what: string) => {
      if (!existsSync(path))
        throw new ImageError('image-not-found', `the ${what} ${path} does not exist`);
      return readFileSync(path);
    };
    return {
      kernel: read(request.kernel, 'kernel'),
      initrd: request.initrd ? read(request.initrd, 'initramfs') : undefined,
      cmdline: request.append ?? 'console=ttyS0',
      memoryMiB: request.memoryMiB ?? DEFAULT_MEMORY_MIB,
    };
  }
  const name = request.image ?? DEFAULT_IMAGE;
  const isPath = name.includes('/') || name.endsWith('.json');
  const manifestPath = isPath ? resolve(name) : builtInManifest(name);
  if (!existsSync(manifestPath)) {
    throw new ImageError(
      'image-not-found',
      isPath
        ? `no image manifest at ${manifestPath}`
        : `there is no built-in image '${name}' (no ${manifestPath}); build it with npm run images:build`,
    );
  }
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const dir = dirname(manifestPath);
  return {
    kernel: readChecked(dir, manifest.kernel, 'kernel'),
    initrd: manifest.initrd ? readChecked(dir, manifest.initrd, 'initramfs') : undefined,
    cmdline: request.append ?? manifest.cmdline,
    memoryMiB: request.memoryMiB ?? manifest.memoryMiB ?? DEFAULT_MEMORY_MIB,
  };
}
