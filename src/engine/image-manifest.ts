// The image manifest (src/images/<name>/dist/manifest.json): which kernel and initramfs to boot,
// their sizes and SHA-256, the kernel command line and the default memory. Shared by the Node
// runner (files on disk) and the browser Worker (files over HTTP).

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

export interface ImageManifest {
  name: string;
  kernel: ManifestFile;
  initrd?: ManifestFile;
  cmdline: string;
  memoryMiB: number;
}

export const DEFAULT_MEMORY_MIB = 128;

function isFile(f: unknown): f is ManifestFile {
  const file = f as ManifestFile | undefined;
  return (
    !!file &&
    typeof file.path === 'string' &&
    typeof file.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(file.sha256) &&
    Number.isInteger(file.size)
  );
}

/** Parses and checks a manifest; `where` names it in error messages. */
export function parseManifest(text: string, where: string): ImageManifest {
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new ImageError('bad-image', `${where} is not a valid image manifest (not JSON)`);
  }
  if (
    !manifest ||
    !isFile(manifest.kernel) ||
    (manifest.initrd !== undefined && !isFile(manifest.initrd)) ||
    typeof manifest.cmdline !== 'string'
  ) {
    throw new ImageError(
      'bad-image',
      `${where} is not a valid image manifest (it needs kernel {path, size, sha256} and cmdline)`,
    );
  }
  return manifest;
}

/** Lower-case hex SHA-256 (Web Crypto: the same in browsers and Node). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks `data` against its manifest entry; throws a bad-image error naming `what` otherwise. */
export async function verifyFile(
  data: Uint8Array,
  file: ManifestFile,
  what: string,
): Promise<void> {
  const hash = await sha256Hex(data);
  if (data.length !== file.size || hash !== file.sha256) {
    throw new ImageError(
      'bad-image',
      `the image's ${what} ${file.path} is corrupt: its SHA-256 is ${hash}, the manifest says ${file.sha256}`,
    );
  }
}
