// A snapshot as one self-contained file (docs/image-format.md, Snapshot bundles): what
// `el.saveState()` returns and `el.restoreState(blob)` reads. One gzip stream of
//
//   "LTSNAP01"            8 bytes, ASCII: the magic, whose last two digits are the version
//   header length         u32, little-endian, at most 64 MiB
//   header                UTF-8 JSON: a SnapshotDescription plus "included": [sha256, size][]
//   blobs                 each included blob's bytes, uncompressed, in the order of "included"
//
// Every blob the snapshot names is included, once, and nothing else. The reader trusts none of
// it: it bounds every length before allocating, stops the inflation as soon as the stream runs
// past what the header declared (so a bomb costs no more than the bundle claims to be, at most
// MAX_BUNDLE_BYTES), and hashes each blob as soon as it is complete.
import { sha256Hex, gunzipEach } from '../image/blob-fetcher.js';
import { MAX_BLOB_SIZE, SHA256_HEX } from '../image/blob-ref.js';
import { concat } from '../image/bounded-fetch.js';
import { ImageError } from '../image/image-error.js';
import {
  type SnapshotDescription,
  SNAPSHOT_VERSION,
  checkSnapshotDescription,
} from './snapshot-file.js';
import { snapshotBlobs } from './snapshot-manifest.js';

const MAGIC = 'LTSNAP';
/** The magic and the version, two decimal digits. */
const MAGIC_TEXT = `${MAGIC}${String(SNAPSHOT_VERSION).padStart(2, '0')}`;
const MAGIC_BYTES = new TextEncoder().encode(MAGIC_TEXT);
/** Magic and header length. */
const PREAMBLE = MAGIC_BYTES.length + 4;
/** The largest header read (a 1920 MiB machine in 4 KiB RAM chunks lists about 33 MB of hashes). */
export const MAX_BUNDLE_HEADER = 64 << 20;
/** The largest bundle read, inflated: the largest RAM (1920 MiB), its overlay pages and state. */
export const MAX_BUNDLE_BYTES = 2.5 * 2 ** 30;

/** The header: the description and the blobs that follow it, in order. */
interface BundleHeader extends SnapshotDescription {
  included: [sha256: string, size: number][];
}

const corrupt = (why: string) =>
  new ImageError(
    'snapshot-corrupt',
    `the saved state is not a usable snapshot: ${why}; it cannot be restored (boot cold, or save it again)`,
  );

/**
 * One file holding `description` and every blob it names (state, RAM chunks, written pages),
 * taken from `blobs` by SHA-256. The blobs are read while the promise is pending: a caller whose
 * blobs are views of guest RAM must not run the machine until it resolves. Throws if a blob is
 * missing or of the wrong size; hashes are not checked again here (unpackSnapshot does).
 */
export async function packSnapshot(
  description: SnapshotDescription,
  blobs: Map<string, Uint8Array>,
): Promise<Uint8Array> {
  const refs = snapshotBlobs(description);
  const parts: Uint8Array[] = [];
  for (const ref of refs) {
    const data = blobs.get(ref.sha256);
    if (!data || data.length !== ref.size)
      throw new Error(
        `cannot pack the snapshot: blob ${ref.sha256} is ${data ? `${data.length} bytes, not ${ref.size}` : 'missing'}`,
      );
    parts.push(data);
  }
  const header: BundleHeader = {
    ...description,
    included: refs.map((ref) => [ref.sha256, ref.size]),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const preamble = new Uint8Array(PREAMBLE);
  preamble.set(MAGIC_BYTES);
  new DataView(preamble.buffer).setUint32(MAGIC_BYTES.length, json.length, true);

  const deflater = new CompressionStream('gzip');
  const writer = deflater.writable.getWriter();
  const feeding = (async () => {
    for (const part of [preamble, json, ...parts])
      if (part.length) await writer.write(part as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure is seen by the reader
  const out: Uint8Array[] = [];
  let length = 0;
  const reader = deflater.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.push(value);
    length += value.length;
  }
  await feeding;
  return concat(out, length);
}

/** Reads the header's JSON and checks it names exactly the snapshot's blobs. */
function readHeader(bytes: Uint8Array): BundleHeader {
  let value: BundleHeader;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw corrupt('its header is not JSON');
  }
  const header = checkSnapshotDescription(value, 'the saved state') as BundleHeader;
  const { included } = header;
  if (!Array.isArray(included)) throw corrupt('its header has no "included" list');
  const wanted = new Map(snapshotBlobs(header).map((ref) => [ref.sha256, ref.size]));
  const seen = new Set<string>();
  for (const entry of included as unknown[]) {
    const [sha256, size] = Array.isArray(entry) ? entry : [];
    if (
      typeof sha256 !== 'string' ||
      !SHA256_HEX.test(sha256) ||
      !Number.isSafeInteger(size) ||
      size < 0 ||
      size > MAX_BLOB_SIZE
    )
      throw corrupt('its "included" list must hold [SHA-256, size] pairs');
    if (wanted.get(sha256) !== size || seen.has(sha256))
      throw corrupt(`it includes blob ${sha256} (${size} bytes), which the snapshot does not name`);
    seen.add(sha256);
  }
  if (seen.size !== wanted.size) throw corrupt('it lacks some of the blobs the snapshot names');
  return header;
}

/**
 * Reads a bundle's inflated bytes as they come: the preamble, the header, then each blob, each
 * into a buffer of exactly its declared size, so nothing past what the header claims is kept.
 */
class BundleParser {
  header: BundleHeader | undefined;
  readonly blobs = new Map<string, Uint8Array>();
  /** What `target` is for: the preamble, the header, blob `index` of "included", or the end. */
  private stage: 'preamble' | 'header' | 'blob' | 'end' = 'preamble';
  private index = 0;
  private target = new Uint8Array(PREAMBLE);
  private filled = 0;

  get done(): boolean {
    return this.stage === 'end';
  }

  async feed(piece: Uint8Array): Promise<void> {
    for (let at = 0; at < piece.length;) {
      if (this.done) throw corrupt('it goes on past its last blob');
      const n = Math.min(piece.length - at, this.target.length - this.filled);
      this.target.set(piece.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      // An empty header or blob is complete without a byte of its own.
      while (this.filled === this.target.length && !this.done) await this.complete();
    }
  }

  private expect(stage: BundleParser['stage'], size: number): void {
    this.stage = stage;
    this.target = new Uint8Array(size);
    this.filled = 0;
  }

  private expectBlob(index: number): void {
    this.index = index;
    const { included } = this.header!;
    if (index < included.length) this.expect('blob', included[index][1]);
    else this.expect('end', 0);
  }

  /** `target` is full: check it, and say what comes next. */
  private async complete(): Promise<void> {
    const bytes = this.target;
    if (this.stage === 'preamble') {
      const magic = new TextDecoder('latin1').decode(bytes.subarray(0, MAGIC_BYTES.length));
      if (!magic.startsWith(MAGIC)) throw corrupt('it does not start with the bundle magic');
      if (magic !== MAGIC_TEXT)
        throw new ImageError(
          'snapshot-version',
          `the saved state is a snapshot bundle of version ${magic.slice(MAGIC.length)}; this linux-terminal reads version ${SNAPSHOT_VERSION}: update linux-terminal or save the state again`,
        );
      const length = new DataView(bytes.buffer).getUint32(MAGIC_BYTES.length, true);
      if (length > MAX_BUNDLE_HEADER)
        throw corrupt(`its header claims ${length} bytes (at most ${MAX_BUNDLE_HEADER})`);
      this.expect('header', length);
    } else if (this.stage === 'header') {
      this.header = readHeader(bytes);
      const blobBytes = this.header.included.reduce((sum, [, size]) => sum + size, 0);
      if (PREAMBLE + bytes.length + blobBytes > MAX_BUNDLE_BYTES)
        throw corrupt(`it claims more than ${MAX_BUNDLE_BYTES} bytes`);
      this.expectBlob(0);
    } else if (this.stage === 'blob') {
      const [sha256] = this.header!.included[this.index];
      const actual = await sha256Hex(bytes);
      if (actual !== sha256)
        throw new ImageError(
          'snapshot-chunk-mismatch',
          `the saved state is damaged: its blob ${sha256} hashes to ${actual}; it cannot be restored (boot cold, or save it again)`,
        );
      this.blobs.set(sha256, bytes);
      this.expectBlob(this.index + 1);
    }
  }
}

/**
 * The description and every blob of a bundle made by packSnapshot(), each blob checked against
 * its name. Throws `snapshot-version` for a bundle of another version, `snapshot-corrupt` for one
 * that is not a bundle, truncated, malformed or too large, and `snapshot-chunk-mismatch` for a
 * blob whose content does not hash to its name.
 */
export async function unpackSnapshot(
  bytes: Uint8Array,
): Promise<{ manifest: SnapshotDescription; blobs: Map<string, Uint8Array> }> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw corrupt('it is not a gzip stream');
  const parser = new BundleParser();
  try {
    // The inflater's own bound is a backstop; the parser refuses far earlier.
    await gunzipEach(bytes, new URL('about:snapshot-bundle'), MAX_BUNDLE_BYTES, (piece) =>
      parser.feed(piece),
    );
  } catch (error) {
    if (error instanceof ImageError && error.code.startsWith('snapshot-')) throw error;
    throw corrupt('its gzip stream is damaged or cut short');
  }
  if (!parser.done || !parser.header) throw corrupt('it is cut short');
  const manifest: Partial<BundleHeader> = { ...parser.header };
  delete manifest.included;
  return { manifest: manifest as SnapshotDescription, blobs: parser.blobs };
}
