// The copy-on-write overlay: writes land in its pages, reads see them over the disk below, and a
// restore's written pages may arrive after the machine runs, each read or write of one waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryDisk } from '../../src/engine/disks/memory-disk.js';
import { OverlayDisk } from '../../src/engine/disks/overlay-disk.js';

const PAGE = 4096;

/** A disk below of 4 pages, page i filled with byte i + 1. */
function below(): MemoryDisk {
  const bytes = new Uint8Array(4 * PAGE);
  for (let i = 0; i < 4; i++) bytes.fill(i + 1, i * PAGE, (i + 1) * PAGE);
  return new MemoryDisk(bytes);
}

const page = (value: number) => new Uint8Array(PAGE).fill(value);

/** A promise settled from outside. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('a partial write keeps the rest of the page, and the disk below is never written', async () => {
  const disk = below();
  const overlay = new OverlayDisk(disk);
  await overlay.write(PAGE + 10, new Uint8Array([0xaa, 0xbb]));
  const read = await overlay.read(PAGE, 16);
  assert.deepEqual([...read.subarray(8, 14)], [2, 2, 0xaa, 0xbb, 2, 2]);
  assert.equal(disk.read(PAGE + 10, 1)[0], 2);
  assert.deepEqual([...overlay.writtenPages().keys()], [1]);
});

test('a page of a restore still on its way: a read waits for it and sees it', async () => {
  const overlay = new OverlayDisk(below());
  const coming = later<Uint8Array>();
  overlay.restorePagesLater(new Map([[2, coming.promise]]));
  let done = false;
  const reading = Promise.resolve(overlay.read(2 * PAGE - 2, 4)).then((bytes) => {
    done = true;
    return bytes;
  });
  // Pages that are not coming are read at once.
  assert.deepEqual([...(await overlay.read(0, 2))], [1, 1]);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(done, false, 'the read did not wait for the page');
  coming.resolve(page(9));
  assert.deepEqual([...(await reading)], [2, 2, 9, 9]);
  await overlay.arrived();
  assert.deepEqual([...overlay.writtenPages().keys()], [2]);
});

test('a write to a page on its way lands on top of it, not under it', async () => {
  const overlay = new OverlayDisk(below());
  const coming = later<Uint8Array>();
  overlay.restorePagesLater(new Map([[0, coming.promise]]));
  const writing = overlay.write(4, new Uint8Array([7]));
  coming.resolve(page(5));
  await writing;
  const bytes = await overlay.read(0, 6);
  assert.deepEqual([...bytes], [5, 5, 5, 5, 7, 5]);
});

test('a page that cannot be had fails its reads and arrived(), not the other pages', async () => {
  const overlay = new OverlayDisk(below());
  const coming = later<Uint8Array>();
  overlay.restorePagesLater(new Map([[1, coming.promise]]));
  coming.reject(new Error('gone'));
  await assert.rejects(Promise.resolve(overlay.read(PAGE, 8)), /gone/);
  await assert.rejects(overlay.arrived(), /gone/);
  assert.deepEqual([...(await overlay.read(3 * PAGE, 2))], [4, 4]);
});

test('pages that are not pages of the disk are refused', () => {
  const overlay = new OverlayDisk(below());
  assert.throws(
    () => overlay.restorePagesLater(new Map([[4, Promise.resolve(page(0))]])),
    /page 4/,
  );
  assert.throws(() => overlay.restorePages(new Map([[0, new Uint8Array(10)]])), /10 bytes/);
});
