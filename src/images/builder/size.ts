// Sizes as people type them on a command line: "65536", "64K", "16M", "1G" (powers of 1024).
import { ImageBuildError } from './image-build-error.js';

const UNITS: Record<string, number> = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };

/** Bytes of `text` ("64K", "16M", "1G" or plain bytes); `what` names the option in errors. */
export function parseSize(text: string, what: string): number {
  const match = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * UNITS[match[2].toUpperCase()] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new ImageBuildError(
      'size-invalid',
      `${what} must be a positive number of bytes, optionally with K, M or G (e.g. 64K, 16M), not '${text}'`,
    );
  return bytes;
}

/** `bytes` for people: "16 MiB", "64 KiB", "1234 bytes". */
export function formatSize(bytes: number): string {
  for (const [unit, scale] of [
    ['GiB', 1 << 30],
    ['MiB', 1 << 20],
    ['KiB', 1 << 10],
  ] as const)
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  return `${bytes} bytes`;
}
