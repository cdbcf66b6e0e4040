// The wire formats the host side speaks with the guest: Ethernet II, ARP for IPv4 (RFC 826),
// IPv4 without options or fragments (RFC 791), UDP (RFC 768) and TCP (RFC 9293). Parsers return
// undefined for anything malformed or not handled; builders fill in lengths and checksums.
import type { Ipv4 } from './addresses.js';
import { finish, sumWords, transportChecksum } from './checksum.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const PROTOCOL_UDP = 17;
export const PROTOCOL_TCP = 6;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface Ethernet {
  destination: Uint8Array;
  source: Uint8Array;
  type: number;
  payload: Uint8Array;
}

export function parseEthernet(frame: Uint8Array): Ethernet | undefined {
  if (frame.length < 14) return undefined;
  return {
    destination: frame.subarray(0, 6),
    source: frame.subarray(6, 12),
    type: view(frame).getUint16(12),
    payload: frame.subarray(14),
  };
}

export function buildEthernet(
  destination: Uint8Array,
  source: Uint8Array,
  type: number,
  payload: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(14 + payload.length);
  frame.set(destination, 0);
  frame.set(source, 6);
  view(frame).setUint16(12, type);
  frame.set(payload, 14);
  return frame;
}

export interface Arp {
  operation: number;
  senderMac: Uint8Array;
  senderIp: Ipv4;
  targetIp: Ipv4;
}

/** An ARP packet for Ethernet and IPv4 (hardware type 1, protocol 0x0800). */
export function parseArp(packet: Uint8Array): Arp | undefined {
  if (packet.length < 28) return undefined;
  const v = view(packet);
  if (
    v.getUint16(0) !== 1 ||
    v.getUint16(2) !== ETHERTYPE_IPV4 ||
    packet[4] !== 6 ||
    packet[5] !== 4
  )
    return undefined;
  return {
    operation: v.getUint16(6),
    senderMac: packet.subarray(8, 14),
    senderIp: v.getUint32(14),
    targetIp: v.getUint32(24),
  };
}

export function buildArpReply(
  senderMac: Uint8Array,
  senderIp: Ipv4,
  targetMac: Uint8Array,
  targetIp: Ipv4,
): Uint8Array {
  const packet = new Uint8Array(28);
  const v = view(packet);
  v.setUint16(0, 1);
  v.setUint16(2, ETHERTYPE_IPV4);
  packet[4] = 6;
  packet[5] = 4;
  v.setUint16(6, 2); // reply
  packet.set(senderMac, 8);
  v.setUint32(14, senderIp);
  packet.set(targetMac, 18);
  v.setUint32(24, targetIp);
  return packet;
}

export interface Ipv4Packet {
  source: Ipv4;
  destination: Ipv4;
  protocol: number;
  payload: Uint8Array;
}

/** An IPv4 packet; fragments (which the guest does not send at MTU-sized segments) are dropped. */
export function parseIpv4(packet: Uint8Array): Ipv4Packet | undefined {
  if (packet.length < 20 || packet[0] >> 4 !== 4) return undefined;
  const v = view(packet);
  const headerLength = (packet[0] & 0x0f) * 4;
  const totalLength = v.getUint16(2);
  if (headerLength < 20 || totalLength < headerLength || totalLength > packet.length)
    return undefined;
  if ((v.getUint16(6) & 0x3fff) !== 0) return undefined; // MF set or a fragment offset
  return {
    source: v.getUint32(12),
    destination: v.getUint32(16),
    protocol: packet[9],
    payload: packet.subarray(headerLength, totalLength),
  };
}

let nextId = 0;

export function buildIpv4(
  source: Ipv4,
  destination: Ipv4,
  protocol: number,
  payload: Uint8Array,
): Uint8Array {
  const packet = new Uint8Array(20 + payload.length);
  const v = view(packet);
  packet[0] = 0x45;
  v.setUint16(2, packet.length);
  v.setUint16(4, (nextId = (nextId + 1) & 0xffff));
  v.setUint16(6, 0x4000); // don't fragment
  packet[8] = 64;
  packet[9] = protocol;
  v.setUint32(12, source);
  v.setUint32(16, destination);
  v.setUint16(10, finish(sumWords(packet.subarray(0, 20))));
  packet.set(payload, 20);
  return packet;
}

export interface Udp {
  sourcePort: number;
  destinationPort: number;
  payload: Uint8Array;
}

export function parseUdp(segment: Uint8Array): Udp | undefined {
  if (segment.length < 8) return undefined;
  const v = view(segment);
  const length = v.getUint16(4);
  if (length < 8 || length > segment.length) return undefined;
  return {
    sourcePort: v.getUint16(0),
    destinationPort: v.getUint16(2),
    payload: segment.subarray(8, length),
  };
}

export function buildUdp(
  source: Ipv4,
  destination: Ipv4,
  sourcePort: number,
  destinationPort: number,
  payload: Uint8Array,
): Uint8Array {
  const segment = new Uint8Array(8 + payload.length);
  const v = view(segment);
  v.setUint16(0, sourcePort);
  v.setUint16(2, destinationPort);
  v.setUint16(4, segment.length);
  segment.set(payload, 8);
  v.setUint16(6, transportChecksum(source, destination, PROTOCOL_UDP, segment) || 0xffff);
  return segment;
}

export interface TcpSegment {
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** The MSS option of a SYN, when present. */
  mss?: number;
  payload: Uint8Array;
}

export function parseTcp(segment: Uint8Array): TcpSegment | undefined {
  if (segment.length < 20) return undefined;
  const v = view(segment);
  const dataOffset = (segment[12] >> 4) * 4;
  if (dataOffset < 20 || dataOffset > segment.length) return undefined;
  let mss: number | undefined;
  // Options (RFC 9293 3.2): end (0), no-op (1), then kind, length, value.
  for (let at = 20; at < dataOffset;) {
    const kind = segment[at];
    if (kind === 0) break;
    if (kind === 1) {
      at++;
      continue;
    }
    const length = segment[at + 1];
    if (!length || length < 2 || at + length > dataOffset) break;
    if (kind === 2 && length === 4) mss = v.getUint16(at + 2);
    at += length;
  }
  return {
    sourcePort: v.getUint16(0),
    destinationPort: v.getUint16(2),
    seq: v.getUint32(4),
    ack: v.getUint32(8),
    flags: segment[13] & 0x3f,
    window: v.getUint16(14),
    mss,
    payload: segment.subarray(dataOffset),
  };
}

export function buildTcp(source: Ipv4, destination: Ipv4, segment: TcpSegment): Uint8Array {
  const optionBytes = segment.mss === undefined ? 0 : 4;
  const bytes = new Uint8Array(20 + optionBytes + segment.payload.length);
  const v = view(bytes);
  v.setUint16(0, segment.sourcePort);
  v.setUint16(2, segment.destinationPort);
  v.setUint32(4, segment.seq >>> 0);
  v.setUint32(8, segment.ack >>> 0);
  bytes[12] = ((20 + optionBytes) / 4) << 4;
  bytes[13] = segment.flags;
  v.setUint16(14, segment.window);
  if (segment.mss !== undefined) {
    bytes[20] = 2;
    bytes[21] = 4;
    v.setUint16(22, segment.mss);
  }
  bytes.set(segment.payload, 20 + optionBytes);
  v.setUint16(16, transportChecksum(source, destination, PROTOCOL_TCP, bytes));
  return bytes;
}
