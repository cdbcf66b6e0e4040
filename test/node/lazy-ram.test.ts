// LazyRam over a plain RAM array and page map: stored chunks start missing, a pack brings pages
// ahead of their chunks, a chunk that arrives later fills only what is still missing (never what
// the guest wrote since), a pack's skipped slots are left alone, and recording mode fills one page
// per touch and lists them in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_MISSING, PageMap } from '../../src/engine/page-map.js';
import { LazyRam } from '../../src/engine/snapshot/lazy-ram.js';

const CHUNK = 16384; // four pages
const content = (index: number) => new Uint8Array(CHUNK).fill(index + 1);

function setup() {
  const ram = new Uint8Array(4 * CHUNK);
  const map = new PageMap(new Uint8Array(ram.length / 4096));
  const fetched: number[] = [];
  const chunks = ['a', null, 'c', 'd'].map((h) => (h ? h.repeat(64) : null));
  const lazy = new LazyRam(ram, map, CHUNK, chunks, async (sha256) => {
    const index = chunks.indexOf(sha256);
    fetched.push(index);
    return content(index);
  });
  return { ram, map, lazy, fetched };
}

test('stored chunks start missing; chunks of zeros are present', () => {
  const { map } = setup();
  assert.deepEqual(
    Array.from(map.bytes, (b) => b & PAGE_MISSING),
    [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
  );
});

test('a chunk that arrives after its pack pages keeps what the guest wrote to them', async () => {
  const { ram, map, lazy } = setup();
  // Page 9 (chunk 2) from a pack, then written by the guest.
  lazy.fillFromPack([9], new Uint8Array(4096).fill(3));
  assert.equal(map.firstMissing(9 * 4096, 4096), -1);
  ram[9 * 4096] = 0xee;
  await lazy.fill(8 * 4096);
  assert.equal(ram[9 * 4096], 0xee, 'the written byte survives');
  assert.equal(ram[9 * 4096 + 1], 3);
  assert.equal(ram[8 * 4096], 3);
  assert.equal(map.firstMissing(8 * 4096, CHUNK), -1);
  assert.deepEqual(lazy.touched, [2]);
});

test('recording fills one page per touch and lists pages in the order touched', async () => {
  const { map, lazy, fetched } = setup();
  lazy.recordPages = true;
  await lazy.fill(13 * 4096 + 5);
  await lazy.fill(12 * 4096);
  await lazy.fill(1 * 4096);
  assert.deepEqual(lazy.touchedPages, [13, 12, 1]);
  assert.deepEqual(lazy.touched, [3, 0]);
  assert.deepEqual(fetched, [3, 0], 'each chunk fetched once');
  assert.equal(map.firstMissing(14 * 4096, 4096), 14 * 4096, 'untouched pages stay missing');
});

test('a touch of a page whose pack is on its way waits for the pack, not its chunk', async () => {
  const { ram, map, lazy, fetched } = setup();
  let deliver!: (bytes: Uint8Array) => void;
  lazy.expectPack([9, 13], new Promise((resolve) => (deliver = resolve)));
  const touch = lazy.fill(13 * 4096);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(fetched, [], 'no chunk fetched while the pack comes');
  deliver(new Uint8Array(2 * 4096).fill(7));
  await touch;
  assert.deepEqual(fetched, []);
  assert.equal(ram[13 * 4096], 7);
  assert.equal(map.firstMissing(9 * 4096, 4096), -1, 'every page of the pack is filled');
  assert.equal(map.firstMissing(8 * 4096, 4096), 8 * 4096, 'pages beside it stay missing');
});

test('when a pack on its way fails, the touched page comes with its chunk', async () => {
  const { ram, map, lazy, fetched } = setup();
  lazy.expectPack([9], Promise.reject(new Error('gone')));
  await lazy.fill(9 * 4096);
  assert.deepEqual(fetched, [2]);
  assert.equal(ram[9 * 4096], 3);
  assert.equal(map.firstMissing(8 * 4096, CHUNK), -1);
});

test('a pack slot marked skipped (-1) is neither filled nor waited for: its page comes with its chunk', async () => {
  const { ram, map, lazy, fetched } = setup();
  // Slot 0 (a page that changed since the pack was made) is skipped; slot 1 is page 13.
  lazy.fillFromPack([-1, 13], new Uint8Array(2 * 4096).fill(7));
  assert.equal(ram[13 * 4096], 7);
  assert.equal(ram[0], 0, 'nothing written for the skipped slot');
  let deliver!: (bytes: Uint8Array) => void;
  lazy.expectPack([-1, 9], new Promise((resolve) => (deliver = resolve)));
  await lazy.fill(0);
  assert.deepEqual(fetched, [0], 'page 0 came with its chunk at once');
  assert.equal(ram[0], 1);
  deliver(new Uint8Array(2 * 4096).fill(8));
  await lazy.fill(9 * 4096);
  assert.equal(ram[9 * 4096], 8);
  assert.equal(map.firstMissing(0, 4096), -1);
});
