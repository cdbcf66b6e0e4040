// The guest's network end to end: the real busybox image booted with network: 'fetch' in a
// worker thread gets its address by DHCP at boot, and its wget and nc reach a real HTTP server
// on this machine's 127.0.0.1 through the host side's fetch() (the gateway, 10.0.2.2, stands
// for the host's loopback; a name resolves through the host side's name server). A refused or
// unanswered request is a clean 502 in bounded time. Without the option there is no eth0. The
// debian image (when built) gets its address the same way, and Python's urllib fetches through it.
import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { builtInManifest, loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread } from '../../src/engine/node/machine-thread.js';

const BIG = randomBytes(1024 * 1024);

/** A machine of `image` with network: 'fetch', ended (and `server` closed) with the test. */
async function networkedMachine(t: TestContext, server: Server, image?: string) {
  const machine = new MachineThread(await loadBootImage({ image }), {
    network: 'fetch',
    networkTimeoutMs: 3000,
  });
  t.after(async () => {
    await machine.terminate();
    server.closeAllConnections();
    server.close();
  });
  return machine;
}

/** DHCP ran at boot, before the shell (and the agent) started: eth0 has the host side's lease. */
async function assertLeased(machine: MachineThread, timeout: number) {
  const address = await machine.exec('ip -4 addr show eth0; ip route; cat /etc/resolv.conf', {
    timeout,
  });
  assert.equal(address.exitCode, 0, address.output);
  assert.match(address.output, /inet 10\.0\.2\.15\/24/);
  assert.match(address.output, /default via 10\.0\.2\.2 dev eth0/);
  assert.match(address.output, /nameserver 10\.0\.2\.3/);
}

test('a guest with network: fetch gets 10.0.2.15 by DHCP and fetches from a local server', async (t) => {
  const server = createServer((request, response) => {
    if (request.url === '/hello') return void response.end('hello from the host\n');
    if (request.url === '/big') return void response.end(BIG);
    if (request.url === '/refuse') return void request.socket.destroy();
    if (request.url === '/digest') {
      const hash = createHash('sha256');
      request.on('data', (chunk: Buffer) => hash.update(chunk));
      request.on('end', () => response.end(`${hash.digest('hex')}\n`));
      return;
    }
    if (request.url === '/never') return; // no answer at all
    response.statusCode = 404;
    response.end('nothing here\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise((resolve) => dead.close(resolve));

  const machine = await networkedMachine(t, server);
  const exec = async (command: string, timeout = 30_000) => {
    const result = await machine.exec(command, { timeout });
    return { ...result, output: result.output };
  };

  await assertLeased(machine, 120_000);

  const hello = await exec(`wget -qO- http://10.0.2.2:${port}/hello`);
  assert.deepEqual(hello, { exitCode: 0, output: 'hello from the host\n', truncated: false });

  // A name: the guest's resolver asks the host side's name server, which gives it a virtual
  // address; the request's Host names the origin, and Node's fetch() resolves localhost.
  const named = await exec(`wget -qO- http://localhost:${port}/hello`);
  assert.deepEqual(named, { exitCode: 0, output: 'hello from the host\n', truncated: false });

  // A megabyte, as fast as the guest takes it: whole and in order.
  const started = performance.now();
  const big = await exec(`wget -qO- http://10.0.2.2:${port}/big | sha256sum`, 60_000);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(big.output.split(' ')[0], createHash('sha256').update(BIG).digest('hex'));
  console.log(`# 1 MiB through the guest's wget in ${seconds.toFixed(2)} s`);

  // And over a megabyte up: the guest's POST body reaches the origin whole (as text: BusyBox's
  // wget sends a post file as a C string, cut at its first NUL byte).
  const upload = await exec(
    `head -c 1048576 /dev/urandom | base64 > /tmp/up; sha256sum < /tmp/up; wget -qO- --post-file=/tmp/up http://10.0.2.2:${port}/digest`,
    60_000,
  );
  const [sent, digested] = upload.output.trim().split('\n');
  assert.equal(digested, sent.split(' ')[0], upload.output);

  // The origin's own errors pass through as they are.
  const missing = await exec(`wget -qO- http://10.0.2.2:${port}/nope 2>&1; echo "status $?"`);
  assert.match(missing.output, /404 Not Found[^]*status 1/);

  // A dead port, a server that drops the connection, and one that never answers: each a 502
  // with a one-line reason, in bounded time (the fetch timeout is 3 s here).
  for (const [url, reason] of [
    [`10.0.2.2:${deadPort}/`, /ECONNREFUSED/],
    [`10.0.2.2:${port}/refuse`, /fetch failed/],
    [`10.0.2.2:${port}/never`, /no answer within 3 s/],
  ] as const) {
    const before = performance.now();
    const [host, portText] = url.split('/')[0].split(':');
    const path = `/${url.split('/').slice(1).join('/')}`;
    const raw = await exec(
      `printf 'GET ${path} HTTP/1.1\\r\\nHost: ${host}:${portText}\\r\\n\\r\\n' | nc ${host} ${portText}`,
    );
    const elapsed = performance.now() - before;
    assert.match(raw.output, /^HTTP\/1\.1 502 Bad Gateway\r\n/, raw.output);
    const body = raw.output.slice(raw.output.indexOf('\r\n\r\n') + 4);
    assert.match(body, reason);
    assert.equal(body.trimEnd().split('\n').length, 1, `one line: ${body}`);
    assert.ok(elapsed < 10_000, `${url} answered after ${elapsed} ms`);
    const wget = await exec(`wget -qO- http://${url} 2>&1; echo "status $?"`);
    assert.match(wget.output, /502 Bad Gateway[^]*status 1/);
  }
});

test('without the network option the guest has no eth0', async (t) => {
  const machine = new MachineThread(await loadBootImage({}));
  t.after(() => machine.terminate());
  const result = await machine.exec('ls /sys/class/net', { timeout: 120_000 });
  assert.deepEqual(result, { exitCode: 0, output: 'lo\n', truncated: false });
});

test("the debian image with network: fetch gets its address by DHCP, and Python's urllib fetches", async (t) => {
  const manifest = builtInManifest('debian');
  if (!existsSync(manifest)) {
    t.skip(`no debian image (${manifest}); build it with: sudo npm run images:build -- debian`);
    return;
  }
  const server = createServer((request, response) =>
    response.end(request.url === '/hello' ? 'hello, debian\n' : 'nothing here\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The image's snapshot has no network device: with one, it boots cold.
  const machine = await networkedMachine(t, server, 'debian');
  await assertLeased(machine, 300_000);
  const fetched = await machine.exec(
    `python3 -c 'import urllib.request; print(urllib.request.urlopen("http://10.0.2.2:${port}/hello", timeout=20).read().decode(), end="")'`,
    { timeout: 60_000 },
  );
  assert.deepEqual(fetched, { exitCode: 0, output: 'hello, debian\n', truncated: false });
});
