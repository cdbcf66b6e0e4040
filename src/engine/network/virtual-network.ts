// The host side of the guest's network (network: 'fetch'): the other end of the guest's Ethernet
// cable. It answers ARP for every address but the guest's, gives the guest its address by DHCP,
// answers its name lookups (every name gets a virtual address, virtual-hosts.ts), and takes each
// TCP connection the guest opens as an HTTP exchange that fetch() carries out
// (fetch-exchange.ts). Nothing else leaves: other UDP, ICMP and port 443 (HTTPS comes later) get
// no answer or a reset. The frames come from and go to the board's virtio-net device.
import {
  BROADCAST,
  BROADCAST_MAC,
  GATEWAY,
  GUEST,
  GUEST_MAC,
  HOST_MAC,
  type Ipv4,
  NAME_SERVER,
} from './addresses.js';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, answerDhcp } from './dhcp-server.js';
import { DNS_PORT, answerDns } from './dns-server.js';
import { DEFAULT_FETCH_TIMEOUT_MS, FetchExchange } from './fetch-exchange.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  PROTOCOL_TCP,
  PROTOCOL_UDP,
  TCP_ACK,
  TCP_RST,
  TCP_SYN,
  type TcpSegment,
  buildArpReply,
  buildEthernet,
  buildIpv4,
  buildTcp,
  buildUdp,
  parseArp,
  parseEthernet,
  parseIpv4,
  parseTcp,
  parseUdp,
} from './frames.js';
import { TcpConnection } from './tcp-connection.js';
import { VirtualHosts } from './virtual-hosts.js';

/** TCP connections open at once; a SYN past this is reset. */
export const MAX_CONNECTIONS = 64;
/** How often the retransmission timers are looked at while connections are open. */
const TICK_MS = 200;
/** Frames kept free in the device's backlog for ACKs and DHCP/DNS answers. */
const CONTROL_RESERVE = 16;

/** The guest end of the link, as the board's virtio-net device offers it. */
export interface GuestLink {
  /** Hands a frame to the guest; false if it was dropped (the device's backlog is full). */
  send(frame: Uint8Array): boolean;
  /** How many more frames the device's backlog takes. */
  readonly room: number;
}

/** A network the board plugs its virtio-net device into. */
export interface NetworkBackend {
  /** The board's device: where frames for the guest go. */
  connect(link: GuestLink): void;
  /** A frame the guest sent. */
  receive(frame: Uint8Array): void;
  /** The device's backlog has room again (the guest took frames). */
  roomAvailable(): void;
  /** Stops every exchange and timer (the machine is gone). */
  close(): void;
}

export interface VirtualNetworkOptions {
  /** fetch() to make the guest's requests with: the Worker's in a browser, Node's in the CLI. */
  fetch?: typeof globalThis.fetch;
  /** How long a fetch may take to answer, and each piece of its body to come (default 30 s). */
  fetchTimeoutMs?: number;
}

export class VirtualNetwork implements NetworkBackend {
  readonly hosts = new VirtualHosts();
  private link: GuestLink | undefined;
  private readonly connections = new Map<string, TcpConnection>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly fetch: typeof globalThis.fetch;
  private readonly fetchTimeoutMs: number;

  constructor(options: VirtualNetworkOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  }

  connect(link: GuestLink): void {
    this.link = link;
  }

  /** How many TCP connections are open. */
  get openConnections(): number {
    return this.connections.size;
  }

  receive(frame: Uint8Array): void {
    const ethernet = parseEthernet(frame);
    if (!ethernet) return;
    if (ethernet.type === ETHERTYPE_ARP) return this.arp(ethernet.payload);
    if (ethernet.type !== ETHERTYPE_IPV4) return;
    const ip = parseIpv4(ethernet.payload);
    if (!ip) return;
    if (ip.protocol === PROTOCOL_UDP) this.udp(ip.source, ip.destination, ip.payload);
    else if (ip.protocol === PROTOCOL_TCP && ip.source === GUEST)
      this.tcp(ip.destination, ip.payload);
  }

  roomAvailable(): void {
    for (const connection of this.connections.values()) connection.pump();
  }

  close(): void {
    for (const connection of [...this.connections.values()]) connection.abort();
    this.connections.clear();
    this.stopTimer();
  }

  private arp(payload: Uint8Array): void {
    const arp = parseArp(payload);
    // Requests for any address but the guest's own (and its probes of it): the host side has them all.
    if (!arp || arp.operation !== 1 || arp.targetIp === GUEST || arp.targetIp === arp.senderIp)
      return;
    const reply = buildArpReply(HOST_MAC, arp.targetIp, arp.senderMac, arp.senderIp);
    this.sendFrame(buildEthernet(arp.senderMac, HOST_MAC, ETHERTYPE_ARP, reply));
  }

  private udp(source: Ipv4, destination: Ipv4, segment: Uint8Array): void {
    const udp = parseUdp(segment);
    if (!udp) return;
    if (udp.destinationPort === DHCP_SERVER_PORT && udp.sourcePort === DHCP_CLIENT_PORT) {
      const reply = answerDhcp(udp.payload);
      // Broadcast: the guest has no address until it takes this one.
      if (reply)
        this.sendIp(
          BROADCAST_MAC,
          GATEWAY,
          BROADCAST,
          PROTOCOL_UDP,
          buildUdp(GATEWAY, BROADCAST, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, reply),
        );
    } else if (
      udp.destinationPort === DNS_PORT &&
      destination === NAME_SERVER &&
      source === GUEST
    ) {
      const reply = answerDns(udp.payload, this.hosts);
      if (reply)
        this.sendIp(
          GUEST_MAC,
          NAME_SERVER,
          GUEST,
          PROTOCOL_UDP,
          buildUdp(NAME_SERVER, GUEST, DNS_PORT, udp.sourcePort, reply),
        );
    }
  }

  private tcp(destination: Ipv4, bytes: Uint8Array): void {
    const segment = parseTcp(bytes);
    if (!segment) return;
    const key = `${segment.sourcePort}>${destination}:${segment.destinationPort}`;
    const existing = this.connections.get(key);
    if (existing) return existing.handle(segment);
    if (segment.flags & TCP_RST) return;
    const isSyn = (segment.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    // Not a new connection (a late segment of a closed one), HTTPS (not carried yet), or too many
    // at once: refused with a reset (RFC 9293 3.10.7.1), so the guest's client fails at once.
    if (!isSyn || segment.destinationPort === 443 || this.connections.size >= MAX_CONNECTIONS)
      return this.reset(destination, segment);
    const reply = (out: Omit<TcpSegment, 'sourcePort' | 'destinationPort'>) =>
      this.sendIp(
        GUEST_MAC,
        destination,
        GUEST,
        PROTOCOL_TCP,
        buildTcp(destination, GUEST, {
          ...out,
          sourcePort: segment.destinationPort,
          destinationPort: segment.sourcePort,
        }),
      );
    const exchange = new FetchExchange(
      { address: destination, port: segment.destinationPort },
      { fetch: this.fetch, timeoutMs: this.fetchTimeoutMs, hosts: this.hosts },
    );
    const connection = new TcpConnection(
      segment,
      {
        send: reply,
        canSend: () => (this.link?.room ?? 0) > CONTROL_RESERVE,
        data: (data) => exchange.data(data),
        end: () => exchange.end(),
        drain: () => exchange.drain(),
        closed: () => {
          this.connections.delete(key);
          if (this.connections.size === 0) this.stopTimer();
          exchange.closed();
        },
      },
      () => performance.now(),
    );
    exchange.attach(connection);
    this.connections.set(key, connection);
    this.startTimer();
  }

  private reset(destination: Ipv4, segment: TcpSegment): void {
    const length =
      segment.payload.length + (segment.flags & TCP_SYN ? 1 : 0) + (segment.flags & 1 ? 1 : 0);
    const out: TcpSegment =
      segment.flags & TCP_ACK
        ? {
            sourcePort: segment.destinationPort,
            destinationPort: segment.sourcePort,
            seq: segment.ack,
            ack: 0,
            flags: TCP_RST,
            window: 0,
            payload: new Uint8Array(0),
          }
        : {
            sourcePort: segment.destinationPort,
            destinationPort: segment.sourcePort,
            seq: 0,
            ack: (segment.seq + length) >>> 0,
            flags: TCP_RST | TCP_ACK,
            window: 0,
            payload: new Uint8Array(0),
          };
    this.sendIp(GUEST_MAC, destination, GUEST, PROTOCOL_TCP, buildTcp(destination, GUEST, out));
  }

  private sendIp(
    mac: Uint8Array,
    source: Ipv4,
    destination: Ipv4,
    protocol: number,
    payload: Uint8Array,
  ): void {
    this.sendFrame(
      buildEthernet(
        mac,
        HOST_MAC,
        ETHERTYPE_IPV4,
        buildIpv4(source, destination, protocol, payload),
      ),
    );
  }

  private sendFrame(frame: Uint8Array): void {
    this.link?.send(frame);
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const connection of [...this.connections.values()]) connection.tick();
    }, TICK_MS);
    // In Node, an idle network does not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
