import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';

/** Collects everything the element's guest prints. */
function record(el: HTMLElement): { text: () => string } {
  let text = '';
  el.addEventListener('linux-terminal-output', (event) => {
    text += (event as CustomEvent<{ data: string }>).detail.data;
  });
  return { text: () => text };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('<linux-terminal>', () => {
  it('renders xterm.js in its shadow root', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal></linux-terminal>`);
    expect(el.shadowRoot!.querySelector('.xterm')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="base"]')).to.exist;
    el.remove();
  });

  it('boots Linux in its Worker and runs what is typed', async () => {
    const el = document.createElement('linux-terminal');
    const output = record(el);
    const ready = oneEvent(el, 'linux-terminal-ready');
    document.body.append(el);
    await ready;
    el.send('echo $((6 * 7)); uname -m\r');
    await until(() => /42\r\nriscv64/.test(output.text()), 30_000, 'the command output');
    el.remove();
  });

  it('reports an image that does not exist with an error event and code', async () => {
    const el = document.createElement('linux-terminal');
    el.image = '/no/such/manifest.json';
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = (await failed) as CustomEvent<{ code: string; message: string }>;
    expect(detail.code).to.equal('image-not-found');
    expect(detail.message).to.contain('HTTP 404');
    el.remove();
  });

  it('is registered once even if defined twice', async () => {
    await import('../../src/components/linux-terminal/define.js');
    expect(customElements.get('linux-terminal')).to.exist;
  });
});
