// Console input is flow-controlled: bytes the guest has no room for yet wait on the host's side
// (up to INPUT_QUEUE_BYTES) instead of being dropped, on the UART and on the virtio console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INPUT_QUEUE_BYTES, InputQueue } from '../../src/engine/devices/input-queue.js';
import { Uart16550 } from '../../src/engine/devices/uart16550.js';
import { loadBootImage } from '../../src/engine/node/images.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

test('the UART takes 10 000 bytes at once and the guest reads every one, in order', () => {
  const uart = new Uart16550(
    () => {},
    () => {},
  );
  const sent = pattern(10_000);
  assert.equal(uart.receive(sent), sent.length);
  const LSR_DATA_READY = 1;
  const read: number[] = [];
  while (uart.read(5) & LSR_DATA_READY) read.push(uart.read(0));
  assert.deepEqual(Uint8Array.from(read), sent);
});

test('the input queue holds at most INPUT_QUEUE_BYTES and says how much it took', () => {
  const queue = new InputQueue();
  assert.equal(queue.push(new Uint8Array(INPUT_QUEUE_BYTES - 10)), INPUT_QUEUE_BYTES - 10);
  assert.equal(queue.push(new Uint8Array(100)), 10);
  assert.equal(queue.length, INPUT_QUEUE_BYTES);
  queue.drop(INPUT_QUEUE_BYTES - 5);
  assert.equal(queue.push(pattern(3)), 3);
  assert.equal(queue.length, 8);
});

test('a command longer than 4 KiB reaches the guest whole (the shell echoes its length)', async () => {
  const guest = new GuestShell(await loadBootImage({}));
  try {
    await guest.ready();
    // Typed through the console: about 20 KiB once exec() has wrapped it in base64.
    const { output, exitCode } = await guest.exec(`echo ${'a'.repeat(15_000)} | wc -c`, {
      timeoutMs: 60_000,
    });
    assert.equal(exitCode, 0);
    assert.equal(output.trim(), '15001');
  } finally {
    await guest.terminate();
  }
});
