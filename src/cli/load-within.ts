// Loading an image under the CLI's --timeout. The loader bounds each request (first byte and
// idle timeouts, then retries), but a blob that keeps timing out is retried for a minute or
// more; the user's --timeout bounds the whole load, and when it passes every request in
// flight is aborted, so nothing keeps the process alive behind the error.
import {
  ImageError,
  type ImageRequest,
  type LoadedBootImage,
  loadBootImage,
} from '../engine/node/images.js';

export async function loadWithin(
  request: ImageRequest,
  timeoutMs: number,
): Promise<LoadedBootImage> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ImageError(
          'network-timeout',
          `the image did not load within ${timeoutMs / 1000} s (--timeout): its server is stalled or the network too slow; try again, or allow longer with --timeout SECONDS`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([loadBootImage({ ...request, signal: controller.signal }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
