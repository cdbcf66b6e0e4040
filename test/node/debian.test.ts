// The debian image on the engine: it boots to a root bash, and its Python, C compiler and package
// database work. The image is not committed (npm run images:build -- debian makes it); without it
// the test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { builtInManifest, loadBootImage } from '../../src/engine/node/images.js';
import { GuestShell } from '../../src/engine/node/guest-shell.js';

const manifest = builtInManifest('debian');

test("the debian image runs python3, gcc and apt, with the host's time, loopback and a ready entropy pool", async (t) => {
  if (!existsSync(manifest)) {
    t.skip(`no debian image (${manifest}); build it with: sudo npm run images:build -- debian`);
    return;
  }
  const guest = new GuestShell(await loadBootImage({ image: 'debian' }));
  try {
    await guest.ready(300_000);

    const python = await guest.exec(
      `python3 -c 'import json, math; print(json.dumps({"pi": round(math.pi, 5)}))'`,
    );
    assert.deepEqual(python, { output: '{"pi": 3.14159}\n', exitCode: 0 });

    const c = await guest.exec(
      [
        'cd /tmp',
        String.raw`printf '%s\n' '#include <stdio.h>' 'int main(void) { printf("%d\n", 6 * 7); return 3; }' > answer.c`,
        'gcc -O2 -o answer answer.c',
        './answer',
      ].join(' && '),
    );
    assert.deepEqual(c, { output: '42\n', exitCode: 3 });

    // As a reader types it: on the terminal, so in colour, and with no pager (the image turns
    // apt's off) that would wait for a key.
    const apt = await guest.exec('apt list --installed 2>/dev/null');
    assert.equal(apt.exitCode, 0);
    // eslint-disable-next-line no-control-regex -- apt's colours
    const list = apt.output.replace(/\x1b\[[0-9;]*m/g, '');
    for (const pkg of ['bash', 'coreutils', 'python3', 'gcc', 'libc6-dev', 'make', 'procps'])
      assert.match(list, new RegExp(`^${pkg}/\\S+ \\S+ riscv64 \\[installed`, 'm'));

    // The clock is the host's (the board's RTC), not the image's build date.
    const date = await guest.exec('date +%s');
    const skew = Number(date.output.trim()) - Date.now() / 1000;
    assert.ok(Math.abs(skew) < 5, `the guest's clock is ${skew.toFixed(1)} s off the host's`);

    // Loopback is up: a server on 127.0.0.1 answers (bounded: with lo down, connect fails).
    const loopback = await guest.exec(
      `python3 -c 'import socket, threading
server = socket.create_server(("127.0.0.1", 0))
server.settimeout(10)
threading.Thread(target=lambda: server.accept()[0].sendall(b"hello over lo"), daemon=True).start()
print(socket.create_connection(server.getsockname(), timeout=10).recv(64).decode())' 2>&1 | tail -1`,
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(loopback, { output: 'hello over lo\n', exitCode: 0 });

    // The board's rng-seed is credited as the kernel reads the device tree: the pool is ready
    // before the kernel prints its command line, and /dev/random does not block.
    const log = (await guest.exec('dmesg | cat')).output; // through a pipe: no colours
    const crngReady = log.indexOf('random: crng init done');
    assert.ok(
      crngReady >= 0 && crngReady < log.indexOf('Kernel command line'),
      `the entropy pool was not ready at once:\n${log}`,
    );
    const random = await guest.exec('timeout 5 head -c 16 /dev/random | wc -c');
    assert.deepEqual(random, { output: '16\n', exitCode: 0 });
  } finally {
    await guest.terminate();
  }
});
