// The host side of the guest's network (src/engine/network/), driven with the frames a guest
// sends: ARP, DHCP and DNS answers, and TCP connections carried out as HTTP by Node's real
// fetch() against a real HTTP server on 127.0.0.1 (reached through the gateway address, which
// stands for the host's loopback). The guest end here is a few lines of TCP written for the
// test; the real kernel's is in network-e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GATEWAY,
  GUEST,
  GUEST_MAC,
  HOST_MAC,
  NAME_SERVER,
  ipv4,
  ipv4Text,
} from '../../src/engine/network/addresses.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  PROTOCOL_TCP,
  PROTOCOL_UDP,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  type TcpSegment,
  buildEthernet,
  buildIpv4,
  buildTcp,
  buildUdp,
  parseEthernet,
  parseIpv4,
  parseTcp,
  parseUdp,
} from '../../src/engine/network/frames.js';
import { MAX_CONNECTIONS, VirtualNetwork } from '../../src/engine/network/virtual-network.js';
import { RETRANSMIT_MS } from '../../src/engine/network/tcp-connection.js';

/** RFC 1071, written again here so that the stack's own checksum code is not checking itself. */
function onesComplementSum(...parts: Uint8Array[]): number {
  const bytes = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

/** Whether a UDP or TCP segment's checksum holds (the sum over it and its pseudo-header is 0xffff). */
function checksumHolds(source: number, destination: number, protocol: number, segment: Uint8Array) {
  const pseudo = Buffer.alloc(12);
  pseudo.writeUInt32BE(source, 0);
  pseudo.writeUInt32BE(destination, 4);
  pseudo[9] = protocol;
  pseudo.writeUInt16BE(segment.length, 10);
  return onesComplementSum(pseudo, segment) === 0xffff;
}

/** The network with a link that collects what it sends (and can refuse frames). */
function network(options: { fetchTimeoutMs?: number } = {}) {
  const net = new VirtualNetwork(options);
  const frames: Uint8Array[] = [];
  const link = { accept: true, room: 256 };
  net.connect({
    send: (frame) => {
      if (!link.accept) return false;
      frames.push(frame);
      return true;
    },
    get room() {
      return link.room;
    },
  });
  return { net, frames, link };
}

function ipFrame(source: number, destination: number, protocol: number, payload: Uint8Array) {
  return buildEthernet(
    HOST_MAC,
    GUEST_MAC,
    ETHERTYPE_IPV4,
    buildIpv4(source, destination, protocol, payload),
  );
}

/** The UDP payloads of the frames sent, with their addresses. */
function udpReplies(frames: Uint8Array[]) {
  return frames.map((frame) => {
    const ip = parseIpv4(parseEthernet(frame)!.payload)!;
    assert.equal(ip.protocol, PROTOCOL_UDP);
    assert.ok(checksumHolds(ip.source, ip.destination, PROTOCOL_UDP, ip.payload), 'UDP checksum');
    return { ip, udp: parseUdp(ip.payload)! };
  });
}

function dhcpRequest(type: number): Uint8Array {
  const packet = new Uint8Array(300);
  packet[0] = 1;
  packet[1] = 1;
  packet[2] = 6;
  packet.set([1, 2, 3, 4], 4); // xid
  packet.set(GUEST_MAC, 28);
  new DataView(packet.buffer).setUint32(236, 0x63825363);
  packet.set([53, 1, type, 255], 240);
  return packet;
}

test('DHCP: a DISCOVER gets an OFFER and a REQUEST an ACK of 10.0.2.15 with router and DNS', () => {
  const { net, frames } = network();
  for (const [request, reply] of [
    [1, 2],
    [3, 5],
  ]) {
    frames.length = 0;
    const udp = buildUdp(0, 0xffffffff, 68, 67, dhcpRequest(request));
    net.receive(
      buildEthernet(
        Uint8Array.of(255, 255, 255, 255, 255, 255),
        GUEST_MAC,
        ETHERTYPE_IPV4,
        buildIpv4(0, 0xffffffff, PROTOCOL_UDP, udp),
      ),
    );
    const [{ udp: answer }] = udpReplies(frames);
    assert.equal(answer.destinationPort, 68);
    const p = answer.payload;
    const v = new DataView(p.buffer, p.byteOffset);
    assert.equal(p[0], 2, 'BOOTREPLY');
    assert.deepEqual([...p.subarray(4, 8)], [1, 2, 3, 4], 'same xid');
    assert.equal(ipv4Text(v.getUint32(16)), '10.0.2.15');
    const options = new Map<number, number[]>();
    for (let at = 240; p[at] !== 255; at += 2 + p[at + 1])
      options.set(p[at], [...p.subarray(at + 2, at + 2 + p[at + 1])]);
    assert.deepEqual(options.get(53), [reply]);
    assert.deepEqual(options.get(1), [255, 255, 255, 0]);
    assert.deepEqual(options.get(3), [10, 0, 2, 2]);
    assert.deepEqual(options.get(6), [10, 0, 2, 3]);
  }
});

function dnsQuery(name: string, type: number): Uint8Array {
  const labels = name.split('.').flatMap((label) => [label.length, ...Buffer.from(label)]);
  return Uint8Array.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, type, 0, 1]);
}

test('DNS: every name gets an address of its own in 10.0.3.0/24, AAAA an empty answer', () => {
  const { net, frames } = network();
  const ask = (name: string, type: number) => {
    frames.length = 0;
    net.receive(
      ipFrame(
        GUEST,
        NAME_SERVER,
        PROTOCOL_UDP,
        buildUdp(GUEST, NAME_SERVER, 40000, 53, dnsQuery(name, type)),
      ),
    );
    const [{ ip, udp }] = udpReplies(frames);
    assert.equal(ip.source, NAME_SERVER);
    assert.equal(udp.destinationPort, 40000);
    return udp.payload;
  };
  const a = ask('example.com', 1);
  const v = new DataView(a.buffer, a.byteOffset);
  assert.equal(v.getUint16(0), 0x1234);
  assert.equal(v.getUint16(2) & 0x800f, 0x8000, 'a response, NOERROR');
  assert.equal(v.getUint16(6), 1, 'one answer');
  assert.equal(ipv4Text(v.getUint32(a.length - 4)), '10.0.3.1');
  const again = ask('EXAMPLE.com', 1);
  assert.equal(
    ipv4Text(new DataView(again.buffer, again.byteOffset).getUint32(again.length - 4)),
    '10.0.3.1',
  );
  const other = ask('example.org', 1);
  assert.equal(
    ipv4Text(new DataView(other.buffer, other.byteOffset).getUint32(other.length - 4)),
    '10.0.3.2',
  );
  assert.equal(net.hosts.name(ipv4('10.0.3.2')), 'example.org');
  const aaaa = ask('example.com', 28);
  assert.equal(new DataView(aaaa.buffer, aaaa.byteOffset).getUint16(6), 0, 'no AAAA answer');
});

test("ARP: the host side answers for the gateway, not for the guest's own address", () => {
  const { net, frames } = network();
  const request = (target: number) => {
    const arp = new Uint8Array(28);
    const v = new DataView(arp.buffer);
    v.setUint16(0, 1);
    v.setUint16(2, 0x0800);
    arp[4] = 6;
    arp[5] = 4;
    v.setUint16(6, 1);
    arp.set(GUEST_MAC, 8);
    v.setUint32(14, GUEST);
    v.setUint32(24, target);
    net.receive(
      buildEthernet(Uint8Array.of(255, 255, 255, 255, 255, 255), GUEST_MAC, ETHERTYPE_ARP, arp),
    );
  };
  request(GATEWAY);
  assert.equal(frames.length, 1);
  const reply = parseEthernet(frames[0])!;
  assert.equal(reply.type, ETHERTYPE_ARP);
  assert.deepEqual(reply.destination, GUEST_MAC);
  assert.deepEqual(reply.payload.subarray(8, 14), HOST_MAC);
  assert.equal(new DataView(reply.payload.buffer, reply.payload.byteOffset).getUint32(14), GATEWAY);
  request(GUEST);
  assert.equal(frames.length, 1, 'no answer for the guest address');
});

/** A guest-side TCP client, just enough to send a request and read the answer in order. */
class TestClient {
  seq = 1000;
  ack = 0;
  received: number[] = [];
  fin = false;
  reset = false;
  private seen = 0;

  constructor(
    readonly net: VirtualNetwork,
    readonly frames: Uint8Array[],
    readonly destination: number,
    readonly port: number,
    readonly sourcePort = 40000 + Math.floor(Math.random() * 10000),
  ) {}

  send(flags: number, payload = new Uint8Array(0)): void {
    const segment: TcpSegment = {
      sourcePort: this.sourcePort,
      destinationPort: this.port,
      seq: this.seq,
      ack: this.ack,
      flags,
      window: 65535,
      payload,
    };
    if (flags & TCP_SYN) segment.mss = 1460;
    this.net.receive(
      ipFrame(GUEST, this.destination, PROTOCOL_TCP, buildTcp(GUEST, this.destination, segment)),
    );
    this.seq = (this.seq + payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  }

  /** Reads the segments sent since last time, in order; acknowledges data and FIN. */
  take(acknowledge = true): TcpSegment[] {
    const segments = this.frames
      .slice(this.seen)
      .map((frame) => {
        const ip = parseIpv4(parseEthernet(frame)!.payload)!;
        assert.equal(ip.protocol, PROTOCOL_TCP);
        assert.equal(ip.destination, GUEST);
        return parseTcp(ip.payload)!;
      })
      .filter((s) => s.destinationPort === this.sourcePort);
    this.seen = this.frames.length;
    let advanced = false;
    for (const s of segments) {
      if (s.flags & TCP_RST) this.reset = true;
      if (s.flags & TCP_SYN) {
        this.ack = (s.seq + 1) >>> 0;
        continue;
      }
      if (s.seq !== this.ack) continue;
      this.received.push(...s.payload);
      this.ack = (this.ack + s.payload.length) >>> 0;
      if (s.flags & TCP_FIN) {
        this.fin = true;
        this.ack = (this.ack + 1) >>> 0;
      }
      advanced ||= s.payload.length > 0 || (s.flags & TCP_FIN) !== 0;
    }
    if (acknowledge && advanced) this.send(TCP_ACK);
    return segments;
  }

  text(): string {
    return Buffer.from(this.received).toString('latin1');
  }
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function httpServer(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Opens a connection, sends `request`, and reads until the host side closes or resets. */
async function exchange(
  net: VirtualNetwork,
  frames: Uint8Array[],
  port: number,
  request: string,
  ms = 5000,
) {
  const client = new TestClient(net, frames, GATEWAY, port);
  client.send(TCP_SYN);
  const [synAck] = client.take();
  assert.equal(synAck.flags, TCP_SYN | TCP_ACK);
  assert.equal(synAck.mss, 1460);
  client.send(TCP_ACK);
  client.send(TCP_ACK, new TextEncoder().encode(request));
  await until(() => (client.take(), client.fin || client.reset), ms, 'the response');
  return client;
}

test('TCP + HTTP: a GET is made with fetch() and the response streamed back, then FIN', async (t) => {
  const body = 'x'.repeat(200_000);
  const { server, port } = await httpServer((request, response) => {
    response.setHeader('x-path', request.url ?? '');
    response.setHeader('x-agent', request.headers['user-agent'] ?? '');
    response.end(body);
  });
  t.after(() => server.close());
  const { net, frames } = network();
  const client = await exchange(
    net,
    frames,
    port,
    `GET /hello?a=1 HTTP/1.1\r\nHost: 10.0.2.2:${port}\r\nUser-Agent: test-agent\r\n\r\n`,
  );
  const text = client.text();
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(head, /\r\nx-path: \/hello\?a=1/);
  assert.match(head, /\r\nx-agent: test-agent/);
  assert.match(head, /\r\nconnection: close/);
  assert.equal(text.slice(split + 4), body);
  assert.ok(client.fin, 'closed with FIN, not reset');
  client.send(TCP_FIN | TCP_ACK);
  client.take();
  assert.equal(net.openConnections, 0, 'both sides closed: the connection is gone');
  net.close();
});

test('TCP + HTTP: a POST body (Content-Length) reaches the origin', async (t) => {
  let received = '';
  const { server, port } = await httpServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received += chunk.toString()));
    request.on('end', () => response.end(`got ${received.length}`));
  });
  t.after(() => server.close());
  const { net, frames } = network();
  const payload = 'field=' + 'v'.repeat(3000);
  const client = await exchange(
    net,
    frames,
    port,
    `POST /form HTTP/1.1\r\nHost: 10.0.2.2:${port}\r\nContent-Type: text/plain\r\nContent-Length: ${payload.length}\r\n\r\n${payload}`,
  );
  assert.equal(received, payload);
  assert.match(client.text(), /\r\n\r\ngot 3006$/);
  net.close();
});

test('a dead port is a clean 502 with a one-line reason, in bounded time', async () => {
  const { server, port } = await httpServer(() => {});
  await new Promise((resolve) => server.close(resolve));
  const { net, frames } = network({ fetchTimeoutMs: 3000 });
  const started = performance.now();
  const client = await exchange(
    net,
    frames,
    port,
    `GET / HTTP/1.1\r\nHost: 10.0.2.2:${port}\r\n\r\n`,
  );
  assert.ok(performance.now() - started < 3000);
  const text = client.text();
  assert.match(text, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  assert.match(body, /^502 Bad Gateway: GET http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED.*\n$/);
  assert.equal(body.split('\n').length, 2, 'one line');
  net.close();
});

test('an origin that never answers is a 502 after the fetch timeout', async (t) => {
  const { server, port } = await httpServer(() => {}); // never responds
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { net, frames } = network({ fetchTimeoutMs: 500 });
  const started = performance.now();
  const client = await exchange(
    net,
    frames,
    port,
    `GET /slow HTTP/1.1\r\nHost: 10.0.2.2:${port}\r\n\r\n`,
  );
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 450 && elapsed < 3000, `answered after ${elapsed} ms`);
  assert.match(client.text(), /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*no answer within 0\.5 s\n$/);
  net.close();
});

test('segments the link dropped are sent again after the retransmission timeout', async (t) => {
  const { server, port } = await httpServer((_request, response) => response.end('hello again'));
  t.after(() => server.close());
  const { net, frames, link } = network();
  const client = new TestClient(net, frames, GATEWAY, port);
  client.send(TCP_SYN);
  client.take();
  client.send(TCP_ACK);
  link.accept = false; // the device's backlog is full: the answer is lost
  client.send(
    TCP_ACK,
    new TextEncoder().encode(`GET / HTTP/1.1\r\nHost: 10.0.2.2:${port}\r\n\r\n`),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(client.take().filter((s) => s.payload.length > 0).length, 0, 'nothing arrived');
  link.accept = true;
  await until(() => (client.take(), client.fin), RETRANSMIT_MS * 3, 'the retransmission');
  assert.match(client.text(), /^HTTP\/1\.1 200 OK[^]*\r\n\r\nhello again$/);
  net.close();
});

test('HTTPS (port 443), a stray segment and a SYN past MAX_CONNECTIONS are reset at once', () => {
  const { net, frames } = network();
  const https = new TestClient(net, frames, GATEWAY, 443);
  https.send(TCP_SYN);
  assert.ok(https.take().some((s) => s.flags & TCP_RST));
  const stray = new TestClient(net, frames, GATEWAY, 80);
  stray.send(TCP_ACK, new Uint8Array(10));
  assert.ok(stray.take().some((s) => s.flags & TCP_RST));
  for (let i = 0; i < MAX_CONNECTIONS; i++)
    new TestClient(net, frames, GATEWAY, 80, 2000 + i).send(TCP_SYN);
  assert.equal(net.openConnections, MAX_CONNECTIONS);
  const over = new TestClient(net, frames, GATEWAY, 80, 9999);
  over.send(TCP_SYN);
  assert.ok(over.take().some((s) => s.flags & TCP_RST));
  assert.equal(net.openConnections, MAX_CONNECTIONS);
  net.close();
  assert.equal(net.openConnections, 0);
});

test('a malformed request line is answered 400 and closed', async () => {
  const { net, frames } = network();
  const client = await exchange(net, frames, 80, 'HELLO THERE\r\n\r\n');
  assert.match(client.text(), /^HTTP\/1\.1 400 Bad Request\r\n/);
  net.close();
});

test('a connection that sends no whole request is answered 408 after the timeout', async () => {
  const { net, frames } = network({ fetchTimeoutMs: 300 });
  const client = await exchange(net, frames, 22, 'SSH-2.0-client-speaks-first-but-no-http');
  assert.match(client.text(), /^HTTP\/1\.1 408 Request Timeout\r\n[^]*within 0\.3 s\n$/);
  net.close();
});
