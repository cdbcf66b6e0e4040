// fetch() for the Node runner: file: URLs read from disk (Node's fetch does not), with the
// answers a web server would give (200, or 404 for a missing file); other URLs go to fetch.
// A large file is streamed, not read whole, with its size as Content-Length: the image loader's
// size caps (bounded-fetch.ts) then stop at once at a path like /dev/zero or a huge file, and an
// aborted request closes the file.
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Files up to this size are read whole (an image's chunks and packs are a few MB at most). */
const WHOLE_FILE_MAX = 32 * 2 ** 20;

export async function fileFetch(url: URL, init?: RequestInit): Promise<Response> {
  if (url.protocol !== 'file:') return fetch(url, init);
  let file;
  try {
    file = await open(fileURLToPath(url));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new Response(null, { status: 404 });
    throw error;
  }
  const info = await file.stat();
  if (info.isDirectory()) {
    await file.close();
    return new Response(null, { status: 404 });
  }
  // A file of a blob's size is read at once: through a stream of 64 KiB pieces, a snapshot's
  // 2 MB working-set pack took 50 ms to read. Larger ones (and devices) are streamed.
  if (info.isFile() && info.size <= WHOLE_FILE_MAX) {
    try {
      return fileAnswer(await file.readFile({ signal: init?.signal ?? undefined }));
    } finally {
      await file.close();
    }
  }
  const stream = file.createReadStream(); // closes the file when it ends or is destroyed
  init?.signal?.addEventListener('abort', () => stream.destroy(), { once: true });
  // A character device (/dev/zero) has no size: no Content-Length, the body cap stops it.
  const headers = info.isFile() ? { 'Content-Length': String(info.size) } : undefined;
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    status: 200,
    headers,
  });
}

/**
 * A 200 answer holding `bytes`, with what the image loader reads of a Response (bounded-fetch.ts:
 * `ok`, `status`, the Content-Length header, the body as a stream). Node builds its Response and
 * Headers classes (its fetch) on their first use in a thread: 17 ms of the ~150 ms in which a
 * worker thread restores busybox's snapshot.
 */
function fileAnswer(bytes: Uint8Array): Response {
  const length = String(bytes.length);
  const answer = {
    ok: true,
    status: 200,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-length' ? length : null) },
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
  };
  return answer as unknown as Response;
}
