// The guest's network as the host side lays it out (the addresses QEMU's user networking uses,
// so guides written for it apply): a /24 where the guest is 10.0.2.15, the gateway 10.0.2.2 and
// the name server 10.0.2.3. Names the guest looks up get addresses of their own in 10.0.3.0/24
// (virtual-hosts.ts); every address but the guest's is the host side's.

/** An IPv4 address as an unsigned 32-bit number. */
export type Ipv4 = number;

export function ipv4(text: string): Ipv4 {
  const parts = text.split('.').map(Number);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function ipv4Text(address: Ipv4): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** Parses a dotted quad, or undefined when `text` is not one. */
export function parseIpv4(text: string): Ipv4 | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  return text.split('.').every((part) => Number(part) <= 255) ? ipv4(text) : undefined;
}

export const NETMASK = ipv4('255.255.255.0');
export const GATEWAY = ipv4('10.0.2.2');
export const NAME_SERVER = ipv4('10.0.2.3');
export const GUEST = ipv4('10.0.2.15');
export const BROADCAST = ipv4('255.255.255.255');
/** The guest's MAC (QEMU's default, locally administered). */
export const GUEST_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
/** The MAC the host side answers with, for every address it owns. */
export const HOST_MAC = Uint8Array.of(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);
export const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
