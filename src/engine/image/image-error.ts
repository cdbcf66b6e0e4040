// Every way an image can fail to load, each with its own code, so a page can tell a reader what
// went wrong (and a test can check it) without parsing messages.

export type ImageErrorCode =
  /** The manifest (or a file it names, for local images) does not exist: HTTP 404/410, no file. */
  | 'manifest-not-found'
  /** The manifest is not JSON, or lacks a field it must have. */
  | 'manifest-invalid'
  /** The manifest is of a format version this engine does not read. */
  | 'manifest-version'
  /** A chunk (or kernel, initramfs) whose content does not hash to its name. */
  | 'chunk-hash-mismatch'
  /** A chunk that ends early: a cut-off download or a short gzip stream. */
  | 'chunk-truncated'
  /**
   * A blob (or its compressed file) larger than the manifest says: refused as soon as the
   * download or the decompression passes the size, so a small file that inflates to gigabytes
   * (a decompression bomb) costs neither time nor memory.
   */
  | 'chunk-too-large'
  /** A blob the manifest names is missing from the server (404). */
  | 'chunk-not-found'
  /** The server answered with an error status (5xx, 403...), after retries. */
  | 'server-error'
  /** A server on another origin did not allow this page to read it (no CORS headers), or could not be reached. */
  | 'cors-refused'
  /** The network is unreachable and nothing is cached. */
  | 'network-error'
  /**
   * A server accepted a request and then went quiet: no response within the first-byte timeout,
   * or no data within the idle timeout (after retries, for blobs).
   */
  | 'network-timeout'
  /** The browser refused to store more (Cache Storage quota). */
  | 'quota-exceeded'
  /**
   * A snapshot taken on another image: another kernel, or disks whose chunk lists differ from the
   * image's (their fingerprints). Restoring it would show the guest a disk it has not cached.
   */
  | 'snapshot-disk-mismatch'
  /** A snapshot.json, bundle or state that is truncated or malformed. */
  | 'snapshot-corrupt'
  /** A snapshot's RAM chunk or written disk page whose content does not hash to its name. */
  | 'snapshot-chunk-mismatch'
  /** A snapshot of a format version this engine does not read. */
  | 'snapshot-version';

export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}
