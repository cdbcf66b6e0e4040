// The host side's DHCP server (RFC 2131, options of RFC 2132): one guest, one address. A
// DISCOVER gets an OFFER and a REQUEST an ACK, both of the same lease: the guest's address, the
// netmask, the gateway as router and the name server. It keeps no state, so a restored or
// rebooted guest gets the same answer.
import { GATEWAY, GUEST, NAME_SERVER, NETMASK, type Ipv4 } from './addresses.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const MAGIC_COOKIE = 0x63825363;
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK = 5;
const LEASE_SECONDS = 86400;

/** The message type (option 53) of a BOOTREQUEST, or undefined when it is not one. */
function messageType(packet: Uint8Array): number | undefined {
  const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (packet.length < 240 || packet[0] !== 1 || v.getUint32(236) !== MAGIC_COOKIE) return undefined;
  for (let at = 240; at < packet.length;) {
    const code = packet[at];
    if (code === 255) break;
    if (code === 0) {
      at++;
      continue;
    }
    const length = packet[at + 1];
    if (at + 2 + length > packet.length) break;
    if (code === 53 && length === 1) return packet[at + 2];
    at += 2 + length;
  }
  return undefined;
}

/** The reply to a client's DHCP packet (a UDP payload), or undefined when none is due. */
export function answerDhcp(packet: Uint8Array): Uint8Array | undefined {
  const type = messageType(packet);
  if (type !== DISCOVER && type !== REQUEST) return undefined;
  const reply = new Uint8Array(300);
  const v = new DataView(reply.buffer);
  reply[0] = 2; // BOOTREPLY
  reply[1] = 1; // Ethernet
  reply[2] = 6;
  reply.set(packet.subarray(4, 8), 4); // xid
  reply.set(packet.subarray(10, 12), 10); // flags (broadcast)
  v.setUint32(16, GUEST); // yiaddr
  v.setUint32(20, GATEWAY); // siaddr
  reply.set(packet.subarray(28, 44), 28); // chaddr
  v.setUint32(236, MAGIC_COOKIE);
  let at = 240;
  const option = (code: number, bytes: number[]) => {
    reply[at] = code;
    reply[at + 1] = bytes.length;
    reply.set(bytes, at + 2);
    at += 2 + bytes.length;
  };
  const address = (ip: Ipv4) => [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff];
  option(53, [type === DISCOVER ? OFFER : ACK]);
  option(54, address(GATEWAY)); // server identifier
  option(51, address(LEASE_SECONDS));
  option(1, address(NETMASK));
  option(3, address(GATEWAY));
  option(6, address(NAME_SERVER));
  reply[at] = 255;
  return reply;
}
