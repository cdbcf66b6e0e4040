// runInShell() on the real busybox image: commands typed into the terminal's own shell keep its
// state (cd, variables) from one call to the next, each with its own output and exit status; the
// screen shows each command and its output (no protocol), and the reader's keys echo again after.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LinuxTerminal } from '../../src/components/index.js';
import { bootedTerminal, rejection, screenText, until } from './support/page-helpers.js';

describe('runInShell()', function () {
  this.timeout(300_000);
  let el: LinuxTerminal;

  before(async () => (el = await bootedTerminal()));

  after(() => el.remove());

  it("keeps the shell's working folder and variables between calls, each with its status", async () => {
    expect(await el.runInShell('cd /tmp && NAME=shell; echo "in $PWD"')).to.deep.equal({
      output: 'in /tmp\n',
      exitCode: 0,
    });
    expect(await el.runInShell('echo "$NAME at $(pwd)"; (exit 7)')).to.deep.equal({
      output: 'shell at /tmp\n',
      exitCode: 7,
    });
    // Calls made together run one at a time, in call order.
    const results = await Promise.all([1, 2, 3].map((i) => el.runInShell(`echo ${i}`)));
    expect(results.map((r) => r.output)).to.deep.equal(['1\n', '2\n', '3\n']);
  });

  it('shows the commands and their output on the screen, and the reader types after it', async () => {
    await el.runInShell('echo on-screen');
    await until(
      () => screenText(el).includes('on-screen'),
      10_000,
      'the output',
      () => screenText(el),
    );
    const screen = screenText(el);
    expect(screen).to.contain('echo on-screen');
    expect(screen).not.to.contain('__lt_done');
    expect(screen).not.to.contain('stty');
    el.shadowRoot!.querySelector<HTMLTextAreaElement>('.xterm-helper-textarea')!.focus();
    await sendKeys({ type: 'echo typed-$((2 + 3))' });
    await until(
      () => screenText(el).includes('echo typed-$((2 + 3))'),
      10_000,
      'the echo',
      () => screenText(el),
    );
    await sendKeys({ press: 'Enter' });
    await until(
      () => screenText(el).includes('typed-5'),
      10_000,
      'the answer',
      () => screenText(el),
    );
    // And a call after the reader's typing, even a line left half typed, reads only its own output.
    await sendKeys({ type: 'echo half-typed' });
    await until(
      () => screenText(el).includes('echo half-typed'),
      10_000,
      'the echo',
      () => screenText(el),
    );
    expect(await el.runInShell('echo after')).to.deep.equal({ output: 'after\n', exitCode: 0 });
  });

  it('interrupts a command that runs past its timeout; the next call works', async () => {
    const error = await rejection(el.runInShell('sleep 1000', { timeout: 2_000 }));
    expect(error.code).to.equal('timeout');
    expect(await el.runInShell('echo next')).to.deep.equal({ output: 'next\n', exitCode: 0 });
  });
});
