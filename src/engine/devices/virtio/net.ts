// virtio-net, one queue pair (Virtio 1.2, 5.1 "Network Device"): eth0 in the guest. Queue 0
// (receiveq1) carries frames to the guest, queue 1 (transmitq1) frames from it; there is no
// control queue. The only feature offered is VIRTIO_NET_F_MAC (5.1.3): no checksum or
// segmentation offload, so every frame either way is a whole Ethernet frame with its checksums
// computed, at most MTU-sized.
import { fromBase64, toBase64 } from '../../base64.js';
import { StateError, StateReader } from '../state-error.js';
import type { VirtioDeviceType, VirtioMmio } from './mmio.js';
import { VirtqueueError, readFromBuffers, writeToBuffers } from './virtqueue.js';

const F_MAC = 5;
/**
 * struct virtio_net_hdr: 12 bytes whenever VIRTIO_F_VERSION_1 is negotiated, num_buffers
 * included even without VIRTIO_NET_F_MRG_RXBUF (5.1.6 "Device Operation"; the transport always
 * offers VERSION_1).
 */
export const NET_HEADER_BYTES = 12;
/** An Ethernet frame without its FCS: 14 bytes of header and a 1500-byte payload (the MTU). */
export const MAX_FRAME_BYTES = 1514;
/** Frames for the guest waiting for receive buffers; past this, new ones are dropped. */
export const RX_QUEUE_FRAMES = 256;

/** The device's side of eth0; its queues are in its transport's state. */
export interface VirtioNetState {
  /** The MAC address, 12 hex digits. */
  mac: string;
  /** Frames for the guest that it had posted no receive buffers for yet, base64. */
  pendingRx: string[];
}

export class VirtioNet implements VirtioDeviceType {
  readonly deviceId = 1;
  readonly features = [F_MAC];
  readonly queueSizes = [256, 256];
  transport!: VirtioMmio;
  /** Frames dropped because RX_QUEUE_FRAMES were already waiting (the sender retransmits). */
  dropped = 0;
  private readonly pendingRx: Uint8Array[] = [];

  /**
   * @param mac the guest's MAC address (6 bytes), read by the driver from the config space
   * @param onFrame a frame the guest sent (without the virtio header), to the host's network
   * @param onRoom the guest took waiting frames: the host's network may send more
   */
  constructor(
    readonly mac: Uint8Array,
    private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onRoom?: () => void,
  ) {
    if (mac.length !== 6) throw new RangeError('a MAC address is 6 bytes');
  }

  attach(transport: VirtioMmio): this {
    this.transport = transport;
    return this;
  }

  /** struct virtio_net_config (5.1.4): mac[6] only, since STATUS, MQ and MTU are not offered. */
  readConfig(offset: number, size: number): number {
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (this.mac[offset + i] ?? 0);
    return value;
  }

  /** How many more frames receive() takes now. */
  get rxRoom(): number {
    return RX_QUEUE_FRAMES - this.pendingRx.length;
  }

  /**
   * Queues a frame for the guest, delivered as it posts receive buffers. Returns false (and
   * drops the frame) when RX_QUEUE_FRAMES are already waiting or the frame is over the MTU.
   */
  receive(frame: Uint8Array): boolean {
    if (this.pendingRx.length >= RX_QUEUE_FRAMES || frame.length > MAX_FRAME_BYTES) {
      this.dropped++;
      return false;
    }
    this.pendingRx.push(frame.slice());
    this.transport.run(this.deliver);
    return true;
  }

  notify(index: number): void {
    if (index === 0) this.deliver();
    else if (index === 1) this.transmit();
  }

  activate(): void {
    this.deliver();
  }

  reset(): void {
    this.pendingRx.length = 0;
  }

  saveState(): VirtioNetState {
    return {
      mac: [...this.mac].map((b) => b.toString(16).padStart(2, '0')).join(''),
      pendingRx: this.pendingRx.map((frame) => toBase64(frame)),
    };
  }

  /** Takes a saved state (all checked before any is taken). */
  restoreState(state: VirtioNetState): void {
    const r = new StateReader('virtio-net', state);
    const mac = r.string('mac', 12);
    if (mac !== this.saveState().mac)
      throw new StateError('virtio-net', 'mac', `is ${mac}, not this device's address`);
    const frames: unknown = state.pendingRx;
    if (!Array.isArray(frames) || frames.length > RX_QUEUE_FRAMES)
      throw new StateError('virtio-net', 'pendingRx', `must be at most ${RX_QUEUE_FRAMES} frames`);
    const decoded = frames.map((frame: unknown, i) => {
      let bytes: Uint8Array | undefined;
      try {
        bytes = typeof frame === 'string' ? fromBase64(frame) : undefined;
      } catch {
        bytes = undefined;
      }
      if (!bytes || bytes.length > MAX_FRAME_BYTES)
        throw new StateError('virtio-net', `pendingRx[${i}]`, 'is not a frame (base64)');
      return bytes;
    });
    this.pendingRx.length = 0;
    this.pendingRx.push(...decoded);
  }

  /** Fills the guest's receive buffers with waiting frames, one frame a chain. */
  private readonly deliver = (): void => {
    const t = this.transport;
    const queue = t.queues[0];
    const waiting = this.pendingRx.length;
    while (this.pendingRx.length > 0 && queue.hasAvailable(t.memory)) {
      const chain = queue.pop(t.memory)!;
      const frame = this.pendingRx[0];
      const room = chain.writable.reduce((sum, buffer) => sum + buffer.length, 0);
      // 5.1.6.3.1: without GUEST_TSO/UFO the driver posts buffers of at least 1526 bytes (the
      // header and a whole frame); a chain that cannot hold this frame is a driver bug.
      if (chain.readable.length > 0 || room < NET_HEADER_BYTES + frame.length)
        throw new VirtqueueError(
          `receive chain ${chain.head} has ${room} writable bytes, under the ${NET_HEADER_BYTES + frame.length} a frame needs`,
        );
      const packet = new Uint8Array(NET_HEADER_BYTES + frame.length);
      // flags 0, gso_type NONE, no checksum to complete; num_buffers 1 (5.1.6.4: the device
      // sets it to 1 when MRG_RXBUF is not negotiated).
      packet[10] = 1;
      packet.set(frame, NET_HEADER_BYTES);
      this.pendingRx.shift();
      queue.push(t.memory, chain.head, writeToBuffers(t.memory, chain.writable, packet));
    }
    // After this piece of device work, not inside it: the network's answer comes back here.
    if (this.onRoom && this.pendingRx.length < waiting) queueMicrotask(this.onRoom);
  };

  private transmit(): void {
    const t = this.transport;
    const queue = t.queues[1];
    for (let chain = queue.pop(t.memory); chain; chain = queue.pop(t.memory)) {
      const length = chain.readable.reduce((sum, buffer) => sum + buffer.length, 0);
      // The header, then one frame (5.1.6.2): no more than the MTU allows, since no
      // segmentation offload (HOST_TSO/UFO) was offered. VLAN tags would add 4 bytes.
      if (length < NET_HEADER_BYTES || length > NET_HEADER_BYTES + MAX_FRAME_BYTES + 4) {
        queue.push(t.memory, chain.head, 0);
        throw new VirtqueueError(
          `transmit chain ${chain.head} holds ${length} bytes, not a header and a frame`,
        );
      }
      const packet = readFromBuffers(t.memory, chain.readable);
      queue.push(t.memory, chain.head, 0);
      this.onFrame(packet.subarray(NET_HEADER_BYTES));
    }
  }
}
