// virtio-net as its driver sees it (Virtio 1.2, 5.1): the MAC in the config space, frames out
// through transmitq1 with the 12-byte header stripped, frames in through receiveq1 behind a
// header whose num_buffers is 1, a bounded receive backlog, and bad chains that fault the device
// (DEVICE_NEEDS_RESET) instead of throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_FRAME_BYTES,
  NET_HEADER_BYTES,
  RX_QUEUE_FRAMES,
  VirtioNet,
} from '../../src/engine/devices/virtio/net.js';
import { StateError } from '../../src/engine/devices/state-error.js';
import {
  BUFFERS,
  INTERRUPT_USED,
  STATUS_NEEDS_RESET,
  TestDriver,
  guestRam,
} from './support/virtio-driver.js';

const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
const RX = 0;
const TX = 1;

function net() {
  const sent: Uint8Array[] = [];
  const faults: unknown[] = [];
  const device = new VirtioNet(MAC, (frame) => sent.push(frame.slice()));
  const { memory } = guestRam();
  const driver = new TestDriver(device, memory, { onFault: (error) => faults.push(error) });
  driver.setUp();
  return { device, driver, sent, faults };
}

function frame(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

test('the config space holds the MAC, and only VIRTIO_NET_F_MAC (and VERSION_1) is offered', () => {
  const { driver } = net();
  const t = driver.transport;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => t.read(0x100 + i, 1)),
    [...MAC],
  );
  assert.equal(t.read(0x100, 4), 0x12005452);
  assert.equal(t.read(0x104, 2), 0x5634);
  assert.equal(t.read(0x008, 4), 1, 'device ID 1 (network card)');
  t.write(0x014, 4, 0);
  assert.equal(t.read(0x010, 4), 1 << 5);
  t.write(0x014, 4, 1);
  assert.equal(t.read(0x010, 4), 1, 'VERSION_1 in the second word');
});

test('a transmitted frame reaches the host without its header, split across buffers', () => {
  const { driver, sent, faults } = net();
  const payload = Uint8Array.from({ length: 60 }, (_, i) => i + 1);
  driver.put(BUFFERS, new Uint8Array(NET_HEADER_BYTES));
  driver.put(BUFFERS + 0x100, payload.subarray(0, 20));
  driver.put(BUFFERS + 0x200, payload.subarray(20));
  driver.offer(TX, [
    { address: BUFFERS, length: NET_HEADER_BYTES },
    { address: BUFFERS + 0x100, length: 20 },
    { address: BUFFERS + 0x200, length: 40 },
  ]);
  driver.notify(TX);
  assert.deepEqual(sent, [payload]);
  assert.deepEqual(driver.used(TX), [{ id: 0, length: 0 }]);
  assert.equal(driver.interruptStatus & INTERRUPT_USED, INTERRUPT_USED);
  assert.equal(faults.length, 0);
});

test('received frames wait for buffers, then land behind a header with num_buffers 1', () => {
  const { device, driver } = net();
  assert.equal(device.receive(frame(100, 0xaa)), true);
  assert.equal(device.receive(frame(MAX_FRAME_BYTES, 0xbb)), true);
  assert.equal(driver.used(RX).length, 0, 'no buffers yet');
  const size = NET_HEADER_BYTES + MAX_FRAME_BYTES;
  driver.offer(RX, [{ address: BUFFERS, length: size, write: true }]);
  driver.offer(RX, [
    { address: BUFFERS + 0x1000, length: NET_HEADER_BYTES, write: true },
    { address: BUFFERS + 0x2000, length: MAX_FRAME_BYTES, write: true },
  ]);
  driver.notify(RX);
  assert.deepEqual(driver.used(RX), [
    { id: 0, length: NET_HEADER_BYTES + 100 },
    { id: 1, length: NET_HEADER_BYTES + MAX_FRAME_BYTES },
  ]);
  const header = driver.bytes(BUFFERS, NET_HEADER_BYTES);
  assert.deepEqual([...header], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(driver.bytes(BUFFERS + NET_HEADER_BYTES, 100), frame(100, 0xaa));
  assert.deepEqual(driver.bytes(BUFFERS + 0x2000, MAX_FRAME_BYTES), frame(MAX_FRAME_BYTES, 0xbb));
  assert.equal(device.rxRoom, RX_QUEUE_FRAMES);
});

test('the receive backlog is bounded: frames past RX_QUEUE_FRAMES, or over the MTU, are dropped', () => {
  const { device } = net();
  for (let i = 0; i < RX_QUEUE_FRAMES; i++) assert.equal(device.receive(frame(64, i)), true);
  assert.equal(device.rxRoom, 0);
  assert.equal(device.receive(frame(64, 1)), false);
  assert.equal(device.dropped, 1);
  const { device: other } = net();
  assert.equal(other.receive(frame(MAX_FRAME_BYTES + 1, 0)), false);
});

test('a receive chain too small for the frame is a fault: NEEDS_RESET, no throw', () => {
  const { device, driver, faults } = net();
  device.receive(frame(200, 1));
  driver.offer(RX, [{ address: BUFFERS, length: 100, write: true }]);
  assert.doesNotThrow(() => driver.notify(RX));
  assert.equal(faults.length, 1);
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
});

test('a transmit chain shorter than the header, or a descriptor outside RAM, is a fault', () => {
  const short = net();
  short.driver.offer(TX, [{ address: BUFFERS, length: 4 }]);
  assert.doesNotThrow(() => short.driver.notify(TX));
  assert.equal(short.faults.length, 1);
  assert.equal(short.sent.length, 0);
  assert.equal(short.driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);

  const outside = net();
  outside.driver.offer(TX, [{ address: 0x1000, length: 64 }]);
  assert.doesNotThrow(() => outside.driver.notify(TX));
  assert.equal(outside.faults.length, 1);
  assert.equal(outside.sent.length, 0);
});

test('a reset drops the backlog; saveState/restoreState carry it and check it', () => {
  const { device, driver } = net();
  device.receive(frame(80, 7));
  const saved = device.saveState();
  assert.equal(saved.mac, '525400123456');
  assert.equal(saved.pendingRx.length, 1);

  const copy = net();
  copy.device.restoreState(saved);
  copy.driver.offer(RX, [{ address: BUFFERS, length: 2048, write: true }]);
  copy.driver.notify(RX);
  assert.deepEqual(copy.driver.used(RX), [{ id: 0, length: NET_HEADER_BYTES + 80 }]);
  assert.deepEqual(copy.driver.bytes(BUFFERS + NET_HEADER_BYTES, 80), frame(80, 7));

  assert.throws(() => copy.device.restoreState({ ...saved, mac: '020000000001' }), StateError);
  assert.throws(
    () => copy.device.restoreState({ ...saved, pendingRx: ['not base64 at all!'] }),
    StateError,
  );

  driver.transport.write(0x070, 4, 0);
  assert.equal(device.saveState().pendingRx.length, 0, 'reset drops waiting frames');
});
