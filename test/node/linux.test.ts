// Real Linux on the engine: the committed busybox image boots in a worker thread, runs commands,
// sleeps without burning the host CPU, takes Ctrl-C, powers off, and reports a panic.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { loadBootImage } from '../../src/engine/node/images.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';
import type { ThreadEvent } from '../../src/engine/node/machine-thread.js';

async function withGuest<T>(
  options: { memoryMiB?: number; append?: string },
  body: (guest: GuestShell) => Promise<T>,
): Promise<T> {
  const guest = new GuestShell(
    await loadBootImage({ memoryMiB: options.memoryMiB, append: options.append }),
  );
  try {
    return await body(guest);
  } finally {
    await guest.terminate();
  }
}

function nextExit(guest: GuestShell): Promise<ThreadEvent & { type: 'exit' }> {
  return new Promise((resolve) => {
    const off = guest.thread.on((event) => {
      if (event.type === 'exit') {
        off();
        resolve(event);
      }
    });
  });
}

test('boots to the shell and runs commands with their output and exit status', async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    assert.deepEqual(await guest.exec('echo $((6 * 7)); uname -m'), {
      output: '42\nriscv64\n',
      exitCode: 0,
    });
    assert.deepEqual(await guest.exec('ls /nonexistent 2>/dev/null; exit 3'), {
      output: '',
      exitCode: 3,
    });
    const cpu = await guest.exec('cat /proc/cpuinfo');
    assert.match(cpu.output, /isa\s+: rv64imafdc/);
  });
});

for (const memoryMiB of [64, 128, 256]) {
  test(`boots with ${memoryMiB} MiB and the kernel sees it`, async () => {
    await withGuest({ memoryMiB }, async (guest) => {
      await guest.ready();
      const { output } = await guest.exec("awk '/MemTotal/ { print $2 }' /proc/meminfo");
      const kib = Number(output.trim());
      assert.ok(
        kib > memoryMiB * 1024 * 0.85 && kib <= memoryMiB * 1024,
        `MemTotal ${kib} kB for ${memoryMiB} MiB`,
      );
    });
  });
}

test('sleep 2 takes about two seconds, and the host CPU idles meanwhile', async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    await guest.exec('true');
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await guest.exec('sleep 2');
    const wall = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    assert.ok(wall >= 1.9 && wall < 3, `sleep 2 took ${wall.toFixed(2)} s of wall time`);
    // Process-wide CPU (main and worker threads); a spinning guest would use ~2 s here.
    assert.ok(
      cpuSeconds < 0.5,
      `the host used ${cpuSeconds.toFixed(2)} s of CPU while the guest slept`,
    );
  });
});

test('Ctrl-C interrupts a running command and returns to the prompt', async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    await guest.exec('true');
    let seen = '';
    guest.onOutput = (text) => (seen += text);
    guest.send('sleep 100; echo not-interrupted\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    guest.send('\x03');
    const after = await guest.exec('echo back'); // typed right away: the new prompt may precede it
    assert.match(after.output, /back\n$/);
    assert.ok(
      performance.now() - started < 10_000,
      'the shell came back well before sleep 100 would end',
    );
    assert.doesNotMatch(seen, /not-interrupted/);
  });
});

test('poweroff ends the machine cleanly', async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    const exit = nextExit(guest);
    guest.send('poweroff\n');
    const event = await exit;
    assert.deepEqual(event.exit, { reason: 'poweroff' });
  });
});

test('a bad init gives the kernel panic as an error, not a hang', async () => {
  await withGuest({ append: 'console=ttyS0 rdinit=/does/not/exist' }, async (guest) => {
    await assert.rejects(guest.ready(60_000), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'kernel-panic');
      assert.match(error.message, /Kernel panic - not syncing/);
      return true;
    });
  });
});

test('a raw disk after the root disk is /dev/vdb: the guest reads its sectors and its writes stay in the machine', async () => {
  const disk = new Uint8Array(1024 * 1024);
  for (let i = 0; i < disk.length; i++) disk[i] = (i * 7 + (i >> 9)) & 0xff;
  const source = disk.slice();
  const expected = createHash('md5').update(disk).digest('hex');
  const image = await loadBootImage({});
  image.disks = [...(image.disks ?? []), disk];
  const guest = new GuestShell(image);
  try {
    await guest.ready();
    assert.equal((await guest.exec('md5sum < /dev/vdb')).output, `${expected}  -\n`);
    await guest.exec('echo hello | dd of=/dev/vdb bs=512 seek=100 conv=notrunc 2>/dev/null; sync');
    const back = await guest.exec(
      'echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vdb bs=512 skip=100 count=1 2>/dev/null | head -c 5',
    );
    assert.equal(back.output, 'hello');
    assert.deepEqual(disk, source, "the caller's bytes are untouched");
  } finally {
    await guest.terminate();
  }
});

test("the guest's clock is the host's (the board's RTC), its entropy pool is ready at boot, and its loopback interface is up", async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    const { output } = await guest.exec('date +%s');
    const skew = Number(output.trim()) - Date.now() / 1000;
    assert.ok(Math.abs(skew) < 5, `the guest's clock is ${skew.toFixed(1)} s off the host's`);

    // The board's rng-seed is credited as the kernel reads the device tree: the pool is ready
    // before the kernel even prints its command line (a driver's entropy would come much later),
    // and /dev/random does not block.
    const log = (await guest.exec('dmesg')).output;
    const crngReady = log.indexOf('random: crng init done');
    assert.ok(
      crngReady >= 0 && crngReady < log.indexOf('Kernel command line'),
      `the entropy pool was not ready at once:\n${log}`,
    );
    const random = await guest.exec('head -c 16 /dev/random | wc -c');
    assert.equal(random.output.trim(), '16');

    const served = await guest.exec(
      'echo hello over lo | timeout 10 nc -l -p 8080 & sleep 1; nc 127.0.0.1 8080 </dev/null; wait',
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(served, { output: 'hello over lo\n', exitCode: 0 });
  });
});

test("streamed output is the guest's bytes: a large output checksums the same on both sides", async () => {
  await withGuest({}, async (guest) => {
    await guest.ready();
    const inGuest = await guest.exec('seq 1 30000 | md5sum');
    let streamed = '';
    const result = await guest.exec('seq 1 30000', { onChunk: (text) => (streamed += text) });
    assert.equal(result.exitCode, 0);
    assert.equal(`${createHash('md5').update(streamed).digest('hex')}  -\n`, inGuest.output);
    assert.equal(streamed, result.output);
  });
});
