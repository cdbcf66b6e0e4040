// The names the service worker and the page agree on (docs/offline.md): both read and write these
// caches, so they live in one module that both bundles import.

/** Content-addressed image blobs (`…/<sha256>.gz`): immutable, stored once, used by every image. */
export const BLOB_CACHE = 'linux-terminal-blobs';

/** The site's own pages, scripts, styles, wasm and web app manifests, and image manifests. */
export const PAGE_CACHE = 'linux-terminal-pages';

/** The path of a blob file: its name is the SHA-256 of its uncompressed content. */
export const BLOB_PATH = /\/([0-9a-f]{64})\.gz$/;
