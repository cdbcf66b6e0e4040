// exec() in a page, on the real busybox image: every call of a burst is answered, a timed-out
// command is killed in the guest and the next call works, and large outputs arrive whole or cut
// at maxOutput.
import { expect } from '@open-wc/testing';
import type { LinuxTerminal } from '../../src/components/index.js';
import { bootedTerminal, sha256Hex } from './support/page-helpers.js';

describe('exec()', function () {
  this.timeout(300_000);
  let el: LinuxTerminal;

  before(async () => (el = await bootedTerminal()));

  after(() => el.remove());

  it('answers every call of a burst of 50, each with its own output and status', async () => {
    for (let burst = 0; burst < 2; burst++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => el.exec(`echo ${burst}-${i}; exit ${i % 5}`)),
      );
      results.forEach((result, i) =>
        expect(result).to.deep.equal({
          exitCode: i % 5,
          output: `${burst}-${i}\n`,
          truncated: false,
        }),
      );
    }
  });

  it('kills a command that timed out, with its children, and the next call works', async () => {
    let error: (Error & { code?: string }) | undefined;
    try {
      await el.exec('sleep 1003 & sleep 1002; echo not-killed', { timeout: 2_000 });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.code).to.equal('timeout');
    expect(await el.exec('echo next', { timeout: 10_000 })).to.deep.equal({
      exitCode: 0,
      output: 'next\n',
      truncated: false,
    });
    const { output } = await el.exec('ps', { timeout: 10_000 });
    expect(output).not.to.match(/sleep 100[23]/);
  });

  it('streams 20 MB whole, and cuts at maxOutput with truncated set', async () => {
    await el.exec('head -c 15000000 /dev/urandom | base64 | head -c 20000000 >/tmp/big', {
      timeout: 120_000,
    });
    const digest = (await el.exec('sha256sum /tmp/big')).output.split(' ')[0];
    const whole = await el.exec('cat /tmp/big', { maxOutput: 32 << 20, timeout: 120_000 });
    expect(whole.truncated).to.equal(false);
    expect(whole.output.length).to.equal(20_000_000);
    expect(await sha256Hex(whole.output)).to.equal(digest);
    const cut = await el.exec('yes', { maxOutput: 4096, timeout: 30_000 });
    expect(cut).to.deep.equal({ exitCode: 141, output: 'y\n'.repeat(2048), truncated: true });
  });
});
