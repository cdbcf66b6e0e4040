// Boot images on disk, for the Node runner: a built-in image by name (src/images/<name>/dist),
// an image manifest by path, or a kernel and initramfs given directly. Every file listed in a
// manifest is checked against its SHA-256 before it is used.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootImage } from '../boot-image.js';
import {
  DEFAULT_MEMORY_MIB,
  ImageError,
  type ManifestFile,
  parseManifest,
  verifyFile,
} from '../image-manifest.js';

export { ImageError, parseManifest };

const DEFAULT_IMAGE = 'busybox';

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

async function readChecked(dir: string, file: ManifestFile, what: string): Promise<Uint8Array> {
  const path = resolve(dir, file.path);
  if (!existsSync(path))
    throw new ImageError('image-not-found', `the image's ${what} ${path} is missing`);
  const data = readFileSync(path);
  await verifyFile(data, file, what);
  return data;
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
    kernel: await readChecked(dir, manifest.kernel, 'kernel'),
    initrd: manifest.initrd ? await readChecked(dir, manifest.initrd, 'initramfs') : undefined,
    cmdline: request.append ?? manifest.cmdline,
    memoryMiB: request.memoryMiB ?? manifest.memoryMiB ?? DEFAULT_MEMORY_MIB,
  };
}
