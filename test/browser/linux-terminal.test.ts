import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';

describe('<linux-terminal>', () => {
  it('renders xterm.js in its shadow root', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal></linux-terminal>`);
    expect(el.shadowRoot!.querySelector('.xterm')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="base"]')).to.exist;
  });

  it('round-trips through its Worker', async () => {
    const el = document.createElement('linux-terminal');
    const ready = oneEvent(el, 'linux-terminal-ready');
    document.body.append(el);
    await ready;

    let echoed = '';
    el.addEventListener('linux-terminal-output', (event) => {
      echoed += (event as CustomEvent<{ data: string }>).detail.data;
    });
    const output = oneEvent(el, 'linux-terminal-output');
    el.send('hello worker\r');
    await output;
    expect(echoed).to.contain('hello worker');
    el.remove();
  });

  it('is registered once even if defined twice', async () => {
    await import('../../src/components/linux-terminal/define.js');
    expect(customElements.get('linux-terminal')).to.exist;
  });
});
