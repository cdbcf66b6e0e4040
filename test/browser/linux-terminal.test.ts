import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';
import type { HostMessage } from '../../src/engine/protocol.js';
import { until } from './support/page-helpers.js';

/** Collects everything the element's guest prints. */
function record(el: HTMLElement): { text: () => string } {
  let text = '';
  el.addEventListener('linux-terminal-output', (event) => {
    text += event.detail.data;
  });
  return { text: () => text };
}

/** Counts Workers the page creates and terminates, to check that removal cleans up. */
function countWorkers(): { live: () => number; created: () => number; restore: () => void } {
  const Original = window.Worker;
  let live = 0;
  let created = 0;
  class CountedWorker extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      live++;
      created++;
    }
    override terminate(): void {
      live--;
      super.terminate();
    }
  }
  window.Worker = CountedWorker;
  return { live: () => live, created: () => created, restore: () => (window.Worker = Original) };
}

describe('<linux-terminal>', () => {
  it('shows a poster with a Run button and starts nothing until it is clicked', async () => {
    const workers = countWorkers();
    try {
      const el = await fixture<LinuxTerminal>(html`<linux-terminal></linux-terminal>`);
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="run-button"]')!;
      expect(button).to.exist;
      expect(el.status).to.equal('idle');
      expect(workers.created()).to.equal(0);
      const ready = oneEvent(el, 'linux-terminal-ready');
      button.click();
      await ready;
      expect(el.shadowRoot!.querySelector('.xterm')).to.exist;
      expect(el.status).to.equal('ready');
      el.remove();
    } finally {
      workers.restore();
    }
  });

  it('boots Linux in its Worker and runs what is typed', async () => {
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    const output = record(el);
    document.body.append(el);
    await el.ready;
    el.send('echo $((6 * 7)); uname -m\r');
    await until(() => /42\r\nriscv64/.test(output.text()), 30_000, 'the command output');
    el.remove();
  });

  it('exec() returns output and exit status through the command channel, off the screen', async () => {
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    const screen = record(el);
    document.body.append(el);
    const ok = await el.exec('echo out; echo err >&2; uname -m');
    expect(ok).to.deep.equal({ exitCode: 0, output: 'out\nerr\nriscv64\n', truncated: false });
    const failing = await el.exec('ls /nonexistent; exit 3');
    expect(failing.exitCode).to.equal(3);
    expect(failing.output).to.contain('No such file or directory');
    expect(screen.text()).not.to.contain('riscv64'); // the interactive screen is untouched
    el.remove();
  });

  it("the guest's window size follows the element's", async () => {
    const el = await fixture<LinuxTerminal>(
      html`<linux-terminal autorun rows="20" style="width: 700px"></linux-terminal>`,
    );
    await el.ready;
    const size = async () =>
      (await el.exec('stty size < /dev/hvc0')).output.trim().split(' ').map(Number);
    const first = await size();
    expect(first[0]).to.equal(20);
    expect(first[1]).to.be.within(60, 90);
    el.rows = 30;
    el.style.width = '500px';
    let second = first;
    for (let i = 0; i < 20 && second[0] !== 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      second = await size();
    }
    expect(second[0]).to.equal(30);
    expect(second[1]).to.be.lessThan(first[1]);
    el.remove();
  });

  it('keeps its width in a grid column, and its size while hidden', async () => {
    // A grid column sized 1fr starts at its content's width: the terminal's own width must not
    // feed back into the fit (it used to shrink two columns per fit, down to two).
    const grid = await fixture<HTMLDivElement>(html`
      <div style="display: grid; grid-template-columns: 1fr 1fr; width: 800px">
        <linux-terminal autorun rows="6"></linux-terminal>
        <linux-terminal autorun rows="6"></linux-terminal>
      </div>
    `);
    const [left, right] = grid.querySelectorAll('linux-terminal');
    await Promise.all([left.ready, right.ready]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cols = async (el: LinuxTerminal) =>
      Number((await el.exec('stty size < /dev/hvc0')).output.trim().split(' ')[1]);
    const before = await cols(left);
    expect(before).to.be.within(30, 50);
    expect(await cols(right)).to.equal(before);
    // Hidden (a closed tab or <details>), it has no width: the guest keeps its size.
    grid.style.display = 'none';
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cols(left)).to.equal(before);
    grid.style.display = 'grid';
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cols(left)).to.equal(before);
    grid.remove();
  });

  it('types its script after boot and places <linux-file> files first', async () => {
    // Built from a string: the file's lines and indentation are what is tested, and a formatter
    // would reflow them inside an html`` template.
    const holder = document.createElement('div');
    holder.innerHTML = `
      <linux-terminal autorun script="cat /root/notes/hello.txt; ls -l /root/notes/run.sh | cut -c1-10">
        <linux-file path="/root/notes/hello.txt">
          hello from the page
          second line
        </linux-file>
        <linux-file path="/root/notes/run.sh" mode="0755">echo hi</linux-file>
      </linux-terminal>`;
    const el = holder.querySelector('linux-terminal')!;
    document.body.append(el);
    const output = record(el);
    await until(() => /-rwxr-xr-x/.test(output.text()), 30_000, 'the script output', output.text);
    expect(output.text()).to.contain('cat /root/notes/hello.txt'); // shown as typed
    expect(output.text()).to.contain('hello from the page\r\nsecond line');
    el.remove();
  });

  it('with loading="lazy", boots only once it scrolls into view', async () => {
    const spacer = document.createElement('div');
    spacer.style.height = '5000px';
    document.body.append(spacer);
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    el.loading = 'lazy';
    document.body.append(el);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(el.status).to.equal('idle');
    el.scrollIntoView();
    await el.ready;
    el.remove();
    spacer.remove();
  });

  it('reports an image that does not exist with an error event and code', async () => {
    const el = document.createElement('linux-terminal');
    el.image = '/no/such/manifest.json';
    el.autorun = true;
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = await failed;
    expect(detail.code).to.equal('manifest-not-found');
    expect(detail.message).to.contain('HTTP 404');
    expect(detail.fatal).to.equal(true);
    expect(el.status).to.equal('error');
    el.remove();
  });

  it('reports a manifest that is not JSON as an invalid manifest', async () => {
    const url = URL.createObjectURL(new Blob(['this is not json'], { type: 'application/json' }));
    const el = document.createElement('linux-terminal');
    el.image = url;
    el.autorun = true;
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = await failed;
    expect(detail.code).to.equal('manifest-invalid');
    expect(detail.message).to.contain('not JSON');
    // The same message is shown over the terminal itself.
    const overlay = () => el.shadowRoot!.querySelector('[part="overlay"]')?.textContent ?? '';
    await until(() => overlay().includes('not an image manifest'), 5000, 'the message on screen');
    el.remove();
  });

  it('reports a kernel panic with its message', async () => {
    // The real image, with a command line whose init does not exist.
    const real = new URL('../../src/images/busybox/dist/manifest.json', import.meta.url);
    const manifest = await (await fetch(real)).json();
    manifest.cmdline = 'console=ttyS0 root=/dev/vda rootfstype=ext2 init=/does/not/exist';
    // The copy lives at a blob: URL, so it names the blobs' folder by its full URL.
    manifest.blobs = new URL(manifest.blobs, real).href;
    const el = document.createElement('linux-terminal');
    el.image = URL.createObjectURL(
      new Blob([JSON.stringify(manifest)], { type: 'application/json' }),
    );
    el.autorun = true;
    el.boot = 'cold'; // the image's snapshot is at its prompt: a panic needs a boot
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = await failed;
    expect(detail.code).to.equal('kernel-panic');
    expect(detail.message).to.contain('Kernel panic - not syncing');
    el.remove();
  });

  it('restart() boots a fresh machine', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    await el.exec('echo before > /tmp/state');
    el.restart();
    await el.ready;
    const after = await el.exec('cat /tmp/state 2>&1; true');
    expect(after.output).to.contain('No such file');
    el.remove();
  });

  it('adding and removing 20 terminals leaves no Worker running', async () => {
    const workers = countWorkers();
    try {
      for (let i = 0; i < 20; i++) {
        const el = document.createElement('linux-terminal');
        el.autorun = true;
        document.body.append(el);
        await el.updateComplete;
        await new Promise((resolve) => setTimeout(resolve, 10));
        el.remove();
      }
      // Removal tears down once the task is over (an element moved within a task keeps its machine).
      await new Promise((resolve) => setTimeout(resolve));
      expect(workers.created()).to.equal(20);
      expect(workers.live()).to.equal(0);
    } finally {
      workers.restore();
    }
  });

  it('passes axe as a poster and as a running terminal', async () => {
    const poster = await fixture<LinuxTerminal>(
      html`<linux-terminal label="Example shell"></linux-terminal>`,
    );
    await expect(poster).to.be.accessible();
    poster.remove();
    const el = await fixture<LinuxTerminal>(
      html`<linux-terminal autorun screen-reader></linux-terminal>`,
    );
    await el.ready;
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('Escape then Tab moves focus out of the terminal', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    const textarea = el.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    expect(el.shadowRoot!.activeElement).to.equal(textarea);
    textarea.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }),
    );
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', keyCode: 9, bubbles: true }));
    expect(el.shadowRoot!.activeElement).not.to.equal(textarea);
    el.remove();
  });

  it('renderer="webgl" works, falling back to the DOM renderer where WebGL is missing', async () => {
    const el = await fixture<LinuxTerminal>(
      html`<linux-terminal autorun renderer="webgl"></linux-terminal>`,
    );
    const output = record(el);
    await el.ready;
    el.send('echo webgl-$((1 + 1))\r');
    await until(() => output.text().includes('webgl-2'), 10_000, 'output');
    expect(el.shadowRoot!.querySelector('.xterm')).to.exist;
    el.remove();
  });

  it('translates hot guest code in its Worker, and with jit="off" interprets it all', async () => {
    const loop = 'i=0; while [ $i -lt 30000 ]; do i=$((i + 1)); done; echo $i';
    const on = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    expect((await on.exec(loop)).output).to.equal('30000\n');
    const translated = await on.stats();
    expect(translated.jit, 'translator figures').to.exist;
    expect(translated.jit!.unitsCompiled).to.be.greaterThan(0);
    // Written and compiled in the codegen Worker (a Worker of the engine's Worker).
    expect(translated.jit!.unitsOffThread).to.be.greaterThan(0);
    expect(translated.jit!.translatedInstructions).to.be.greaterThan(translated.instructions / 4);
    on.remove();

    // What the element posts to its Worker (the boot message carries the switch).
    const Original = window.Worker;
    const sent: HostMessage[] = [];
    window.Worker = class extends Original {
      override postMessage(
        message: HostMessage,
        transfer?: Transferable[] | StructuredSerializeOptions,
      ): void {
        sent.push(message);
        super.postMessage(message, transfer as Transferable[]);
      }
    };
    try {
      const el = await fixture<LinuxTerminal>(
        html`<linux-terminal autorun jit="off"></linux-terminal>`,
      );
      expect((await el.exec(loop)).output).to.equal('30000\n');
      const boot = sent.find((message) => message.type === 'boot');
      expect(boot).to.include({ type: 'boot', jit: false });
      const interpreted = await el.stats();
      expect(interpreted.jit).to.equal(undefined);
      expect(interpreted.instructions).to.be.greaterThan(0);
      el.remove();
    } finally {
      window.Worker = Original;
    }
  });

  it('is registered once even if defined twice', async () => {
    await import('../../src/components/linux-terminal/define.js');
    expect(customElements.get('linux-terminal')).to.exist;
  });
});
