// The Node runner's gunzip of blobs: zlib inflates on libuv's thread pool, so a large blob (a
// snapshot's working-set pack) inflates while the machine's thread builds the hart, and about
// three times as fast as Node's DecompressionStream, whose output comes through web streams.
// Same contract as the browser's (blob-fetcher.ts, Inflate): at most `maxSize` bytes out.
import { gunzip as zlibGunzip } from 'node:zlib';
import { blobTooLarge } from '../image/bounded-fetch.js';
import { type Inflate, incompleteGzip, isGzip } from '../image/blob-fetcher.js';

export const zlibInflate: Inflate = async (data, url, maxSize) => {
  if (!isGzip(data, url, maxSize)) return data;
  return new Promise((resolve, reject) =>
    zlibGunzip(
      data,
      // zlib stops at the cap (Node: "maxOutputLength"), before inflating further.
      {
        maxOutputLength: Math.min(maxSize, 2 ** 31 - 1) || 1,
        // Out in pieces of up to 4 MiB rather than zlib's 16 KiB: each piece is a round trip
        // between the thread pool and this thread (a 3 MB pack: 9 ms instead of 23).
        chunkSize: Math.min(Math.max(maxSize, 16 * 1024), 4 * 2 ** 20),
      },
      (error, out) => {
        if (!error) resolve(new Uint8Array(out.buffer, out.byteOffset, out.length));
        else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          reject(blobTooLarge(url, 'image file', maxSize));
        else reject(incompleteGzip(url, error));
      },
    ),
  );
};
