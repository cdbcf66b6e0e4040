// Writing snapshots to disk (docs/image-format.md, Snapshots), Node only: into an image, as its
// manifest's `snapshot` (`linux-terminal image build --snapshot`), or into a folder of their own,
// DIR/snapshot.json beside DIR/blobs/ (`linux-terminal snapshot save --out DIR`). Blobs are
// gzip'd under their hash by the image builder's BlobStore, so the snapshot's blobs and the
// image's share one folder and one rule: a blob already there intact is kept.
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  MANIFEST_VERSION,
  type ImageManifest,
  parseManifest,
} from '../../engine/image/manifest.js';
import {
  SNAPSHOT_FORMAT,
  type SnapshotDescription,
  type SnapshotFile,
  parseSnapshotFile,
} from '../../engine/snapshot/snapshot-file.js';
import {
  type SnapshotManifest,
  checkSnapshotFits,
  snapshotBlobs,
} from '../../engine/snapshot/snapshot-manifest.js';
import { BlobStore, writeWhole } from './blob-store.js';
import { Leftovers } from './leftovers.js';
import { checkOutFolder, makeBlobFolder } from './out-folder.js';

const BLOBS = 'blobs/';

export interface SnapshotWriteResult {
  /** Distinct blobs written. */
  blobsWritten: number;
  /** Distinct blobs the folder had already, intact (kept). */
  blobsKept: number;
  /** Blobs in the folder whose content did not match their name, written again. */
  blobsReplaced: number;
}

/**
 * Writes every blob `snapshot` names (state, RAM chunks, written pages) into `blobDir`, taken
 * from `blobs` by SHA-256. Throws if one is missing, or if its content does not hash to its
 * name: a snapshot that could not be restored is never written.
 */
export async function writeSnapshotBlobs(
  blobDir: string,
  snapshot: SnapshotManifest,
  blobs: Map<string, Uint8Array>,
  leftovers = new Leftovers(),
): Promise<SnapshotWriteResult> {
  const store = new BlobStore(blobDir, leftovers);
  await mkdir(blobDir, { recursive: true });
  for (const ref of snapshotBlobs(snapshot)) {
    const data = blobs.get(ref.sha256);
    if (!data || data.length !== ref.size)
      throw new Error(
        `cannot write the snapshot: blob ${ref.sha256} is ${data ? `${data.length} bytes, not ${ref.size}` : 'missing'}`,
      );
    const written = await store.put(data);
    if (written.sha256 !== ref.sha256)
      throw new Error(
        `cannot write the snapshot: blob ${ref.sha256} holds content hashing to ${written.sha256} (the machine changed while it was saved?)`,
      );
  }
  return { blobsWritten: store.written, blobsKept: store.kept, blobsReplaced: store.replaced };
}

/**
 * Adds `snapshot` to the image whose manifest.json is at `manifestPath`: its blobs go into the
 * image's blob folder (which must be local, relative to the manifest), and the manifest becomes
 * version 2 with a `snapshot`, checked as a reader will check it (disk fingerprints included)
 * before it replaces the old one.
 */
export async function addSnapshotToImage(
  manifestPath: string,
  snapshot: SnapshotManifest,
  blobs: Map<string, Uint8Array>,
  leftovers = new Leftovers(),
): Promise<SnapshotWriteResult & { manifest: ImageManifest }> {
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  if (/^[a-z][a-z0-9+.-]*:/i.test(manifest.blobs))
    throw new Error(
      `${manifestPath} keeps its blobs at ${manifest.blobs}: a snapshot can only be added to an image whose blobs are beside it`,
    );
  await checkSnapshotFits(snapshot, manifest);
  const result = await writeSnapshotBlobs(
    resolve(dirname(manifestPath), manifest.blobs),
    snapshot,
    blobs,
    leftovers,
  );
  const updated: ImageManifest = { ...manifest, version: MANIFEST_VERSION, snapshot };
  const text = `${JSON.stringify(updated, null, 2)}\n`;
  parseManifest(text, manifestPath);
  await writeWhole(manifestPath, text, leftovers);
  return { ...result, manifest: updated };
}

export interface SnapshotFolderOptions {
  /** Write into `out` even if it is not empty and holds no snapshot of ours. */
  force?: boolean;
  leftovers?: Leftovers;
}

/**
 * Writes a snapshot of its own: `out`/snapshot.json and `out`/blobs/. `out` must be new, empty,
 * or hold a snapshot already (which this one replaces, sharing its blobs), unless `force`.
 */
export async function writeSnapshotFolder(
  out: string,
  description: SnapshotDescription,
  blobs: Map<string, Uint8Array>,
  options: SnapshotFolderOptions = {},
): Promise<SnapshotWriteResult & { snapshotPath: string; snapshot: SnapshotFile }> {
  const leftovers = options.leftovers ?? new Leftovers();
  const dir = resolve(out);
  checkOutFolder(dir, options.force ?? false, {
    file: 'snapshot.json',
    format: SNAPSHOT_FORMAT,
    what: 'snapshot',
  });
  const blobDir = await makeBlobFolder(dir);
  const result = await writeSnapshotBlobs(blobDir, description, blobs, leftovers);
  const snapshot: SnapshotFile = { ...description, blobs: BLOBS, encoding: 'gzip' };
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  const snapshotPath = join(dir, 'snapshot.json');
  parseSnapshotFile(text, snapshotPath); // what the reader will check, checked before writing
  await writeWhole(snapshotPath, text, leftovers);
  return { ...result, snapshotPath, snapshot };
}
