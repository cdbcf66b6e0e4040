// The host side's name server (RFC 1035): every A question is answered with the name's virtual
// address (virtual-hosts.ts), since the host side, not the guest, will resolve the name when it
// makes the request. Other questions (AAAA, ...) get an empty answer, so resolvers fall back to
// IPv4 at once. One question a query, as every resolver sends.
import type { VirtualHosts } from './virtual-hosts.js';

export const DNS_PORT = 53;
const TYPE_A = 1;
const CLASS_IN = 1;
const TTL_SECONDS = 60;
const MAX_NAME = 253;

/** The question's name (dotted), type and where the question ends; undefined if malformed. */
function question(query: Uint8Array): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    const length = query[at];
    if (length === undefined || length > 63) return undefined; // no compression in a question
    at++;
    if (length === 0) break;
    if (at + length > query.length) return undefined;
    labels.push(String.fromCharCode(...query.subarray(at, at + length)));
    at += length;
  }
  const name = labels.join('.');
  if (at + 4 > query.length || name.length === 0 || name.length > MAX_NAME) return undefined;
  const v = new DataView(query.buffer, query.byteOffset, query.byteLength);
  return { name, type: v.getUint16(at), end: at + 4 };
}

/** The response to a DNS query (a UDP payload), or undefined for what is not a query. */
export function answerDns(query: Uint8Array, hosts: VirtualHosts): Uint8Array | undefined {
  if (query.length < 12 || query[2] & 0x80) return undefined; // too short, or a response
  const v = new DataView(query.buffer, query.byteOffset, query.byteLength);
  if (v.getUint16(4) !== 1) return undefined;
  const q = question(query);
  if (!q) return undefined;
  const answer = q.type === TYPE_A && v.getUint16(q.end - 2) === CLASS_IN;
  const response = new Uint8Array(q.end + (answer ? 16 : 0));
  const r = new DataView(response.buffer);
  response.set(query.subarray(0, q.end));
  // QR, the query's opcode and RD, RA; NOERROR.
  r.setUint16(2, 0x8080 | (v.getUint16(2) & 0x7900));
  r.setUint16(6, answer ? 1 : 0);
  r.setUint16(8, 0);
  r.setUint16(10, 0);
  if (answer) {
    const at = q.end;
    r.setUint16(at, 0xc00c); // the name: a pointer to the question's
    r.setUint16(at + 2, TYPE_A);
    r.setUint16(at + 4, CLASS_IN);
    r.setUint32(at + 6, TTL_SECONDS);
    r.setUint16(at + 10, 4);
    r.setUint32(at + 12, hosts.address(q.name));
  }
  return response;
}
