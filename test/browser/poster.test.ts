// The poster (before Run) on a phone-sized screen, and its colours under a page's theme.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';

const longImage = `https://docs.example.org/${'very-long-path-segment/'.repeat(8)}images/debian/manifest.json`;

function parts(el: LinuxTerminal) {
  const root = el.shadowRoot!;
  return {
    base: root.querySelector('[part="base"]') as HTMLElement,
    run: root.querySelector('[part="run-button"]') as HTMLButtonElement,
    label: root.querySelector('.image') as HTMLElement,
  };
}

describe('<linux-terminal> poster', () => {
  it('keeps the Run button in view, 44 × 44 px or more, beside a long image URL at 393 px', async () => {
    const el = await fixture<LinuxTerminal>(html`
      <div style="width: 393px"><linux-terminal image=${longImage}></linux-terminal></div>
    `).then((wrapper) => wrapper.querySelector('linux-terminal') as LinuxTerminal);
    await el.updateComplete;
    const { base, run, label } = parts(el);
    const frame = base.getBoundingClientRect();
    const button = run.getBoundingClientRect();
    expect(button.width).to.be.at.least(44);
    expect(button.height).to.be.at.least(44);
    expect(button.left).to.be.at.least(frame.left);
    expect(button.right).to.be.at.most(frame.right);
    // The label is cut (with an ellipsis), inside the frame, and keeps the whole URL as its title.
    expect(label.getBoundingClientRect().right).to.be.at.most(frame.right);
    expect(label.scrollWidth).to.be.greaterThan(label.clientWidth);
    expect(getComputedStyle(label).textOverflow).to.equal('ellipsis');
    expect(label.title).to.equal(longImage);
  });

  it('draws the Run button text in --linux-terminal-accent-foreground', async () => {
    const el = await fixture<LinuxTerminal>(html`
      <linux-terminal
        style="--linux-terminal-accent: rgb(253, 224, 71); --linux-terminal-accent-foreground: rgb(17, 24, 39)"
      ></linux-terminal>
    `);
    const { run } = parts(el);
    expect(getComputedStyle(run).color).to.equal('rgb(17, 24, 39)');
    expect(getComputedStyle(run).backgroundColor).to.equal('rgb(253, 224, 71)');
  });
});
