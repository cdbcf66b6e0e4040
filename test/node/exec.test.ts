// exec() on the real busybox image, headless: the engine in a worker thread, the command channel
// (hvc1) and the image's lt-agent. Every call is answered, a timed-out command is killed with
// its children and the channel goes on, and large outputs stream whole or are cut at maxOutput.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread } from '../../src/engine/node/machine-thread.js';

async function withMachine(body: (machine: MachineThread) => Promise<void>): Promise<void> {
  const machine = new MachineThread(await loadBootImage({}));
  try {
    // The first exec waits for the agent's hello (boot).
    assert.deepEqual(await machine.exec('echo up', { timeout: 120_000 }), {
      exitCode: 0,
      output: 'up\n',
      truncated: false,
    });
    await body(machine);
  } finally {
    await machine.terminate();
  }
}

test('50 concurrent exec() calls are all answered, each with its own output', async () => {
  await withMachine(async (machine) => {
    for (let burst = 0; burst < 3; burst++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => machine.exec(`echo ${burst}-${i}; exit ${i % 7}`)),
      );
      results.forEach((result, i) =>
        assert.deepEqual(result, { exitCode: i % 7, output: `${burst}-${i}\n`, truncated: false }),
      );
    }
    // A command longer than the tty's 4 KiB line arrives whole.
    const long = 'x'.repeat(10_000);
    assert.equal((await machine.exec(`printf %s ${long} | wc -c`)).output.trim(), '10000');
  });
});

test('a timed-out command is killed with its children, and the next exec() works', async () => {
  await withMachine(async (machine) => {
    const started = performance.now();
    await assert.rejects(
      machine.exec('sh -c "sleep 1001" & sleep 1000; echo not-killed', { timeout: 2_000 }),
      { code: 'timeout' },
    );
    assert.ok(performance.now() - started < 5_000);
    const after = await machine.exec('echo next', { timeout: 10_000 });
    assert.deepEqual(after, { exitCode: 0, output: 'next\n', truncated: false });
    const { output } = await machine.exec('ps', { timeout: 10_000 });
    assert.doesNotMatch(output, /sleep 100[01]/, `still running:\n${output}`);
  });
});

test('a background job does not hold the answer, and goes on running', async () => {
  await withMachine(async (machine) => {
    const started = performance.now();
    const result = await machine.exec('sleep 1004 & echo started', { timeout: 20_000 });
    assert.deepEqual(result, { exitCode: 0, output: 'started\n', truncated: false });
    assert.ok(performance.now() - started < 10_000);
    assert.match((await machine.exec('ps')).output, /sleep 1004/);
  });
});

test('20 MB of output arrives byte for byte; maxOutput cuts it and says so', async () => {
  await withMachine(async (machine) => {
    // Text (base64 of random bytes), so that it survives decoding as UTF-8 unchanged.
    await machine.exec('head -c 15000000 /dev/urandom | base64 | head -c 20000000 >/tmp/big', {
      timeout: 120_000,
    });
    const { output: digest } = await machine.exec('sha256sum /tmp/big');
    const whole = await machine.exec('cat /tmp/big', { maxOutput: 32 << 20, timeout: 120_000 });
    assert.equal(whole.exitCode, 0);
    assert.equal(whole.truncated, false);
    assert.equal(whole.output.length, 20_000_000);
    assert.equal(createHash('sha256').update(whole.output).digest('hex'), digest.split(' ')[0]);

    const cut = await machine.exec('cat /tmp/big', { maxOutput: 1000 });
    assert.equal(cut.truncated, true);
    assert.equal(cut.output, whole.output.slice(0, 1000));
    // A command that would write forever ends at the cap (SIGPIPE), not at the timeout.
    const endless = await machine.exec('yes', { maxOutput: 4096, timeout: 30_000 });
    assert.deepEqual(endless, { exitCode: 141, output: 'y\n'.repeat(2048), truncated: true });
    // The default cap is 16 MiB.
    const capped = await machine.exec('cat /tmp/big', { timeout: 120_000 });
    assert.equal(capped.truncated, true);
    assert.equal(capped.output.length, 16 << 20);
  });
});

test('a command runs with sh in /root, with no input; a signal that ends it is 128 + its number', async () => {
  await withMachine(async (machine) => {
    assert.deepEqual(await machine.exec('pwd; cat; echo "[$0]"'), {
      exitCode: 0,
      output: '/root\n[sh]\n',
      truncated: false,
    });
    // An empty command is answered too.
    assert.deepEqual(await machine.exec(''), { exitCode: 0, output: '', truncated: false });
    assert.equal((await machine.exec('kill -TERM $$')).exitCode, 128 + 15);
    // stderr is in the output, in the order written; a multi-line command runs whole.
    assert.deepEqual(await machine.exec('echo a\necho b >&2\nexit 3'), {
      exitCode: 3,
      output: 'a\nb\n',
      truncated: false,
    });
  });
});
