// What the service worker agrees to store (issue 11): a response kept in Cache Storage is served
// for as long as it stays there, offline too, so a server's HTML page under a manifest's name or
// a blob that inflates without end must never be kept. Both checks read with a size cap.
import { sha256 } from '@noble/hashes/sha2.js';
import { compressedCap, concat } from '../src/engine/image/bounded-fetch.js';
import { gunzipEach } from '../src/engine/image/blob-fetcher.js';
import { MAX_MANIFEST_BYTES } from '../src/engine/image/load-image.js';
import { MAX_BLOB_SIZE, parseManifest } from '../src/engine/image/manifest.js';

/** The body of `response` (a clone is read), or undefined when it is longer than `maxBytes`. */
async function bodyUpTo(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) return undefined;
  const reader = response.clone().body?.getReader();
  if (!reader) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    parts.push(value);
  }
  return concat(parts, length);
}

/**
 * Whether `response` holds blob `sha256`: its content, inflated at most to MAX_BLOB_SIZE (the
 * worker does not know the blob's size; the engine checks it on use), hashes to its name. The
 * inflated bytes are hashed as they come and never held.
 */
export async function isBlob(response: Response, url: URL, sha256Hex: string): Promise<boolean> {
  try {
    const body = await bodyUpTo(response, compressedCap(MAX_BLOB_SIZE));
    if (!body) return false;
    const hash = sha256.create();
    await gunzipEach(body, url, MAX_BLOB_SIZE, (piece) => hash.update(piece));
    const digest = Array.from(hash.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
    return digest === sha256Hex;
  } catch {
    return false;
  }
}

/** Whether `response` is an image manifest (parseManifest), not an error page under its name. */
export async function isManifest(response: Response, url: URL): Promise<boolean> {
  try {
    const body = await bodyUpTo(response, MAX_MANIFEST_BYTES);
    if (!body) return false;
    parseManifest(new TextDecoder().decode(body), url);
    return true;
  } catch {
    return false;
  }
}
