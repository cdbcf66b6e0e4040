// One TCP connection the guest opened to the host side, from the host side's end (RFC 9293),
// kept as small as the link allows: the link to the guest loses nothing but frames dropped when
// the guest's receive backlog is full, it does not reorder, and the guest's segments reach us
// whole. So: a passive open only; in-order receive (anything else is answered with the ACK we
// expect); send within the guest's window and our MSS; one retransmission timer that goes back
// to the oldest unacknowledged byte (go-back-N) and gives up after MAX_RETRIES; no window
// scaling, SACK or timestamps (not offered in our SYN-ACK, so not used).
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpSegment } from './frames.js';

/** Our receive window: the application takes what arrives at once (the HTTP head is bounded). */
const RECEIVE_WINDOW = 65535;
/** MTU 1500 less 20 bytes of IPv4 and 20 of TCP header. */
export const MSS = 1460;
/** What the application may have written and the guest not yet acknowledged. */
export const SEND_BUFFER_BYTES = 256 * 1024;
export const RETRANSMIT_MS = 1000;
const MAX_RETRIES = 8;

/** Sequence arithmetic modulo 2^32 (RFC 9293 3.4). */
function seqDiff(a: number, b: number): number {
  return ((a - b) | 0) as number;
}

export interface TcpConnectionEvents {
  /** Sends a segment to the guest (ports are filled in by the connection). */
  send(segment: Omit<TcpSegment, 'sourcePort' | 'destinationPort'>): void;
  /** Whether the link can take more data segments now (the device's backlog has room). */
  canSend(): boolean;
  /** In-order bytes from the guest. */
  data(bytes: Uint8Array): void;
  /** The guest closed its sending side (FIN). */
  end(): void;
  /** The connection is gone (closed both ways, reset, or given up). */
  closed(reason: 'done' | 'reset' | 'timeout'): void;
  /** Room came back in the send buffer after it was full. */
  drain(): void;
}

export class TcpConnection {
  /** Oldest unacknowledged sequence number, and the next to send. */
  private sndUna: number;
  private sndNxt: number;
  /** The highest sequence number sent so far (sndNxt goes back below it on a retransmission). */
  private sndMax: number;
  private rcvNxt: number;
  private peerWindow: number;
  private readonly peerMss: number;
  private synAcked = false;
  /**
   * Bytes written and not acknowledged, sendBuffer[sendStart, sendStart + sendLength): the first
   * is sequence number sndUna once the SYN is acknowledged. Acknowledged bytes only move
   * sendStart; the rest moves down when a write needs the room behind it.
   */
  private sendBuffer = new Uint8Array(16 * 1024);
  private sendStart = 0;
  private sendLength = 0;
  private closing = false;
  private finSent = false;
  private finAcked = false;
  private peerFin = false;
  private gone = false;
  private lastProgress: number;
  private retries = 0;
  private wasFull = false;

  constructor(
    syn: TcpSegment,
    private readonly events: TcpConnectionEvents,
    private readonly now: () => number,
    iss = (Math.random() * 2 ** 32) >>> 0,
  ) {
    this.sndUna = iss;
    this.sndNxt = (iss + 1) >>> 0;
    this.sndMax = this.sndNxt;
    this.rcvNxt = (syn.seq + 1) >>> 0;
    this.peerWindow = syn.window;
    this.peerMss = Math.min(syn.mss ?? 536, MSS);
    this.lastProgress = now();
    this.sendSynAck();
  }

  get isClosed(): boolean {
    return this.gone;
  }

  /** How many more bytes write() takes now. */
  get room(): number {
    return SEND_BUFFER_BYTES - this.sendLength;
  }

  /** Queues bytes for the guest; throws past SEND_BUFFER_BYTES (check room first). */
  write(bytes: Uint8Array): void {
    if (this.closing || this.gone) return;
    if (bytes.length > this.room) throw new RangeError('TCP send buffer overflow');
    if (this.sendStart + this.sendLength + bytes.length > this.sendBuffer.length) {
      const needed = this.sendLength + bytes.length;
      const buffer =
        needed > this.sendBuffer.length
          ? new Uint8Array(
              Math.min(SEND_BUFFER_BYTES, Math.max(this.sendBuffer.length * 2, needed)),
            )
          : this.sendBuffer;
      buffer.set(this.sendBuffer.subarray(this.sendStart, this.sendStart + this.sendLength));
      this.sendBuffer = buffer;
      this.sendStart = 0;
    }
    this.sendBuffer.set(bytes, this.sendStart + this.sendLength);
    this.sendLength += bytes.length;
    if (this.room === 0) this.wasFull = true;
    this.pump();
  }

  /** Sends FIN once everything written has been sent. */
  end(): void {
    if (this.gone) return;
    this.closing = true;
    this.pump();
  }

  /** Resets the connection (RST) and forgets it. */
  abort(reason: 'reset' | 'timeout' = 'reset'): void {
    if (this.gone) return;
    this.events.send({
      seq: this.sndNxt,
      ack: this.rcvNxt,
      flags: TCP_RST | TCP_ACK,
      window: 0,
      payload: new Uint8Array(0),
    });
    this.close(reason);
  }

  /** A segment of this connection from the guest. */
  handle(segment: TcpSegment): void {
    if (this.gone) return;
    if (segment.flags & TCP_RST) return this.close('reset');
    if (segment.flags & TCP_SYN) {
      // The guest did not see our SYN-ACK (it was dropped): send it again.
      if (!this.synAcked && segment.seq === (this.rcvNxt - 1) >>> 0) this.sendSynAck();
      return;
    }
    if (!(segment.flags & TCP_ACK)) return;
    this.acknowledge(segment.ack, segment.window);
    if (this.gone) return;
    const length = segment.payload.length + (segment.flags & TCP_FIN ? 1 : 0);
    if (length > 0) {
      if (segment.seq === this.rcvNxt && !this.peerFin) {
        this.rcvNxt = (this.rcvNxt + length) >>> 0;
        if (segment.payload.length > 0) this.events.data(segment.payload);
        if (segment.flags & TCP_FIN) {
          this.peerFin = true;
          this.events.end();
        }
      }
      // In order or not (a retransmission, a segment after one we dropped): say what we expect.
      this.sendAck();
      if (this.peerFin && this.finAcked) return this.close('done');
    }
    this.pump();
  }

  /** The retransmission timer (called by the network every so often). */
  tick(): void {
    if (this.gone) return;
    const outstanding = !this.synAcked || seqDiff(this.sndNxt, this.sndUna) > 0;
    if (!outstanding) {
      this.lastProgress = this.now();
      return;
    }
    if (this.now() - this.lastProgress < RETRANSMIT_MS * 2 ** Math.min(this.retries, 3)) return;
    if (++this.retries > MAX_RETRIES) return this.abort('timeout');
    this.lastProgress = this.now();
    if (!this.synAcked) return this.sendSynAck();
    // Go back to the oldest unacknowledged byte and send again from there.
    this.sndNxt = this.sndUna;
    this.finSent = false;
    this.pump();
  }

  /** Sends what the guest's window, our MSS and the link allow; then FIN when closing. */
  pump(): void {
    if (this.gone || !this.synAcked) return;
    for (;;) {
      const inFlight = seqDiff(this.sndNxt, this.sndUna);
      const offset = inFlight;
      const unsent = this.sendLength - offset;
      if (unsent > 0) {
        const length = Math.min(unsent, this.peerMss, this.peerWindow - inFlight);
        if (length <= 0 || !this.events.canSend()) return;
        this.events.send({
          seq: this.sndNxt,
          ack: this.rcvNxt,
          flags: TCP_ACK | (length === unsent ? TCP_PSH : 0),
          window: RECEIVE_WINDOW,
          payload: this.sendBuffer.slice(this.sendStart + offset, this.sendStart + offset + length),
        });
        this.advance(length);
        continue;
      }
      if (this.closing && !this.finSent && unsent === 0) {
        if (!this.events.canSend()) return;
        this.events.send({
          seq: this.sndNxt,
          ack: this.rcvNxt,
          flags: TCP_FIN | TCP_ACK,
          window: RECEIVE_WINDOW,
          payload: new Uint8Array(0),
        });
        this.advance(1);
        this.finSent = true;
      }
      return;
    }
  }

  private acknowledge(ack: number, window: number): void {
    if (!this.synAcked) {
      if (ack !== this.sndNxt) return;
      // Our SYN is acknowledged: from here sndUna counts data (and the FIN).
      this.synAcked = true;
      this.sndUna = ack;
      this.progress();
    } else if (seqDiff(ack, this.sndUna) > 0 && seqDiff(ack, this.sndMax) <= 0) {
      // Up to sndMax: after going back, the guest may acknowledge what it had already received.
      let acked = seqDiff(ack, this.sndUna);
      if (this.closing && this.sendLength < acked) {
        // The FIN (one past the last byte written) is acknowledged too.
        this.finAcked = true;
        acked = this.sendLength;
      }
      this.sendStart = this.sendLength === acked ? 0 : this.sendStart + acked;
      this.sendLength -= acked;
      this.sndUna = ack;
      if (seqDiff(ack, this.sndNxt) > 0) this.sndNxt = ack;
      this.progress();
    }
    this.peerWindow = window;
    if (this.finAcked && this.peerFin) this.close('done');
    if (this.wasFull && this.room > 0) {
      this.wasFull = false;
      this.events.drain();
    }
  }

  /** Counts `length` sequence numbers as sent. */
  private advance(length: number): void {
    this.sndNxt = (this.sndNxt + length) >>> 0;
    if (seqDiff(this.sndNxt, this.sndMax) > 0) this.sndMax = this.sndNxt;
  }

  private progress(): void {
    this.lastProgress = this.now();
    this.retries = 0;
  }

  private sendSynAck(): void {
    this.events.send({
      seq: (this.sndNxt - 1) >>> 0,
      ack: this.rcvNxt,
      flags: TCP_SYN | TCP_ACK,
      window: RECEIVE_WINDOW,
      mss: MSS,
      payload: new Uint8Array(0),
    });
  }

  private sendAck(): void {
    this.events.send({
      seq: this.sndNxt,
      ack: this.rcvNxt,
      flags: TCP_ACK,
      window: RECEIVE_WINDOW,
      payload: new Uint8Array(0),
    });
  }

  private close(reason: 'done' | 'reset' | 'timeout'): void {
    if (this.gone) return;
    this.gone = true;
    this.events.closed(reason);
  }
}
