// Loading an image over HTTP (the browser Worker): the manifest, then its files, each checked
// against its SHA-256 before a byte of it is used.
import type { BootImage } from './boot-image.js';
import { DEFAULT_MEMORY_MIB, ImageError, parseManifest, verifyFile } from './image-manifest.js';

async function get(url: URL, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ImageError(
      'image-not-found',
      `the ${what} at ${url.href} could not be fetched (${(error as Error).message}); check the address and the server's CORS headers`,
    );
  }
  if (!response.ok)
    throw new ImageError(
      'image-not-found',
      `the ${what} at ${url.href} could not be fetched: HTTP ${response.status}`,
    );
  return response;
}

/** Fetches the image whose manifest is at `manifestUrl`; `onProgress` sees bytes loaded of total. */
export async function fetchImage(
  manifestUrl: URL,
  onProgress: (loaded: number, total: number) => void = () => {},
): Promise<BootImage> {
  const manifest = parseManifest(
    await (await get(manifestUrl, 'image manifest')).text(),
    manifestUrl.href,
  );
  const files = [manifest.kernel, ...(manifest.initrd ? [manifest.initrd] : [])];
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let loaded = 0;
  const [kernel, initrd] = await Promise.all(
    files.map(async (file, i) => {
      const what = i === 0 ? 'kernel' : 'initramfs';
      const data = new Uint8Array(
        await (await get(new URL(file.path, manifestUrl), what)).arrayBuffer(),
      );
      loaded += data.length;
      onProgress(loaded, total);
      await verifyFile(data, file, what);
      return data;
    }),
  );
  return {
    kernel,
    initrd,
    cmdline: manifest.cmdline,
    memoryMiB: manifest.memoryMiB ?? DEFAULT_MEMORY_MIB,
  };
}
