// `npm run bench:page`: the element in headless Chromium (Debian's), on the built bundle served
// like any static site. Prints, for busybox and (where built) Debian: time from the element
// connected to a prompt that accepts input, restoring the image's snapshot with nothing cached,
// then cold boots and snapshot restores in turn with the HTTP cache warm (medians, spread, the
// ratio), with Debian's first `python3 -c pass`; a `persist` session's save and its resume after a
// reload; twelve terminals at once; the main thread's
// longest tasks while the guest prints about 10 MB; idle CPU; the bundle sizes it loaded.
// A benchmark: it prints figures and asserts nothing.
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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

interface Start {
  ms: number;
  restored: boolean;
  requests: number;
  bytes: number;
  /** Debian: a first `python3 -c pass` after the prompt, in ms. */
  python?: number;
}

/**
 * Appends a terminal and waits for its prompt (the element's `ready`: the prompt accepts input):
 * the time from the element's connection, whether it restored a snapshot, and the image blobs the
 * server sent meanwhile.
 */
async function start(image: string, boot: 'snapshot' | 'cold', python = false): Promise<Start> {
  const before = { ...served };
  const { ms, restored, pythonMs } = await page.evaluate(
    async (image, boot, python) => {
      const el = document.createElement('linux-terminal') as HTMLElement & {
        autorun: boolean;
        image: string;
        boot: string;
        ready: Promise<void>;
        exec(c: string): Promise<{ exitCode: number }>;
        send(text: string): void;
      };
      el.autorun = true;
      el.image = image;
      el.boot = boot;
      let restored = false;
      el.addEventListener('linux-terminal-ready', (e) => {
        restored = (e as CustomEvent<{ restored: boolean }>).detail.restored;
      });
      const started = performance.now();
      document.body.append(el);
      await el.ready;
      const ms = performance.now() - started;
      let pythonMs: number | undefined;
      if (python) {
        const t = performance.now();
        const { exitCode } = await el.exec('python3 -c pass');
        if (exitCode !== 0) throw new Error(`python3 -c pass exited ${exitCode}`);
        pythonMs = performance.now() - t;
      }
      el.remove();
      return { ms, restored, pythonMs };
    },
    image,
    boot,
    python,
  );
  return {
    ms,
    restored,
    requests: served.requests - before.requests,
    bytes: served.bytes - before.bytes,
    python: pythonMs,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]) =>
  `${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

// For each image: a first restore with nothing cached (every blob over HTTP from localhost),
// then cold boots and restores in turn with the browser's HTTP cache warm, in the same run.
const images = [
  ['busybox', '/src/images/busybox/dist/manifest.json'],
  ['debian', '/src/images/debian/dist/manifest.json'],
] as const;
for (const [name, url] of images) {
  if (!existsSync(url.slice(1))) {
    console.log(`${name}: not built, skipped`);
    continue;
  }
  const python = name === 'debian';
  const first = await start(url, 'snapshot', python);
  console.log(
    `${name}, snapshot, nothing cached: prompt ${first.ms.toFixed(0)} ms (${first.restored ? 'restored' : 'NOT restored'}; ${first.requests} blob requests, ${kib(first.bytes)} sent)${python ? `; python3 -c pass ${first.python!.toFixed(0)} ms` : ''}`,
  );
  const cold: Start[] = [];
  const restored: Start[] = [];
  for (let i = 0; i < runs; i++) {
    cold.push(await start(url, 'cold', python));
    restored.push(await start(url, 'snapshot', python));
  }
  const c = median(cold.map((f) => f.ms));
  const r = median(restored.map((f) => f.ms));
  console.log(`${name}, HTTP cache warm, ${runs} runs each, connected → prompt, median (min–max):`);
  console.log(`  cold boot         ${spread(cold.map((f) => f.ms))}`);
  console.log(
    `  snapshot restore  ${spread(restored.map((f) => f.ms))}${restored.every((f) => f.restored) ? '' : ' (SOME DID NOT RESTORE)'}`,
  );
  console.log(`  restore / cold    ${(r / c).toFixed(2)}x`);
  if (python)
    console.log(
      `  python3 -c pass after the prompt: cold ${spread(cold.map((f) => f.python!))}, restore ${spread(restored.map((f) => f.python!))}`,
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
// `persist` (busybox): a session writes 1 MB to its disk and syncs; the whole machine's save that
// follows (its duration, what the session then takes in storage); then a line typed and the page
// hidden (a `pagehide` event, which the element answers by storing the session at once): the time
// from the event to the machine stored; the page reloaded, and the time from the element's
// connection to the resumed prompt, against the image's own restore measured above. Real reloads
// of the page, real OPFS.
async function persistedStart(key: string, write?: string) {
  return page.evaluate(
    async (key, write) => {
      type Saved = { machine: boolean; bytes: number; ms: number; kind: string };
      const el = document.createElement('linux-terminal') as HTMLElement & {
        autorun: boolean;
        image: string;
        persist: string;
        ready: Promise<void>;
        exec(c: string): Promise<{ exitCode: number }>;
        send(text: string): void;
      };
      el.autorun = true;
      el.image = 'busybox';
      el.persist = key;
      let resumed = false;
      el.addEventListener('linux-terminal-ready', (e) => {
        resumed = (e as CustomEvent<{ resumed: boolean }>).detail.resumed;
      });
      const saves: (Saved & { at: number })[] = [];
      el.addEventListener('linux-terminal-storage', (e) =>
        saves.push({ ...(e as CustomEvent<Saved>).detail, at: performance.now() }),
      );
      const started = performance.now();
      document.body.append(el);
      await el.ready;
      const ms = performance.now() - started;
      let saved: Saved | undefined;
      let hiddenMs: number | undefined;
      if (write) {
        if ((await el.exec(write)).exitCode !== 0) throw new Error(`${write} failed`);
        // (Loops written out: a named function here would be wrapped by tsx in a helper the
        // page does not have.)
        let deadline = performance.now() + 30_000;
        while (!(saved = saves.find((s) => s.machine)) && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));
        el.send('X=typed-before-hide\r');
        await new Promise((resolve) => setTimeout(resolve, 100));
        const from = saves.length;
        const hidden = performance.now();
        window.dispatchEvent(new PageTransitionEvent('pagehide'));
        let stored: (Saved & { at: number }) | undefined;
        deadline = performance.now() + 30_000;
        while (!(stored = saves.slice(from).find((s) => s.machine)) && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));
        hiddenMs = stored && stored.at - hidden;
      }
      return { ms, resumed, saved, hiddenMs };
    },
    key,
    write,
  );
}
{
  const resumes: number[] = [];
  const saves: number[] = [];
  const hides: number[] = [];
  let bytes = 0;
  let kind = '';
  for (let i = 0; i < runs; i++) {
    const key = `bench-persist-${i}-${Date.now()}`;
    const first = await persistedStart(key, 'head -c 1000000 /dev/urandom > /root/mb && sync');
    if (!first.saved) throw new Error('persist: the machine was not saved within 30 s');
    saves.push(first.saved.ms);
    if (first.hiddenMs === undefined) throw new Error('persist: nothing stored after pagehide');
    hides.push(first.hiddenMs);
    bytes = first.saved.bytes;
    kind = first.saved.kind;
    await page.reload({ waitUntil: 'load' });
    const again = await persistedStart(key);
    if (!again.resumed) throw new Error('persist: the session was not resumed after the reload');
    resumes.push(again.ms);
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('linux-terminal', { recursive: true });
    });
    await page.reload({ waitUntil: 'load' });
  }
  console.log(`persist (busybox, ${kind}), ${runs} runs, median (min–max):`);
  console.log(`  saving the machine after writing 1 MB and sync  ${spread(saves)}`);
  console.log(`  the session then takes                          ${kib(bytes)} (last run)`);
  console.log(`  page hidden (pagehide) → machine stored         ${spread(hides)}`);
  console.log(`  reload → resumed prompt                         ${spread(resumes)}`);
}

await browser.close();
await server.stop();
