// BlobFetcher over real HTTP: no byte comes out unverified, failures that may pass are retried
// (past the HTTP cache) and the others are not, and no more than `concurrency` requests run at once.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BlobFetcher, type FetchFunction } from '../../src/engine/image/blob-fetcher.js';
import { zlibInflate } from '../../src/engine/node/zlib-inflate.js';
import {
  BlobServer,
  type BlobRef,
  gzip,
  rejectsWithImageError,
  sha256Hex,
} from './support/blob-server.js';

let server: BlobServer;
beforeEach(async () => {
  server = await BlobServer.start();
});
afterEach(() => server.close());

/** Random bytes that do not start like a gzip stream. */
function content(size: number): Uint8Array {
  const data = new Uint8Array(randomBytes(size));
  data[0] = 0;
  return data;
}

/** A blob served by `server`: its content, reference, URL and path. */
function blob(size = 10_000) {
  const data = content(size);
  const ref = server.putBlob(data);
  const path = `blobs/${ref.sha256}.gz`;
  return { data, ref, path, url: server.url(path) };
}

const fast = (options: ConstructorParameters<typeof BlobFetcher>[0] = {}) =>
  new BlobFetcher({ backoffMs: 1, ...options });

test('returns the verified content of a blob, in one request', async () => {
  const { data, ref, path, url } = blob();
  const fetcher = fast();
  const got = await fetcher.get(url, ref);
  assert.deepEqual(got, data);
  assert.equal(server.requests(path).length, 1);
  assert.deepEqual(fetcher.stats, { blobs: 1, bytes: gzip(data).length });
});

test('stats count the blobs verified and the compressed bytes received', async () => {
  const a = blob(5000);
  const b = blob(70_000);
  const fetcher = fast();
  await Promise.all([fetcher.get(a.url, a.ref), fetcher.get(b.url, b.ref)]);
  assert.deepEqual(fetcher.stats, {
    blobs: 2,
    bytes: gzip(a.data).length + gzip(b.data).length,
  });
});

test('a blob that does not hash to its name is refused after 1 + retries attempts, past the cache', async () => {
  const { data, ref, path, url } = blob();
  const corrupt = data.slice();
  corrupt[1234] ^= 0x40;
  server.fault(path, { body: gzip(corrupt) });
  const fetcher = fast({ retries: 2 });
  await rejectsWithImageError(
    fetcher.get(url, ref),
    'chunk-hash-mismatch',
    new RegExp(`${url.href}.*${sha256Hex(corrupt)}.*not ${ref.sha256}`),
  );
  const requests = server.requests(path);
  assert.equal(requests.length, 3);
  // cache: 'reload' is sent as Cache-Control: no-cache (Fetch, "HTTP-network-or-cache fetch").
  assert.equal(requests[0].headers['cache-control'], undefined);
  assert.equal(requests[1].headers['cache-control'], 'no-cache');
  assert.equal(requests[2].headers['cache-control'], 'no-cache');
  assert.equal(fetcher.stats.blobs, 0);
});

test('a corrupt copy is fetched again and the good one accepted', async () => {
  const { data, ref, path, url } = blob();
  const corrupt = data.slice();
  corrupt[0] ^= 1;
  server.fault(path, { body: gzip(corrupt) }, 1);
  assert.deepEqual(await fast().get(url, ref), data);
  assert.equal(server.requests(path).length, 2);
});

// The same inflation contract from the platform's DecompressionStream (the browser's) and from
// Node's zlib (the Node runner's).
for (const [inflater, inflate] of [
  ['DecompressionStream', undefined],
  ['zlib', zlibInflate],
] as const) {
  test(`${inflater}: a blob of exactly its size is accepted`, async () => {
    const { data, ref, url } = blob(4096);
    assert.deepEqual(await fast({ inflate }).get(url, ref), data);
  });

  test(`${inflater}: a blob that inflates past its size is refused as too large, without a retry`, async () => {
    const { data, ref, path, url } = blob(4096);
    server.fault(path, { body: gzip(new Uint8Array([...data, 0])) });
    await rejectsWithImageError(
      fast({ inflate }).get(url, ref),
      'chunk-too-large',
      /over 4096 bytes/,
    );
    assert.equal(server.requests(path).length, 1);
  });

  test(`${inflater}: a gzip stream that ends early is truncated, after 1 + retries attempts`, async () => {
    const { data, ref, path, url } = blob();
    const compressed = gzip(data);
    server.fault(path, { body: compressed.subarray(0, compressed.length - 100) });
    await rejectsWithImageError(
      fast({ retries: 1, inflate }).get(url, ref),
      'chunk-truncated',
      /not a complete gzip stream/,
    );
    assert.equal(server.requests(path).length, 2);
  });

  test(`${inflater}: a complete gzip stream of fewer bytes than the blob is truncated`, async () => {
    const { data, ref, path, url } = blob(10_000);
    server.fault(path, { body: gzip(data.subarray(0, 9_000)) });
    await rejectsWithImageError(
      fast({ retries: 0, inflate }).get(url, ref),
      'chunk-truncated',
      /holds 9000 bytes, 10000 expected/,
    );
  });
}

test('a download that breaks off is truncated, and retried', async () => {
  const broken = blob(50_000);
  server.fault(broken.path, { cut: true });
  await rejectsWithImageError(
    fast({ retries: 1 }).get(broken.url, broken.ref),
    'chunk-truncated',
    /broke off/,
  );
  assert.equal(server.requests(broken.path).length, 2);

  const flaky = blob(50_000);
  server.fault(flaky.path, { cut: true }, 1);
  assert.deepEqual(await fast().get(flaky.url, flaky.ref), flaky.data);
  assert.equal(server.requests(flaky.path).length, 2);
});

test('a missing blob is chunk-not-found at once, without retries', async () => {
  const { ref, path, url } = blob();
  server.fault(path, { status: 404 });
  await rejectsWithImageError(
    fast({ retries: 3 }).get(url, ref),
    'chunk-not-found',
    new RegExp(`${url.href} does not exist \\(HTTP 404\\)`),
  );
  assert.equal(server.requests(path).length, 1);

  const gone = blob();
  server.fault(gone.path, { status: 410 });
  await rejectsWithImageError(fast().get(gone.url, gone.ref), 'chunk-not-found', /HTTP 410/);
  assert.equal(server.requests(gone.path).length, 1);
});

test('a server error that passes is retried: 500, 500, then 200 succeeds in 3 requests', async () => {
  const { data, ref, path, url } = blob();
  server.fault(path, { status: 500 }, 2);
  const fetcher = fast({ retries: 3 });
  assert.deepEqual(await fetcher.get(url, ref), data);
  assert.equal(server.requests(path).length, 3);
  assert.deepEqual(fetcher.stats, { blobs: 1, bytes: gzip(data).length });
});

test('a server error that stays is server-error after 1 + retries requests', async () => {
  const { ref, path, url } = blob();
  server.fault(path, { status: 500 });
  await rejectsWithImageError(fast({ retries: 3 }).get(url, ref), 'server-error', /HTTP 500/);
  assert.equal(server.requests(path).length, 4);

  const forbidden = blob();
  server.fault(forbidden.path, { status: 403 });
  await rejectsWithImageError(
    fast({ retries: 0 }).get(forbidden.url, forbidden.ref),
    'server-error',
    /HTTP 403/,
  );
  assert.equal(server.requests(forbidden.path).length, 1);
});

test('retries wait longer each time', async () => {
  const { ref, path, url } = blob();
  server.fault(path, { status: 503 });
  await rejectsWithImageError(
    new BlobFetcher({ retries: 2, backoffMs: 30 }).get(url, ref),
    'server-error',
  );
  const [a, b, c] = server.requests(path).map((r) => r.time);
  // 30 ms, then 60 ms (a little slack: timers round to the millisecond).
  assert.ok(b - a >= 28, `first wait ${b - a} ms`);
  assert.ok(c - b >= 58, `second wait ${c - b} ms`);
});

test('a server that cannot be reached is network-error', async () => {
  const { ref, url } = blob();
  await server.close();
  await rejectsWithImageError(
    fast({ retries: 1 }).get(url, ref),
    'network-error',
    new RegExp(`${url.href} could not be fetched`),
  );
  server = await BlobServer.start(); // for afterEach
});

test('a blob the server sent already decoded is accepted', async () => {
  // Plain bytes, as from a server that gunzipped it.
  const plain = blob();
  server.put(plain.path, plain.data);
  assert.deepEqual(await fast().get(plain.url, plain.ref), plain.data);

  // Content-Encoding: gzip, which fetch decodes on the way.
  const encoded = blob();
  server.fault(encoded.path, { headers: { 'Content-Encoding': 'gzip' } });
  assert.deepEqual(await fast().get(encoded.url, encoded.ref), encoded.data);

  // Decoded but wrong is still refused.
  const wrong = blob();
  const other = content(wrong.data.length);
  server.put(wrong.path, other);
  await rejectsWithImageError(
    fast({ retries: 0 }).get(wrong.url, wrong.ref),
    'chunk-hash-mismatch',
  );
});

test('no more than `concurrency` requests run at once', async () => {
  const blobs = Array.from({ length: 12 }, () => blob(2000));
  for (const b of blobs) server.fault(b.path, { delayMs: 25 });
  const fetcher = fast({ concurrency: 3 });
  const got = await Promise.all(blobs.map((b) => fetcher.get(b.url, b.ref)));
  got.forEach((data, i) => assert.deepEqual(data, blobs[i].data));
  assert.equal(server.mostInFlight, 3);
  assert.equal(server.log.length, 12);
  assert.equal(fetcher.stats.blobs, 12);
});

test('retries queue for a slot like any request', async () => {
  const blobs = Array.from({ length: 6 }, () => blob(2000));
  for (const b of blobs) {
    server.fault(b.path, { status: 500, delayMs: 10 }, 1);
    server.fault(b.path, { delayMs: 10 });
  }
  const fetcher = fast({ concurrency: 2 });
  const got = await Promise.all(blobs.map((b) => fetcher.get(b.url, b.ref)));
  got.forEach((data, i) => assert.deepEqual(data, blobs[i].data));
  assert.equal(server.mostInFlight, 2);
  assert.equal(server.log.length, 12);
});

test('concurrent gets of one blob share one request', async () => {
  const { data, ref, path, url } = blob();
  server.fault(path, { delayMs: 20 });
  const fetcher = fast();
  const got = await Promise.all([1, 2, 3, 4].map(() => fetcher.get(url, ref)));
  for (const g of got) assert.deepEqual(g, data);
  assert.equal(server.requests(path).length, 1);
  assert.equal(fetcher.stats.blobs, 1);
});

test('a failed get is not remembered: a later get fetches again', async () => {
  const { data, ref, path, url } = blob();
  server.fault(path, { status: 404 }, 1);
  const fetcher = fast();
  await rejectsWithImageError(fetcher.get(url, ref), 'chunk-not-found');
  assert.deepEqual(await fetcher.get(url, ref), data);
  assert.equal(server.requests(path).length, 2);
});

test('a slot freed by a fetch goes to a waiting fetch, not to a newcomer', async () => {
  // Stubbed fetch, so that the test controls when a body arrives, and can call get() on every
  // microtask after that: none of those calls may start a fetch while the waiting one runs.
  let inFlight = 0;
  let most = 0;
  const bodies = new Map<string, () => void>();
  let finished = false;
  const stub: FetchFunction = async (url) => {
    // Once the test has seen what it needs, the fetches left answer at once (and fail), so that
    // none waits out its timeout.
    if (finished) return new Response(new Uint8Array(1));
    inFlight++;
    most = Math.max(most, inFlight);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) =>
        void bodies.set(url.pathname, () => {
          inFlight--;
          controller.enqueue(new Uint8Array(1));
          controller.close();
        }),
    });
    return new Response(body);
  };
  const fetcher = new BlobFetcher({ fetch: stub, concurrency: 1, retries: 0 });
  const ref = (i: number): BlobRef => ({ size: 2, sha256: String(i).padStart(64, '0') });
  const get = (i: number) => fetcher.get(new URL(`http://blobs/${i}`), ref(i)).catch(() => {});
  const first = get(0);
  void get(1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual([...bodies.keys()], ['/0']);
  // The body of 0 arrives (one byte, too short: the fetch fails); meanwhile newcomers arrive.
  bodies.get('/0')!();
  let tick = Promise.resolve();
  for (let i = 2; i < 50; i++) tick = tick.then(() => void get(i));
  await tick;
  await first;
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(most, 1);
  assert.deepEqual([...bodies.keys()], ['/0', '/1']);
  finished = true;
  bodies.get('/1')!();
});

test('a blob whose server never answers, or stops sending, is network-timeout after its retries', async () => {
  const timeouts = { firstByteMs: 100, idleMs: 100 };
  for (const answer of ['stall', 'stall-body'] as const) {
    const { ref, path, url } = blob(50_000);
    server.fault(path, { answer });
    const started = performance.now();
    await rejectsWithImageError(
      fast({ retries: 1, timeouts }).get(url, ref),
      'network-timeout',
      answer === 'stall' ? /sent no response for 0.1 s/ : /sent no data for 0.1 s/,
    );
    assert.ok(performance.now() - started < 1000, `${answer}: too slow`);
    assert.equal(server.requests(path).length, 2);
  }
});

test('a slow blob that keeps sending is not timed out', async () => {
  const { data, ref, path, url } = blob(20_000);
  server.fault(path, { answer: 'slow' });
  assert.deepEqual(await fast({ timeouts: { firstByteMs: 200, idleMs: 200 } }).get(url, ref), data);
});

test('an urgent get goes before queued ones, even one queued earlier as a prefetch', async () => {
  const blobs = Array.from({ length: 8 }, () => blob(2000));
  for (const b of blobs) server.fault(b.path, { delayMs: 20 });
  const fetcher = fast({ concurrency: 1 });
  // Prefetches: the first takes the only slot, the others queue in order.
  const prefetches = blobs.map((b) => fetcher.get(b.url, b.ref));
  // The guest now waits for the last one (queued as a prefetch) and for a new one.
  const waited = fetcher.get(blobs[7].url, blobs[7].ref, { urgent: true });
  const extra = blob(2000);
  const fresh = fetcher.get(extra.url, extra.ref, { urgent: true });
  await Promise.all([...prefetches, waited, fresh]);
  const order = server.log.map((entry) => entry.path);
  assert.equal(order[0], blobs[0].path, 'the running prefetch goes on');
  // Both urgent ones before every prefetch still queued; the last one asked first.
  assert.deepEqual(order.slice(1, 3), [extra.path, blobs[7].path]);
  assert.equal(order.length, 9);
});
