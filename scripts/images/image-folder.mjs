// An image folder (docs/image-format.md) as the build scripts see it: read back and checked blob
// by blob, summarized, and pruned of blobs that the manifest no longer names.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tsImport } from 'tsx/esm/api';
import { BuildError, sha256 } from './commands.mjs';

const { allBlobs, parseManifest } = await tsImport(
  '../../src/engine/image/manifest.ts',
  import.meta.url,
);

/** Deletes from `out` what an image there no longer uses: blobs it does not name, old files. */
export function pruneImageFolder(out, manifest) {
  const used = new Set(allBlobs(manifest).map((blob) => `${blob.sha256}.gz`));
  const blobDir = join(out, manifest.blobs);
  for (const name of readdirSync(blobDir)) {
    if (!used.has(name)) rmSync(join(blobDir, name));
  }
  // The files of the format before content-addressed blobs.
  for (const name of ['Image', 'initramfs.cpio.gz']) rmSync(join(out, name), { force: true });
}

/**
 * Reads the image in `out` and checks every blob its manifest names (present, gunzips to the size
 * and SHA-256 listed). Returns the manifest, the blobs' compressed bytes and their number.
 */
export function readImage(out) {
  const path = join(out, 'manifest.json');
  if (!existsSync(path)) {
    throw new BuildError(
      'IMAGES-NO-IMAGE',
      `there is no ${path}; build the image first (without --check)`,
    );
  }
  let manifest;
  try {
    manifest = parseManifest(readFileSync(path, 'utf8'), path);
  } catch (error) {
    throw new BuildError('IMAGES-CORRUPT', `${error.message}; rebuild it`);
  }
  const blobs = allBlobs(manifest);
  let storedBytes = 0;
  for (const { sha256: hash, size } of blobs) {
    const file = join(out, manifest.blobs, `${hash}.gz`);
    if (!existsSync(file)) {
      throw new BuildError('IMAGES-CORRUPT', `${file}, named in ${path}, is missing; rebuild it`);
    }
    const gz = readFileSync(file);
    storedBytes += gz.length;
    const data = gunzipSync(gz);
    if (data.length !== size || sha256(data) !== hash) {
      throw new BuildError(
        'IMAGES-CORRUPT',
        `${file} does not hold what its name says; rebuild it`,
      );
    }
  }
  return { manifest, storedBytes, blobCount: blobs.length };
}

export function summarize(out, { manifest, storedBytes, blobCount }) {
  console.log(`images: ${out}`);
  const line = (what, blob) =>
    console.log(
      `  ${what.padEnd(8)} ${String(blob.size).padStart(9)} bytes  sha256 ${blob.sha256}`,
    );
  line('kernel', manifest.kernel);
  if (manifest.initrd) line('initrd', manifest.initrd);
  manifest.disks.forEach((disk, i) => {
    const stored = disk.chunks.filter(Boolean);
    console.log(
      `  disk ${i}   ${String(disk.size).padStart(9)} bytes  ${disk.chunks.length} chunks of ` +
        `${disk.chunkSize / 1024} KiB, ${stored.length} not all zeros (${new Set(stored).size} distinct)`,
    );
  });
  console.log(`  blobs    ${String(storedBytes).padStart(9)} bytes gzip'd in ${blobCount} files`);
  console.log(`  cmdline "${manifest.cmdline}", ${manifest.memoryMiB} MiB`);
}
