// The reverse of build-image.ts: an image's blobs put back together as plain files (the kernel,
// the initramfs, each disk as one raw file), for tools that boot files, such as QEMU, or read
// them, such as debugfs. Every blob is checked against its name on the way. Node only.
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, closeSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ImageError } from '../../engine/image/image-error.js';
import { type ImageManifest, parseManifest } from '../../engine/image/manifest.js';

export interface UnpackedImage {
  manifest: ImageManifest;
  kernel: string;
  initrd?: string;
  /** One raw file per disk, in order /dev/vda, /dev/vdb... */
  disks: string[];
}

/** Reads one local image: its manifest, and its blobs verified. */
export function readLocalImage(manifestPath: string): {
  manifest: ImageManifest;
  blob: (sha256: string) => Uint8Array;
} {
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const folder = resolve(dirname(manifestPath), manifest.blobs);
  const blob = (sha256: string) => {
    const data = gunzipSync(readFileSync(join(folder, `${sha256}.gz`)));
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== sha256)
      throw new ImageError('chunk-hash-mismatch', `blob ${sha256} hashes to ${actual}`);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  };
  return { manifest, blob };
}

/** Writes the files of the image at `manifestPath` into `outDir` (made if missing). */
export function unpackImage(manifestPath: string, outDir: string): UnpackedImage {
  const { manifest, blob } = readLocalImage(manifestPath);
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, sha256: string) => {
    const path = join(outDir, name);
    const fd = openSync(path, 'w');
    writeSync(fd, blob(sha256));
    closeSync(fd);
    return path;
  };
  const disks = manifest.disks.map((disk, index) => {
    const path = join(outDir, `disk${index}.img`);
    const fd = openSync(path, 'w');
    try {
      // Zero chunks stay holes of a sparse file.
      ftruncateSync(fd, disk.size);
      disk.chunks.forEach((sha256, i) => {
        if (sha256) writeSync(fd, blob(sha256), 0, undefined, i * disk.chunkSize);
      });
    } finally {
      closeSync(fd);
    }
    return path;
  });
  return {
    manifest,
    kernel: write('Image', manifest.kernel.sha256),
    initrd: manifest.initrd && write('initrd', manifest.initrd.sha256),
    disks,
  };
}
