// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
// words, for IPv4 headers and, over a pseudo-header, for UDP and TCP.
import type { Ipv4 } from './addresses.js';

/** Adds `bytes` to a running 32-bit sum of big-endian 16-bit words. */
export function sumWords(bytes: Uint8Array, sum = 0): number {
  const end = bytes.length & ~1;
  for (let i = 0; i < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length & 1) sum += bytes[bytes.length - 1] << 8;
  return sum;
}

/** Folds a running sum into the 16-bit checksum field's value. */
export function finish(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The checksum of a UDP or TCP segment, over its IPv4 pseudo-header (RFC 768, RFC 9293 3.1). */
export function transportChecksum(
  source: Ipv4,
  destination: Ipv4,
  protocol: number,
  segment: Uint8Array,
): number {
  let sum = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff);
  sum += protocol + segment.length;
  return finish(sumWords(segment, sum));
}
