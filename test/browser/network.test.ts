// `network="fetch"` in a page (issue 15): the guest's HTTP requests are made by the Worker's
// fetch(), so it reaches the page's own origin (here, the test server) and nothing that origin's
// fetch() could not: a cross-origin server without CORS headers is a one-line 502 in the guest.
// Without the attribute the guest has no network device at all. The real busybox image.
import { expect } from '@open-wc/testing';
import type { LinuxTerminal } from '../../src/components/index.js';
import '../../src/components/index.js';

async function terminal(network?: string): Promise<LinuxTerminal> {
  const el = document.createElement('linux-terminal');
  el.autorun = true;
  if (network !== undefined) el.network = network;
  document.body.append(el);
  await el.exec('true', { timeout: 120_000 });
  return el;
}

describe('network', function () {
  this.timeout(240_000);
  const elements: LinuxTerminal[] = [];
  afterEach(() => elements.splice(0).forEach((el) => el.remove()));

  it("fetch: the guest gets an address and downloads a file of the page's origin, byte for byte", async () => {
    const el = await terminal('fetch');
    elements.push(el);
    const ready = await new Promise<{ restored: boolean }>((resolve) => {
      if (el.status === 'ready') resolve({ restored: false });
      el.addEventListener('linux-terminal-ready', (e) => resolve(e.detail), { once: true });
    });
    expect(ready.restored, 'a network means a boot').to.equal(false);
    const address = await el.exec("ifconfig eth0 | grep -o 'addr:[0-9.]*'");
    expect(address.output).to.equal('addr:10.0.2.15\n');
    const expected = await (await fetch('/package.json')).text();
    const got = await el.exec(`wget -qO- http://localhost:${location.port}/package.json`, {
      timeout: 60_000,
    });
    expect(got.exitCode).to.equal(0);
    expect(got.output).to.equal(expected);
  });

  it('fetch: a server the page may not read (cross-origin, no CORS) is a clean 502 in the guest', async () => {
    const el = await terminal('fetch');
    elements.push(el);
    // The gateway, 10.0.2.2, stands for the host's 127.0.0.1: another origin than the page's
    // localhost, and the test server sends no CORS headers.
    const started = performance.now();
    const got = await el.exec(
      `wget -S -O /dev/null http://10.0.2.2:${location.port}/package.json 2>&1; echo "status $?"`,
      { timeout: 60_000 },
    );
    expect(got.output).to.match(/502 Bad Gateway/);
    expect(got.output).to.match(/status 1\n$/);
    expect(performance.now() - started).to.be.below(30_000);
  });

  it('no attribute: no network device at all', async () => {
    const el = await terminal();
    elements.push(el);
    expect((await el.exec('ls /sys/class/net')).output).to.equal('lo\n');
  });
});
