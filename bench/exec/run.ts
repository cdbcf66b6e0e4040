// `npm run bench:exec`: exec() throughput on the busybox image, headless (the engine in a worker
// thread, the command channel on hvc1, the image's lt-agent): seconds and MB/s for outputs of
// 1, 5 and 20 MB, made on the fly (head -c N /dev/urandom, which BusyBox copies byte by byte, and
// dd from /dev/urandom) and read from a file made beforehand (cat: mostly the channel), each beside the same command with its output thrown away in the
// guest (what the command costs by itself), and a 50-call burst. The median of BENCH_RUNS runs
// (default 3). A benchmark: it prints figures.
import { loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread } from '../../src/engine/node/machine-thread.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = [1_000_000, 5_000_000, 20_000_000];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const machine = new MachineThread(await loadBootImage({}));
try {
  let started = performance.now();
  await machine.exec('true', { timeout: 120_000 });
  console.log(`boot to the agent: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`exec() output throughput, median of ${runs} runs:`);
  for (const size of sizes) {
    await machine.exec(`head -c ${size} /dev/urandom >/tmp/data`, { timeout: 120_000 });
    for (const [name, command] of [
      ['head -c N /dev/urandom', `head -c ${size} /dev/urandom`],
      ['dd of N from /dev/urandom', `dd if=/dev/urandom bs=64k iflag=count_bytes count=${size}`],
      ['cat of an N-byte file', 'cat /tmp/data'],
    ]) {
      const seconds: number[] = [];
      const alone: number[] = [];
      for (let run = 0; run < runs; run++) {
        started = performance.now();
        const result = await machine.exec(command, { maxOutput: 32 << 20, timeout: 300_000 });
        if (result.exitCode !== 0 || result.truncated) throw new Error(`${command} failed`);
        seconds.push((performance.now() - started) / 1000);
        started = performance.now();
        await machine.exec(`${command} >/dev/null`, { timeout: 300_000 });
        alone.push((performance.now() - started) / 1000);
      }
      const s = median(seconds);
      const mb = size / 1e6;
      console.log(
        `  ${name.padEnd(26)} N = ${String(mb).padStart(2)} MB: ${s.toFixed(2).padStart(6)} s, ${(mb / s).toFixed(2).padStart(5)} MB/s` +
          `   (to /dev/null in the guest: ${median(alone).toFixed(2)} s)`,
      );
    }
  }
  const bursts: number[] = [];
  for (let run = 0; run < runs; run++) {
    started = performance.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => machine.exec(`echo ${i}`)));
    bursts.push((performance.now() - started) / 1000);
  }
  console.log(`50 concurrent exec('echo i'): ${median(bursts).toFixed(2)} s`);
} finally {
  await machine.terminate();
}
