// `npm run bench:echo`: how long a keystroke takes to come back on the console while the guest
// is busy with code the translator has not seen yet (Python importing modules in a loop in the
// background, Debian image; busybox's shell loop when Debian is not built or BENCH_IMAGE says
// busybox), headless: the engine
// in its worker thread, the time from sending one character to its echo. With the translator
// and with it off, each side a fresh machine; medians and maxima over the keystrokes, and the
// units compiled meanwhile. A benchmark: it prints figures (the bound: 50 ms).
import { existsSync } from 'node:fs';
import { builtInManifest, loadBootImage } from '../../src/engine/node/images.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';

const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 60);
const image =
  process.env.BENCH_IMAGE ?? (existsSync(builtInManifest('debian')) ? 'debian' : 'busybox');
const debian = image === 'debian';
const busy = debian
  ? `(for k in 1 2 3 4 5 6; do python3 -c 'import json, email.parser, http.client, decimal, argparse'; done) >/dev/null 2>&1 &`
  : `(i=0; while [ $i -lt 400000 ]; do i=$((i + 1)); done) &`;

async function side(jit: boolean) {
  const guest = new GuestShell(await loadBootImage({ image }), { jit });
  try {
    await guest.ready();
    await guest.exec('stty echo 2>/dev/null; true');
    const before = await guest.thread.status();
    guest.thread.send(`${busy}\n`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const latencies: number[] = [];
    const decoder = new TextDecoder();
    for (let k = 0; k < KEYSTROKES; k++) {
      const key = String.fromCharCode(97 + (k % 26));
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const off = guest.thread.on((event) => {
          if (event.type === 'output' && decoder.decode(event.data).includes(key)) {
            off();
            resolve();
          }
        });
        guest.thread.send(key);
      });
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    guest.thread.send('\x15'); // Ctrl-U: the typed line is dropped
    const after = await guest.thread.status();
    latencies.sort((a, b) => a - b);
    const units = (after.jit?.unitsCompiled ?? 0) - (before.jit?.unitsCompiled ?? 0);
    return { latencies, units };
  } finally {
    await guest.terminate();
  }
}

console.log(`${image} image; ${KEYSTROKES} keystrokes, 30 ms apart, while: ${busy}`);
for (const jit of [true, false]) {
  const { latencies, units } = await side(jit);
  const median = latencies[Math.floor(latencies.length / 2)];
  const max = latencies[latencies.length - 1];
  console.log(
    `${jit ? 'translator' : 'interpreter'}: echo median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms` +
      (jit ? `; ${units} units compiled meanwhile` : ''),
  );
}
