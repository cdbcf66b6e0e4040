// `npm run bench:console`: how fast the guest's console carries output, headless (the engine in a
// worker thread, the shell on hvc0, nothing drawing it): the guest cats a 10 MB file held in its
// RAM (tmpfs) to the console, from the keystroke to the last byte. The same workload as
// bench:page's throughput line, so the two side by side say what the page adds. The median of
// BENCH_RUNS runs (default 3) and the spread. A benchmark: it prints figures.
import { loadBootImage } from '../../src/engine/node/images.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const guest = new GuestShell(await loadBootImage({}));
try {
  await guest.ready();
  await guest.exec('head -c 7600000 /dev/zero | base64 > /tmp/flood');
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    let bytes = 0;
    let tail = '';
    const decoder = new TextDecoder();
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const off = guest.thread.on((event) => {
        if (event.type !== 'output') return;
        bytes += event.data.length;
        tail = (tail + decoder.decode(event.data, { stream: true })).slice(-64);
        if (tail.includes('__done__\r')) {
          off();
          resolve();
        }
      });
      // The marker is split in the typed line, so that only the echo's output matches.
      guest.thread.send("cat /tmp/flood; echo '__do''ne__'\n");
    });
    const seconds = (performance.now() - started) / 1000;
    rates.push(bytes / 1e6 / seconds);
    console.log(`run ${run + 1}: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`);
  }
  rates.sort((a, b) => a - b);
  console.log(
    `console output, headless: median ${rates[Math.floor(runs / 2)].toFixed(2)} MB/s (min ${rates[0].toFixed(2)}, max ${rates[runs - 1].toFixed(2)})`,
  );
} finally {
  await guest.terminate();
}
