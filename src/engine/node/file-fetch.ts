// fetch() for the Node runner: file: URLs read from disk (Node's fetch does not), with the
// answers a web server would give (200, or 404 for a missing file); other URLs go to fetch.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export async function fileFetch(url: URL, init?: RequestInit): Promise<Response> {
  if (url.protocol !== 'file:') return fetch(url, init);
  try {
    return new Response(await readFile(fileURLToPath(url)), { status: 200 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR')
      return new Response(null, { status: 404 });
    throw error;
  }
}
