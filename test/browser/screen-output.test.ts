// Output on its way to the screen is flow-controlled: the Worker holds the guest while more than
// OUTPUT_WINDOW characters wait to be drawn, and xterm.js's acknowledgements let it run on.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';
import { OUTPUT_WINDOW } from '../../src/engine/protocol.js';

describe('<linux-terminal> output to the screen', () => {
  it('prints several times the output window, every character, and reaches the end', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    let printed = 0;
    let tail = '';
    const done = new Promise<void>((resolve) =>
      el.addEventListener('linux-terminal-output', (event) => {
        printed += event.detail.data.length;
        tail = (tail + event.detail.data).slice(-32);
        if (tail.includes('__end__\r')) resolve();
      }),
    );
    // 3 MiB of zeros, base64-encoded in 76-column lines: 4 MiB of text plus a \r per line.
    const bytes = 3 << 20;
    el.send(`head -c ${bytes} /dev/zero | base64; echo __e""nd__\r`);
    await done;
    const lines = Math.ceil((Math.ceil(bytes / 3) * 4) / 76);
    expect(Math.ceil(bytes / 3) * 4 + 2 * lines).to.be.greaterThan(3 * OUTPUT_WINDOW);
    expect(printed).to.be.at.least(Math.ceil(bytes / 3) * 4 + 2 * lines);
    el.remove();
  }).timeout(240_000);
});
