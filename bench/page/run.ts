// `npm run bench:page`: the element in headless Chromium (Debian's), on the built bundle served
// like any static site. Prints: time from the element connected to the shell prompt, with the
// image blobs the server sent for it (the first boot cold, the next ones from the browser's HTTP
// cache, revalidated), and the same for the debian image with a first Python run where it is
// built; the
// main thread's longest tasks while the guest prints about 10 MB; the bundle sizes it loaded.
// A benchmark: it prints figures and asserts nothing.
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { allBlobs, parseManifest } from '../../src/engine/image/manifest.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
/** Image blobs the server answered, and the bytes of those sent with a body (200). */
const served = { requests: 0, bytes: 0 };
const server = await startDevServer({
  config: {
    rootDir: '.',
    port: 0,
    hostname: '127.0.0.1',
    nodeResolve: false,
    middleware: [
      async (context, next) => {
        await next();
        if (!context.path.includes('/blobs/')) return;
        served.requests++;
        if (context.status === 200) served.bytes += Number(context.response.length ?? 0);
      },
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const port = (server.server!.address() as { port: number }).port;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

const page = await browser.newPage();
await page.setViewport({ width: 1000, height: 700 });
await page.goto(`http://127.0.0.1:${port}/demo/bench.html`, { waitUntil: 'load' });

const boots: number[] = [];
for (let i = 0; i < runs; i++) {
  const before = { ...served };
  boots.push(
    await page.evaluate(async () => {
      const el = document.createElement('linux-terminal') as HTMLElement & {
        autorun: boolean;
        ready: Promise<void>;
      };
      el.autorun = true;
      const started = performance.now();
      document.body.append(el);
      await el.ready;
      const ms = performance.now() - started;
      el.remove();
      return ms;
    }),
  );
  console.log(
    `boot ${i + 1} (${i === 0 ? 'cold' : 'HTTP cache'}): ${boots[i].toFixed(0)} ms to the prompt; ${served.requests - before.requests} blob requests, ${((served.bytes - before.bytes) / 1024).toFixed(1)} KiB of blobs sent`,
  );
}
boots.sort((a, b) => a - b);
console.log(
  `connected → prompt: median ${boots[Math.floor(runs / 2)].toFixed(0)} ms (runs: ${boots.map((b) => b.toFixed(0)).join(', ')} ms)`,
);

// The debian image, where it has been built (npm run images:build -- debian): the prompt, then
// a first `python3 -c pass`, with the blobs each needed, against what the image stores.
const debianManifest = 'src/images/debian/dist/manifest.json';
if (existsSync(debianManifest)) {
  const stored = allBlobs(
    parseManifest(readFileSync(debianManifest, 'utf8'), debianManifest),
  ).reduce((sum, blob) => sum + statSync(`src/images/debian/dist/blobs/${blob.sha256}.gz`).size, 0);
  const start = { ...served };
  const prompt = await page.evaluate(async (url) => {
    const el = document.createElement('linux-terminal') as HTMLElement & {
      autorun: boolean;
      image: string;
      ready: Promise<void>;
    };
    el.id = 'debian';
    el.image = url;
    el.autorun = true;
    const started = performance.now();
    document.body.append(el);
    await el.ready;
    return performance.now() - started;
  }, `/${debianManifest}`);
  const atPrompt = { ...served };
  const python = await page.evaluate(async () => {
    const el = document.getElementById('debian') as HTMLElement & {
      exec(c: string): Promise<{ exitCode: number }>;
    };
    const started = performance.now();
    const { exitCode } = await el.exec('python3 -c pass');
    const ms = performance.now() - started;
    el.remove();
    if (exitCode !== 0) throw new Error(`python3 -c pass exited ${exitCode}`);
    return ms;
  });
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const share = (bytes: number) => `${((100 * bytes) / stored).toFixed(1)}%`;
  console.log(
    `debian, cold: prompt ${prompt.toFixed(0)} ms (${atPrompt.requests - start.requests} blobs, ${kib(atPrompt.bytes - start.bytes)} = ${share(atPrompt.bytes - start.bytes)} of ${kib(stored)} stored); ` +
      `then python3 -c pass ${python.toFixed(0)} ms (${served.requests - atPrompt.requests} more blobs; ${kib(served.bytes - start.bytes)} = ${share(served.bytes - start.bytes)} in all)`,
  );
}

// Twelve terminals appended at once (a page of examples): the main thread's long tasks (over
// 50 ms, the Long Tasks API) from the append until every prompt, and how long the append took.
const many = await page.evaluate(async () => {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => longTasks.push(e.duration)),
  );
  observer.observe({ type: 'longtask', buffered: false });
  const started = performance.now();
  const els = Array.from({ length: 12 }, () => {
    const el = document.createElement('linux-terminal') as HTMLElement & {
      autorun: boolean;
      ready: Promise<void>;
    };
    el.autorun = true;
    document.body.append(el);
    return el;
  });
  const append = performance.now() - started;
  await Promise.all(els.map((el) => el.ready));
  const ready = performance.now() - started;
  await new Promise((r) => setTimeout(r, 200));
  observer.disconnect();
  els.forEach((el) => el.remove());
  return { append, ready, longTasks };
});
console.log(
  `12 terminals: append ${many.append.toFixed(0)} ms, all prompts ${(many.ready / 1000).toFixed(1)} s; main-thread long tasks: ${many.longTasks.length}, longest ${Math.max(0, ...many.longTasks).toFixed(0)} ms`,
);

// Output throughput: the guest prints a 10 MB file held in its RAM (tmpfs), so that the figure
// is the console's path (guest tty, virtio console, Worker, element, xterm.js), not the cost of
// making the data; the same `cat` with its output thrown away in the guest is its floor.
const flood = await page.evaluate(async () => {
  const el = document.createElement('linux-terminal') as HTMLElement & {
    autorun: boolean;
    ready: Promise<void>;
    send(t: string): void;
    exec(c: string): Promise<{ exitCode: number; output: string }>;
  };
  el.autorun = true;
  document.body.append(el);
  await el.ready;
  await el.exec('head -c 7600000 /dev/zero | base64 > /tmp/flood; sync');
  const quiet = performance.now();
  await el.exec('cat /tmp/flood > /dev/null');
  const floor = (performance.now() - quiet) / 1000;
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => longTasks.push(e.duration)),
  );
  observer.observe({ type: 'longtask', buffered: false });
  let printed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let tail = '';
  el.addEventListener('linux-terminal-output', (e) => {
    const data = (e as CustomEvent<{ data: string }>).detail.data;
    printed += data.length;
    tail = (tail + data).slice(-64);
    if (tail.includes('__done__\r')) done();
  });
  const started = performance.now();
  el.send("cat /tmp/flood; echo '__done__'\r");
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  observer.disconnect();
  el.remove();
  return { printed, seconds, floor, longTasks };
});
const worst = Math.max(0, ...flood.longTasks);
console.log(
  `printing ${(flood.printed / 1e6).toFixed(1)} MB: ${flood.seconds.toFixed(1)} s = ${(flood.printed / 1e6 / flood.seconds).toFixed(2)} MB/s (the guest's own cat to /dev/null: ${flood.floor.toFixed(2)} s); main-thread long tasks: ${flood.longTasks.length}, longest ${worst.toFixed(0)} ms`,
);

// Host CPU while the guest idles at its prompt: every Chromium process, from /proc (Linux).
async function chromiumCpuSeconds(): Promise<number | undefined> {
  const root = browser.process()?.pid;
  if (!root || !existsSync('/proc')) return undefined;
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  let total = 0;
  const pids = spawnSync('pgrep', ['-P', String(root)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .concat(String(root));
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime
    } catch {
      // the process ended
    }
  }
  return total;
}
await page.evaluate(async () => {
  const el = document.createElement('linux-terminal') as HTMLElement & {
    autorun: boolean;
    ready: Promise<void>;
  };
  el.autorun = true;
  document.body.append(el);
  await el.ready;
  await new Promise((r) => setTimeout(r, 2000));
});
const cpuBefore = await chromiumCpuSeconds();
const idleStarted = performance.now();
await new Promise((r) => setTimeout(r, 10_000));
const cpuAfter = await chromiumCpuSeconds();
if (cpuBefore !== undefined && cpuAfter !== undefined) {
  const share = ((cpuAfter - cpuBefore) / ((performance.now() - idleStarted) / 1000)) * 100;
  console.log(
    `idle guest: Chromium used ${share.toFixed(2)}% of one core over 10 s (all its processes)`,
  );
}

const transferred = await page.evaluate(() =>
  performance
    .getEntriesByType('resource')
    .map((e) => e as PerformanceResourceTiming)
    .filter((e) => /\/dist\//.test(e.name))
    .map(
      (e) => `${e.name.replace(/^.*\/dist\//, '')} ${(e.encodedBodySize / 1024).toFixed(1)} KiB`,
    ),
);
console.log(
  `loaded from dist/ (as served, uncompressed here): ${[...new Set(transferred)].join('; ')}`,
);
await browser.close();
await server.stop();
