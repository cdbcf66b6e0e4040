// A snapshot on its own, apart from any image (docs/image-format.md, snapshot.json): what
// `linux-terminal snapshot save --out DIR` writes and `run --state DIR` reads. DIR/snapshot.json
// describes the snapshot and names the image it belongs to; its blobs sit beside it as an
// image's do (DIR/blobs/<sha256>.gz). A bundle's header is the same description.
import { fetchBody, type FetchFunction, type FetchTimeouts } from '../image/bounded-fetch.js';
import { httpError, unreachable } from '../image/blob-fetcher.js';
import { ImageError } from '../image/image-error.js';
import { MAX_MANIFEST_BYTES } from '../image/load-image.js';
import { blobsProblem } from '../image/manifest.js';
import { type SnapshotManifest, snapshotProblem } from './snapshot-manifest.js';

export const SNAPSHOT_FORMAT = 'linux-terminal-snapshot';
/** The version writers write. */
export const SNAPSHOT_VERSION = 1;
/** The versions this reader reads. */
export const READABLE_SNAPSHOT_VERSIONS: readonly number[] = [1];

/** A snapshot and the image it was taken on: snapshot.json without its blob location. */
export interface SnapshotDescription extends SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** The name of the image it was taken on (a label: the disk fingerprints are the check). */
  image: string;
}

/** DIR/snapshot.json. */
export interface SnapshotFile extends SnapshotDescription {
  /** Where blob files are, relative to snapshot.json; ends with "/" (as an image's `blobs`). */
  blobs: string;
  /** How blobs are stored: "gzip" (file <sha256>.gz). */
  encoding: 'gzip';
}

const corrupt = (where: string | URL, why: string) =>
  new ImageError(
    'snapshot-corrupt',
    `${where} is not a usable snapshot: ${why}; save the snapshot again`,
  );

/**
 * Checks `value` as a snapshot description (format, version, image name, then the snapshot
 * itself) and returns it; throws `snapshot-version` for a version this reader does not know and
 * `snapshot-corrupt` for anything else wrong.
 */
export function checkSnapshotDescription(value: unknown, where: string | URL): SnapshotDescription {
  const d = value as Partial<SnapshotDescription> | null;
  if (!d || typeof d !== 'object' || d.format !== SNAPSHOT_FORMAT)
    throw corrupt(where, `it has no "format": "${SNAPSHOT_FORMAT}"`);
  if (!READABLE_SNAPSHOT_VERSIONS.includes(d.version as number))
    throw new ImageError(
      'snapshot-version',
      `${where} is a snapshot of version ${JSON.stringify(d.version)}; this linux-terminal reads version ${READABLE_SNAPSHOT_VERSIONS.join(', ')}: update linux-terminal or save the snapshot again`,
    );
  const problem = (typeof d.image !== 'string' && '"image" must be a string') || snapshotProblem(d);
  if (problem) throw corrupt(where, problem);
  return d as SnapshotDescription;
}

/** Parses and checks the text of a snapshot.json; `where` names it in error messages. */
export function parseSnapshotFile(text: string, where: string | URL): SnapshotFile {
  let value: Partial<SnapshotFile>;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(where, `it is not JSON (it starts ${JSON.stringify(text.slice(0, 24))})`);
  }
  const file = checkSnapshotDescription(value, where) as SnapshotFile;
  const problem =
    blobsProblem(file.blobs) || (file.encoding !== 'gzip' && '"encoding" must be "gzip"');
  if (problem) throw corrupt(where, problem);
  return file;
}

/**
 * Fetches and checks the snapshot.json at `url` (an http(s) or, in Node, a file: URL), bounded
 * as a manifest is. A missing file is `manifest-not-found`.
 */
export async function fetchSnapshotFile(
  url: URL,
  fetchFn: FetchFunction,
  timeouts: FetchTimeouts,
): Promise<SnapshotFile> {
  const body = await fetchBody(
    fetchFn,
    url,
    { cache: 'no-cache' },
    {
      what: 'snapshot',
      timeouts,
      maxBytes: MAX_MANIFEST_BYTES,
      unreachable: (error) => unreachable(url, 'snapshot', error),
      check: (response) => {
        if (!response.ok) throw httpError(url, 'snapshot', response.status, 'manifest-not-found');
      },
      tooLarge: () => corrupt(url, `it is larger than ${MAX_MANIFEST_BYTES >> 20} MiB`),
    },
  );
  return parseSnapshotFile(new TextDecoder().decode(body), url);
}
