// Device faults stay inside the device: a malformed descriptor chain or DMA outside RAM sets
// DEVICE_NEEDS_RESET and raises the configuration interrupt (Virtio 1.2, 2.1.2), the device
// ignores its queues until its driver resets it, and nothing is thrown into the hart's run().
// A buffer in a page not restored yet (lazy restore) consumes nothing: the host fetches the page,
// and the request then completes exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type BlockBackend, VirtioBlock } from '../../src/engine/devices/virtio/block.js';
import { VirtioConsole } from '../../src/engine/devices/virtio/console.js';
import { VirtioEntropy } from '../../src/engine/devices/virtio/entropy.js';
import { PageMissingError } from '../../src/engine/page-map.js';
import {
  BUFFERS,
  INTERRUPT_CONFIG,
  INTERRUPT_USED,
  RAM_BASE,
  RAM_SIZE,
  STATUS,
  STATUS_NEEDS_RESET,
  TestDriver,
  guestRam,
} from './support/virtio-driver.js';

const PAGE = 4096;

/** An entropy device whose faults are collected. */
function entropy() {
  const faults: unknown[] = [];
  const { memory } = guestRam();
  const driver = new TestDriver(new VirtioEntropy(), memory, {
    onFault: (error) => faults.push(error),
  }).setUp();
  return { driver, faults };
}

/** Checks the device reported a fault the virtio way, then works again after a reset. */
function assertFaultedThenRecovers(driver: TestDriver, faults: unknown[]): void {
  assert.equal(faults.length, 1, 'onFault called once');
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET, 'DEVICE_NEEDS_RESET set');
  assert.equal(
    driver.interruptStatus & INTERRUPT_CONFIG,
    INTERRUPT_CONFIG,
    'configuration change interrupt',
  );
  assert.equal(driver.irq, true);
  // Until the reset the device ignores its queues, even for a good chain.
  driver.acknowledge();
  const ignored = BUFFERS + 0x100;
  driver.offer(0, [{ address: ignored, length: 16, write: true }]);
  driver.notify(0);
  assert.equal(driver.used(0).length, 0, 'queues ignored until reset');
  // The driver resets and sets the device up again: it serves requests.
  driver.transport.write(STATUS, 4, 0);
  assert.equal(driver.status, 0);
  driver.setUp();
  driver.offer(0, [{ address: BUFFERS, length: 32, write: true }]);
  driver.notify(0);
  assert.deepEqual(driver.used(0), [{ id: 0, length: 32 }]);
  assert.ok(
    driver.bytes(BUFFERS, 32).some((b) => b !== 0),
    'random bytes written',
  );
  assert.equal(faults.length, 1);
}

test('a chain pointing outside RAM: NEEDS_RESET, config interrupt, no throw, works after reset', () => {
  const { driver, faults } = entropy();
  driver.offer(0, [{ address: RAM_BASE + RAM_SIZE - 8, length: 16, write: true }]);
  assert.doesNotThrow(() => driver.notify(0));
  assert.equal(driver.used(0).length, 0);
  assertFaultedThenRecovers(driver, faults);
});

test('a loop in a descriptor chain is a fault, not a hang', () => {
  const { driver, faults } = entropy();
  const { desc } = driver.rings(0);
  driver.descriptor(desc, 0, BUFFERS, 8, 2 | 1, 1);
  driver.descriptor(desc, 1, BUFFERS + 8, 8, 2 | 1, 0);
  driver.makeAvailable(0, 0);
  assert.doesNotThrow(() => driver.notify(0));
  assertFaultedThenRecovers(driver, faults);
});

test('an indirect table whose size is not whole descriptors is a fault', () => {
  const { driver, faults } = entropy();
  const table = BUFFERS + 0x1000;
  driver.descriptor(table, 0, BUFFERS, 8, 2);
  driver.offerIndirect(0, table, 20);
  assert.doesNotThrow(() => driver.notify(0));
  assertFaultedThenRecovers(driver, faults);
});

test('a good indirect table is served', () => {
  const { driver, faults } = entropy();
  const table = BUFFERS + 0x1000;
  driver.descriptor(table, 0, BUFFERS, 8, 2 | 1, 1);
  driver.descriptor(table, 1, BUFFERS + 8, 8, 2);
  driver.offerIndirect(0, table, 32);
  driver.notify(0);
  assert.deepEqual(driver.used(0), [{ id: 0, length: 16 }]);
  assert.equal(faults.length, 0);
});

test('a queue size that is not a power of 2 is a fault', () => {
  const faults: unknown[] = [];
  const { memory } = guestRam();
  const driver = new TestDriver(
    new VirtioEntropy(),
    memory,
    { onFault: (e) => faults.push(e) },
    [12],
  ).setUp();
  driver.offer(0, [{ address: BUFFERS, length: 8, write: true }]);
  assert.doesNotThrow(() => driver.notify(0));
  assert.equal(faults.length, 1);
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
});

test('a fault in host-initiated work (console input to a bad buffer) is caught too', () => {
  const faults: unknown[] = [];
  const { memory } = guestRam();
  const console = new VirtioConsole(() => {});
  const driver = new TestDriver(console, memory, { onFault: (e) => faults.push(e) }).setUp();
  driver.offer(0, [{ address: RAM_BASE + RAM_SIZE, length: 64, write: true }]);
  driver.notify(0);
  assert.doesNotThrow(() => console.receive(new TextEncoder().encode('hi')));
  assert.equal(faults.length, 1);
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
  assert.equal(driver.interruptStatus & INTERRUPT_CONFIG, INTERRUPT_CONFIG);
});

test('a block request without a status byte is a fault', () => {
  const faults: unknown[] = [];
  const { memory } = guestRam();
  const block = new VirtioBlock(memoryDisk(4096));
  const driver = new TestDriver(block, memory, { onFault: (e) => faults.push(e) }).setUp();
  driver.offer(0, [{ address: BUFFERS, length: 16 }]);
  assert.doesNotThrow(() => driver.notify(0));
  assert.equal(faults.length, 1);
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
});

test('a block request in flight when the driver resets the device is not completed', async () => {
  const { memory } = guestRam();
  let finish!: () => void;
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  const disk = memoryDisk(4096);
  const slow: BlockBackend = {
    size: disk.size,
    read: async (offset, length) => {
      started();
      await new Promise<void>((resolve) => (finish = resolve));
      return disk.read(offset, length);
    },
    write: disk.write,
  };
  const block = new VirtioBlock(slow);
  const driver = new TestDriver(block, memory).setUp();
  readRequest(driver, 0, BUFFERS, 512);
  driver.notify(0);
  await reading;
  driver.transport.write(STATUS, 4, 0);
  driver.setUp();
  finish();
  await block.idle();
  assert.equal(driver.used(0).length, 0, 'no completion into the new rings');
  assert.equal(driver.bytes(BUFFERS + 0x100, 1)[0], 0xff, 'status byte untouched');
});

// --- pages not restored yet -------------------------------------------------------------

/** A device over RAM with a page map; onPageMissing records the address and waits for the test. */
function lazy<T extends ConstructorParameters<typeof TestDriver>[0]>(type: T) {
  const { memory, pages } = guestRam();
  const misses: number[] = [];
  const faults: unknown[] = [];
  let fill: (() => void) | undefined;
  let fail: ((reason: unknown) => void) | undefined;
  const driver = new TestDriver(type, memory, {
    onFault: (error) => faults.push(error),
    onPageMissing: (address) => {
      misses.push(address);
      return new Promise<void>((resolve, reject) => {
        fill = resolve;
        fail = reject;
      });
    },
  }).setUp();
  const missing = (address: number) => pages.markMissing(address - RAM_BASE, 1);
  /** The host has fetched the page: marks it present and resolves; the work runs again. */
  const restore = async (address: number) => {
    pages.markPresent(address - RAM_BASE, 1);
    fill!();
    await driver.transport.idle();
  };
  const refuse = async (reason: unknown) => {
    fail!(reason);
    await driver.transport.idle();
  };
  /** Resolves the fetch without filling the page (a host bug). */
  const resolveOnly = async () => {
    fill!();
    await driver.transport.idle();
  };
  return { driver, type, pages, misses, faults, missing, restore, refuse, resolveOnly };
}

test('entropy: a buffer in a missing page consumes nothing until the page is in, then is served once', async () => {
  const { driver, misses, missing, restore, faults } = lazy(new VirtioEntropy());
  const buffer = BUFFERS + 3 * PAGE + 40;
  missing(buffer);
  driver.offer(0, [{ address: buffer, length: 64, write: true }]);
  driver.notify(0);
  assert.deepEqual(misses, [buffer]);
  assert.equal(driver.used(0).length, 0, 'nothing consumed');
  assert.equal(driver.transport.queues[0].lastAvail, 0, 'the chain is still available');
  assert.equal(driver.irq, false);
  // Notifications while the page is fetched wait behind it; they do not fetch it again.
  driver.notify(0);
  assert.equal(misses.length, 1);
  await restore(buffer);
  assert.deepEqual(driver.used(0), [{ id: 0, length: 64 }]);
  assert.equal(driver.interruptStatus & INTERRUPT_USED, INTERRUPT_USED);
  assert.equal(driver.irq, true);
  assert.equal(faults.length, 0);
  assert.equal(misses.length, 1);
});

test('DMA marks the pages it writes dirty', () => {
  const { memory, pages } = guestRam();
  const driver = new TestDriver(new VirtioEntropy(), memory).setUp();
  const buffer = BUFFERS + 5 * PAGE + 4000;
  driver.offer(0, [{ address: buffer, length: 200, write: true }]);
  driver.notify(0);
  const page = (buffer - RAM_BASE) / PAGE;
  assert.equal(pages.bytes[Math.floor(page)] & 2, 2);
  assert.equal(pages.bytes[Math.floor(page) + 1] & 2, 2, 'the buffer crosses into the next page');
  assert.equal(pages.bytes[Math.floor(page) + 2] & 2, 0);
  const { used } = driver.rings(0);
  assert.equal(pages.bytes[(used - RAM_BASE) / PAGE] & 2, 2, 'the used ring was written');
});

test('a missing page under the descriptor table or the used ring also defers the request', async () => {
  for (const where of ['desc', 'used', 'avail'] as const) {
    const { driver, misses, missing, restore } = lazy(new VirtioEntropy());
    const address = driver.rings(0)[where];
    driver.offer(0, [{ address: BUFFERS, length: 16, write: true }]);
    missing(address);
    driver.notify(0);
    assert.equal(misses.length, 1, where);
    assert.equal(Math.floor((misses[0] - RAM_BASE) / PAGE), (address - RAM_BASE) / PAGE, where);
    assert.equal(driver.transport.queues[0].lastAvail, 0, where);
    await restore(address);
    assert.deepEqual(driver.used(0), [{ id: 0, length: 16 }], where);
  }
});

test('console transmit: chains before the miss are output once and signalled at once', async () => {
  const output: string[] = [];
  const { driver, misses, missing, restore } = lazy(
    new VirtioConsole((data) => output.push(new TextDecoder().decode(data))),
  );
  const first = BUFFERS;
  const second = BUFFERS + 2 * PAGE;
  driver.put(first, new TextEncoder().encode('one'));
  driver.put(second, new TextEncoder().encode('two'));
  missing(second);
  driver.offer(1, [{ address: first, length: 3 }]);
  driver.offer(1, [{ address: second, length: 3 }]);
  driver.notify(1);
  assert.deepEqual(output, ['one']);
  assert.equal(driver.used(1).length, 1);
  assert.equal(
    driver.interruptStatus & INTERRUPT_USED,
    INTERRUPT_USED,
    'the interrupt owed for the first is sent',
  );
  assert.deepEqual(misses, [second]);
  driver.acknowledge();
  await restore(second);
  assert.deepEqual(output, ['one', 'two']);
  assert.deepEqual(
    driver.used(1).map((u) => u.id),
    [0, 1],
  );
  assert.equal(driver.interruptStatus & INTERRUPT_USED, INTERRUPT_USED);
});

test('console receive: input waits for a missing receive buffer, then arrives once', async () => {
  const console = new VirtioConsole(() => {});
  const { driver, misses, missing, restore } = lazy(console);
  const buffer = BUFFERS + PAGE;
  missing(buffer);
  driver.offer(0, [{ address: buffer, length: 64, write: true }]);
  driver.notify(0);
  assert.deepEqual(misses, [], 'no input yet: the buffer is not touched');
  console.receive(new TextEncoder().encode('hello'));
  assert.deepEqual(misses, [buffer]);
  // More input and a window resize while the page is fetched: the resize's configuration
  // interrupt does not wait (it touches no guest memory), the input does.
  console.receive(new TextEncoder().encode(' world'));
  console.resize(100, 30);
  assert.equal(driver.interruptStatus & INTERRUPT_CONFIG, INTERRUPT_CONFIG);
  assert.equal(driver.transport.read(0x100, 2), 100);
  assert.equal(driver.used(0).length, 0);
  await restore(buffer);
  assert.deepEqual(driver.used(0), [{ id: 0, length: 5 }]);
  assert.equal(new TextDecoder().decode(driver.bytes(buffer, 5)), 'hello');
  assert.equal(misses.length, 1);
  // The rest goes in the next buffer the guest posts.
  driver.offer(0, [{ address: BUFFERS, length: 64, write: true }]);
  driver.notify(0);
  assert.deepEqual(driver.used(0)[1], { id: 1, length: 6 });
  assert.equal(new TextDecoder().decode(driver.bytes(BUFFERS, 6)), ' world');
});

/** A raw disk in memory. */
function memoryDisk(size: number): BlockBackend & { data: Uint8Array; flushes: number } {
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 13 + 1) & 0xff);
  const disk = {
    size,
    data,
    flushes: 0,
    read: (offset: number, length: number) => data.slice(offset, offset + length),
    write: (offset: number, bytes: Uint8Array) => {
      data.set(bytes, offset);
    },
    flush: () => {
      disk.flushes++;
    },
  };
  return disk;
}

/** A block request: header at `at`, data (if any) at at + 0x200, status at at + 0x100. */
function blockRequest(
  driver: TestDriver,
  type: number,
  sector: number,
  at: number,
  data?: { length: number; write: boolean },
): number {
  const header = new Uint8Array(16);
  new DataView(header.buffer).setUint32(0, type, true);
  new DataView(header.buffer).setUint32(8, sector, true);
  driver.put(at, header);
  driver.put(at + 0x100, Uint8Array.of(0xff));
  return driver.offer(0, [
    { address: at, length: 16 },
    ...(data ? [{ address: at + 0x200, length: data.length, write: data.write }] : []),
    { address: at + 0x100, length: 1, write: true },
  ]);
}

function readRequest(driver: TestDriver, sector: number, at: number, length: number): number {
  return blockRequest(driver, 0, sector, at, { length, write: true });
}

test('block read, write, flush and get-id each wait for a missing page and complete once', async () => {
  const cases = [
    { name: 'read', type: 0, data: { length: 512, write: true }, missingAt: 0x200 },
    { name: 'write', type: 1, data: { length: 512, write: false }, missingAt: 0x200 },
    { name: 'flush', type: 4, data: undefined, missingAt: 0x100 },
    { name: 'get-id', type: 8, data: { length: 20, write: true }, missingAt: 0 },
  ];
  for (const c of cases) {
    const disk = memoryDisk(8192);
    const block = new VirtioBlock(disk);
    const { driver, misses, missing, restore, faults } = lazy(block);
    // The header at the end of one page, the status and data on the next.
    const at = BUFFERS + PAGE - 0x100;
    if (c.type === 1) driver.put(at + 0x200, new Uint8Array(512).fill(0xab));
    blockRequest(driver, c.type, 1, at, c.data);
    missing(at + c.missingAt);
    driver.notify(0);
    assert.equal(misses.length, 1, c.name);
    assert.equal(driver.transport.queues[0].lastAvail, 0, c.name);
    await restore(at + c.missingAt);
    await block.idle();
    assert.equal(driver.used(0).length, 1, `${c.name} completes once`);
    assert.equal(driver.bytes(at + 0x100, 1)[0], 0, `${c.name} status OK`);
    assert.equal(faults.length, 0, c.name);
    if (c.type === 0) assert.deepEqual(driver.bytes(at + 0x200, 512), disk.data.slice(512, 1024));
    if (c.type === 1) assert.deepEqual(disk.data.slice(512, 1024), new Uint8Array(512).fill(0xab));
    if (c.type === 4) assert.equal(disk.flushes, 1);
    if (c.type === 8)
      assert.equal(new TextDecoder().decode(driver.bytes(at + 0x200, 14)), 'linux-terminal');
  }
});

test('block: requests before the missing one are served once, in order, and signalled', async () => {
  const disk = memoryDisk(8192);
  const block = new VirtioBlock(disk);
  const { driver, missing, restore } = lazy(block);
  readRequest(driver, 0, BUFFERS, 512);
  readRequest(driver, 1, BUFFERS + 2 * PAGE, 512);
  missing(BUFFERS + 2 * PAGE + 0x200);
  driver.notify(0);
  // The first request completes while the page of the second is still being fetched.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(driver.used(0).length, 1, 'the first request completed');
  assert.equal(driver.interruptStatus & INTERRUPT_USED, INTERRUPT_USED);
  driver.acknowledge();
  await restore(BUFFERS + 2 * PAGE + 0x200);
  await block.idle();
  assert.deepEqual(
    driver.used(0).map((u) => u.id),
    [0, 3],
  );
  assert.deepEqual(driver.bytes(BUFFERS + 2 * PAGE + 0x200, 512), disk.data.slice(512, 1024));
});

test('a page the host cannot fetch makes the device fault, not hang', async () => {
  const { driver, missing, refuse, faults } = lazy(new VirtioEntropy());
  missing(BUFFERS);
  driver.offer(0, [{ address: BUFFERS, length: 8, write: true }]);
  driver.notify(0);
  await refuse(new Error('the snapshot is gone'));
  assert.equal(faults.length, 1);
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
  assert.equal(driver.interruptStatus & INTERRUPT_CONFIG, INTERRUPT_CONFIG);
});

test(
  'a page still missing after the host said it filled it is a fault, not a loop',
  { timeout: 5000 },
  async () => {
    const { driver, missing, faults, misses, resolveOnly } = lazy(new VirtioEntropy());
    missing(BUFFERS);
    driver.offer(0, [{ address: BUFFERS, length: 8, write: true }]);
    driver.notify(0);
    await resolveOnly();
    assert.equal(misses.length, 1);
    assert.equal(faults.length, 1);
    assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
  },
);

test('without onPageMissing a missing page is a fault', () => {
  const { memory, pages } = guestRam();
  const faults: unknown[] = [];
  const driver = new TestDriver(new VirtioEntropy(), memory, {
    onFault: (e) => faults.push(e),
  }).setUp();
  pages.markMissing(BUFFERS - RAM_BASE, 1);
  driver.offer(0, [{ address: BUFFERS, length: 8, write: true }]);
  driver.notify(0);
  assert.equal(faults.length, 1);
  assert.ok(faults[0] instanceof PageMissingError, 'the fault is the page miss');
  assert.equal(driver.status & STATUS_NEEDS_RESET, STATUS_NEEDS_RESET);
});
