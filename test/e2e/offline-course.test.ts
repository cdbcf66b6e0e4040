// The offline course (demo/course/) in real Chromium, on the built bundle (`npm run build` first):
// a first visit registers the service worker and keeps the image; with the site's server gone, the
// lesson reloads, boots and runs a command. Also: two images that share blobs store them once, and
// a full disk is reported as `quota-exceeded`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'puppeteer-core';
import { type ImageManifest, allBlobs } from '../../src/engine/image/manifest.js';
import type { PrecacheResult } from '../../src/offline/precache.js';
import type { LinuxTerminalErrorDetail } from '../../src/components/linux-terminal/linux-terminal.js';
import { startStaticServer } from './support/static-server.js';
import { withBrowser } from './support/browser.js';
import { startFaultServer } from '../support/fault-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BLOB_CACHE = 'linux-terminal-blobs';
let scratch: string;
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const goodContent = 'a line of a blob\n'.repeat(200);
/** A blob whose content is its name, and one whose content is not. */
const goodBlob = `/scratch/blobs/${sha256(goodContent)}.gz`;
const badBlob = `/scratch/blobs/${sha256('what the name promises')}.gz`;

before(async () => {
  if (!existsSync(join(root, 'dist/service-worker.js')))
    throw new Error('dist/ is missing or incomplete: run `npm run build` first');
  scratch = await mkdtemp(join(tmpdir(), 'linux-terminal-e2e-'));
  // A page with the element and no service worker, for the tests that precache by hand.
  await writeFile(
    join(scratch, 'plain.html'),
    `<!doctype html><meta charset="utf-8"><script type="module" src="/dist/linux-terminal.js"></script>
     <linux-terminal></linux-terminal>`,
  );
  await mkdir(join(scratch, 'blobs'));
  await writeFile(join(scratch, goodBlob.slice('/scratch/'.length)), gzipSync(goodContent));
  await writeFile(join(scratch, badBlob.slice('/scratch/'.length)), gzipSync('something else'));
});

after(() => rm(scratch, { recursive: true, force: true }));

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 1100 });
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[page] ${m.text()}`));
  // tsx compiles this file keeping function names, with calls to its `__name` helper that the
  // functions passed to page.evaluate take into the page: give the page one.
  await page.evaluateOnNewDocument('globalThis.__name = (fn) => fn');
  // What the course's status line said, from the start.
  await page.evaluateOnNewDocument(() => {
    const said: string[] = ((globalThis as { statusLines?: string[] }).statusLines = []);
    new MutationObserver(() => {
      const text = document.querySelector('.offline-status')?.textContent?.trim();
      if (text && text !== said.at(-1)) said.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** How many entries the blob cache holds. */
const blobCount = (page: Page) =>
  page.evaluate(async (name) => (await (await caches.open(name)).keys()).length, BLOB_CACHE);

const BUNDLE = '/dist/linux-terminal.js';

/** The URL of the built-in image's manifest, as the bundle resolves it. */
const builtInManifest = (page: Page) =>
  page.evaluate(async (bundle) => {
    const { builtInImages } = await import(bundle);
    return (builtInImages.busybox as URL).href;
  }, BUNDLE);

/** The bundle's precache() of the image at `manifestUrl`, in the page. */
const precacheIn = (page: Page, manifestUrl: string) =>
  page.evaluate(
    async (bundle, url) => {
      const { precache } = await import(bundle);
      return (await precache(url)) as PrecacheResult;
    },
    BUNDLE,
    manifestUrl,
  );

test(
  'a lesson visited once boots and runs commands after its server is gone',
  { timeout: 240_000 },
  async () => {
    const server = await startStaticServer(root);
    let stopped = false;
    try {
      await withBrowser(async (browser) => {
        const page = await openPage(browser, `${server.origin}/demo/course/lesson-1.html`);
        await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 60_000 });
        await page.waitForFunction(
          () => (document.querySelector('.offline-status') as HTMLElement).dataset.state === 'done',
          { timeout: 120_000 },
        );
        const said = await page.evaluate(
          () => (globalThis as { statusLines?: string[] }).statusLines!,
        );
        assert.equal(said.at(-1), 'Available offline ✓');
        assert.ok(
          said.some((line) => /^Caching \d+ of \d+…$/.test(line)),
          `the status line counted blobs: ${said.join(' | ')}`,
        );
        const manifestUrl = await builtInManifest(page);
        const manifest = (await page.evaluate(
          async (url) => (await fetch(url)).json(),
          manifestUrl,
        )) as ImageManifest;
        assert.equal(
          await blobCount(page),
          allBlobs(manifest).length,
          'every blob of the image is stored',
        );

        await server.stop();
        stopped = true;
        // How the lesson's machine comes up: from the image's snapshot, whose blobs the bundle
        // and the offline store hold like the others.
        await page.evaluateOnNewDocument(() =>
          document.addEventListener('linux-terminal-ready', (e) => {
            (globalThis as { readyDetail?: unknown }).readyDetail = (e as CustomEvent).detail;
          }),
        );
        await page.reload({ waitUntil: 'load' });
        assert.equal(await page.title(), 'Lesson 1: Files and directories · Shell basics');
        const result = await page.evaluate(async () => {
          const el = document.querySelector('linux-terminal')!;
          await el.ready;
          return el.exec('cat /root/welcome.txt && echo $((6 * 7))', { timeout: 60_000 });
        });
        assert.equal(result.exitCode, 0);
        assert.match(result.output, /^Welcome! You read this file with cat\.\n/);
        assert.match(result.output, /\n42\n$/);
        assert.deepEqual(
          await page.evaluate(() => (globalThis as { readyDetail?: unknown }).readyDetail),
          { restored: true, resumed: false },
          'offline, the lesson restored the image snapshot',
        );
        // Offline, the element checks the stored image again: all there.
        await page.waitForFunction(
          () => (document.querySelector('.offline-status') as HTMLElement).dataset.state === 'done',
          { timeout: 60_000 },
        );
        // What a reader sees: type into the shell.
        await page.evaluate(async () => {
          const el = document.querySelector('linux-terminal')!;
          const shown = new Promise((resolve) =>
            el.addEventListener('linux-terminal-output', (e) => {
              if (e.detail.data.includes('Next: make a directory')) resolve(undefined);
            }),
          );
          el.send('cat welcome.txt\r');
          await shown;
          await new Promise((resolve) => setTimeout(resolve, 300)); // drawn on the next frames
        });
        await page.screenshot({ path: '/tmp/offline-course-lesson-1.png', fullPage: true });
      });
    } finally {
      if (!stopped) await server.stop();
    }
  },
);

test('two images that share blobs store them once', { timeout: 120_000 }, async () => {
  const server = await startStaticServer(root, { '/scratch/': scratch });
  try {
    await withBrowser(async (browser) => {
      const page = await openPage(browser, `${server.origin}/scratch/plain.html`);
      const firstUrl = await builtInManifest(page);
      const first = (await page.evaluate(
        async (url) => (await fetch(url)).json(),
        firstUrl,
      )) as ImageManifest;
      // Another image: its own manifest elsewhere, its blobs those of the first.
      const second: ImageManifest = {
        ...first,
        name: 'busybox-verbose',
        cmdline: `${first.cmdline} loglevel=7`,
        blobs: new URL(first.blobs, firstUrl).pathname,
      };
      await writeFile(join(scratch, 'manifest.json'), JSON.stringify(second));

      const a = await precacheIn(page, firstUrl);
      assert.equal(a.fetched, a.total);
      assert.equal(a.loaded, a.total);
      assert.equal(await blobCount(page), a.total);
      const blobRequests = () => server.requests.filter((p) => /[0-9a-f]{64}\.gz$/.test(p));
      const before = blobRequests().length;
      const b = await precacheIn(page, `${server.origin}/scratch/manifest.json`);
      assert.equal(b.total, a.total);
      assert.equal(b.fetched, 0, 'nothing fetched for the second image');
      assert.equal(blobRequests().length, before, 'no blob requested again');
      assert.equal(await blobCount(page), a.total, 'each blob stored once');
    });
  } finally {
    await server.stop();
  }
});

test('a full disk is reported as quota-exceeded', { timeout: 120_000 }, async () => {
  const server = await startStaticServer(root, { '/scratch/': scratch });
  try {
    await withBrowser(async (browser) => {
      const page = await openPage(browser, `${server.origin}/scratch/plain.html`);
      const cdp = await page.createCDPSession();
      await cdp.send('Storage.overrideQuotaForOrigin', {
        origin: server.origin,
        quotaSize: 64 * 1024,
      });
      const { event, rejection } = await page.evaluate(async () => {
        const el = document.querySelector('linux-terminal')!;
        const event = new Promise<LinuxTerminalErrorDetail>((resolve) =>
          el.addEventListener('linux-terminal-error', (e) => resolve(e.detail), { once: true }),
        );
        const rejection = await el.precache().then(
          () => undefined,
          (error: Error & { code?: string }) => ({ code: error.code, name: error.name }),
        );
        return { event: await event, rejection };
      });
      assert.equal(event.code, 'quota-exceeded');
      assert.equal(event.fatal, false);
      assert.match(event.message, /no room left/);
      assert.deepEqual(rejection, { code: 'quota-exceeded', name: 'ImageError' });
    });
  } finally {
    await server.stop();
  }
});

test(
  'the service worker stores only blobs whose content is their name, and cuts ranges from whole ones',
  { timeout: 120_000 },
  async () => {
    const server = await startStaticServer(root, { '/scratch/': scratch });
    try {
      await withBrowser(async (browser) => {
        const page = await openPage(browser, `${server.origin}/demo/course/`);
        await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 60_000 });
        const seen = await page.evaluate(
          async (good, bad, cacheName) => {
            const range = async (url: string) => {
              const response = await fetch(url, { headers: { Range: 'bytes=0-9' } });
              return {
                status: response.status,
                length: (await response.arrayBuffer()).byteLength,
                contentRange: response.headers.get('Content-Range'),
              };
            };
            const badStatus = (await fetch(bad)).status;
            const miss = await range(good);
            const cache = await caches.open(cacheName);
            const deadline = performance.now() + 10_000;
            while (!(await cache.match(good)) && performance.now() < deadline)
              await new Promise((resolve) => setTimeout(resolve, 50));
            const hit = await range(good);
            const stored = (await cache.keys()).map((request) => new URL(request.url).pathname);
            const whole = (await (await cache.match(good))?.arrayBuffer())?.byteLength;
            return { badStatus, miss, hit, stored, whole };
          },
          goodBlob,
          badBlob,
          BLOB_CACHE,
        );
        assert.equal(seen.badStatus, 200, 'the bad blob reaches the page, which refuses it');
        assert.deepEqual(seen.stored, [goodBlob], 'only the good blob is stored');
        assert.equal(seen.whole, gzipSync(goodContent).length, 'stored whole');
        for (const answer of [seen.miss, seen.hit]) {
          assert.equal(answer.status, 206);
          assert.equal(answer.length, 10);
          assert.match(answer.contentRange ?? '', /^bytes 0-9\//);
        }
        assert.deepEqual(server.ranges, [], 'no Range header reached the server');
      });
    } finally {
      await server.stop();
    }
  },
);

test(
  'the service worker stores a manifest only when it is one, not an HTML page served with 200',
  { timeout: 120_000 },
  async () => {
    const server = await startStaticServer(root);
    // Another origin (CORS allowed) serving the built image, and its manifest as an HTML page.
    const images = await startFaultServer(join(root, 'src/images/busybox/dist'));
    try {
      await withBrowser(async (browser) => {
        const page = await openPage(browser, `${server.origin}/demo/course/`);
        await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 60_000 });
        const html = `${images.origin}__faults/html:manifest.json/html/manifest.json`;
        const real = `${images.origin}manifest.json`;
        const seen = await page.evaluate(
          async (urls) => {
            const answers = [];
            for (const url of urls) {
              const response = await fetch(url, { cache: 'no-cache' });
              answers.push({ status: response.status, type: response.headers.get('content-type') });
            }
            // cacheWillUpdate runs before the page has the response: give it a moment to store.
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const stored = [];
            for (const name of await caches.keys())
              for (const request of await (await caches.open(name)).keys())
                if (request.url.endsWith('manifest.json')) stored.push(request.url);
            return { answers, stored };
          },
          [html, real],
        );
        assert.equal(
          seen.answers[0].status,
          200,
          'the HTML page reaches the page, which refuses it',
        );
        assert.match(seen.answers[0].type ?? '', /text\/html/);
        assert.deepEqual(seen.stored, [real], 'only the real manifest is stored');
      });
    } finally {
      await images.close();
      await server.stop();
    }
  },
);
