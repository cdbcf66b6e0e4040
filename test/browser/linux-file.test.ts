// <linux-file>: what the guest gets from the element's text.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxFile, LinuxTerminal } from '../../src/components/index.js';

describe('<linux-file>', () => {
  it('is a text file: one line gets its newline', async () => {
    const file = await fixture<LinuxFile>(
      html`<linux-file path="/root/run.sh" mode="0755">echo hi</linux-file>`,
    );
    expect(file.content).to.equal('echo hi\n');
    expect(file.modeBits).to.equal(0o755);
  });

  it('drops the indentation of the markup around it', async () => {
    const holder = document.createElement('div');
    holder.innerHTML = `
      <linux-file path="/root/a.py">
        def f():
            return 1
      </linux-file>`;
    document.body.append(holder);
    const file = holder.querySelector('linux-file')!;
    expect(file.content).to.equal('def f():\n    return 1\n');
    holder.remove();
  });

  it('keeps "<" and "&" written in a <script type="text/plain">', async () => {
    const holder = document.createElement('div');
    holder.innerHTML = `<linux-file path="/root/a.c"><script type="text/plain">
        #include <stdio.h>
        int x = 1 && 2;
      </script></linux-file>`;
    document.body.append(holder);
    const file = holder.querySelector('linux-file')!;
    expect(file.content).to.equal('#include <stdio.h>\nint x = 1 && 2;\n');
    holder.remove();
  });

  it('a mode that is not octal falls back to 0644, and the element is never shown', async () => {
    const file = await fixture<LinuxFile>(html`<linux-file path="/x" mode="rwx">text</linux-file>`);
    expect(file.modeBits).to.equal(0o644);
    expect(getComputedStyle(file).display).to.equal('none');
  });

  it('is in the guest when the terminal is ready: a line sent at `ready` runs it', async () => {
    const holder = document.createElement('div');
    holder.innerHTML = `<linux-terminal autorun>
        <linux-file path="/root/probe.sh" mode="0755">echo probe-$((40 + 2))</linux-file>
      </linux-terminal>`;
    const el = holder.querySelector<LinuxTerminal>('linux-terminal')!;
    let text = '';
    el.addEventListener('linux-terminal-output', (event) => (text += event.detail.data));
    document.body.append(el);
    await el.ready;
    el.send('./probe.sh\r');
    const deadline = performance.now() + 15_000;
    while (!/probe-42|not found/.test(text) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(text).to.contain('probe-42');
    el.remove();
  });
});
