// The element's lifecycle: one Worker at most per element at any moment, none after removal; what
// `ready` and exec() do when the machine goes away; moving the element keeps its machine; bad
// attributes never leave it stuck; the reader always sees the machine's state.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';
import { HOLD_MS, bootSlots } from '../../src/components/linux-terminal/boot-gate.js';
import { rejection, screenText, until } from './support/page-helpers.js';

/** Counts the page's Workers: how many exist now, the most at once, and how many were made. */
function countWorkers() {
  const Original = window.Worker;
  let live = 0;
  let most = 0;
  let created = 0;
  /** When each Worker was made (performance.now()). */
  const times: number[] = [];
  class CountedWorker extends Original {
    private ended = false;
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      live++;
      created++;
      times.push(performance.now());
      most = Math.max(most, live);
    }
    override terminate(): void {
      if (!this.ended) live--;
      this.ended = true;
      super.terminate();
    }
  }
  window.Worker = CountedWorker;
  return {
    live: () => live,
    most: () => most,
    created: () => created,
    times,
    restore: () => (window.Worker = Original),
  };
}

/** Lets the current task end (the element tears down what is still removed then). */
const nextTask = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** The promise's state right now. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const marker = Symbol('pending');
  try {
    const value = await Promise.race([promise, Promise.resolve(marker)]);
    return value === marker ? 'pending' : 'resolved';
  } catch {
    return 'rejected';
  }
}

/** Types `command` in the guest's shell and waits for `expected` in what the guest prints. */
async function typed(el: LinuxTerminal, command: string, expected: RegExp): Promise<void> {
  let text = '';
  const listener = (event: CustomEvent<{ data: string }>) => (text += event.detail.data);
  el.addEventListener('linux-terminal-output', listener);
  try {
    el.send(`${command}\r`);
    await until(() => expected.test(text), 15_000, `${expected} after "${command}"`);
  } finally {
    el.removeEventListener('linux-terminal-output', listener);
  }
}

// A boolean, not the elements: a failed comparison of DOM nodes is too big to report.
const focusInTerminal = (el: LinuxTerminal) =>
  !!el.shadowRoot!.activeElement &&
  el.shadowRoot!.activeElement === el.shadowRoot!.querySelector('.xterm textarea');

describe('<linux-terminal> lifecycle', () => {
  let workers: ReturnType<typeof countWorkers>;
  beforeEach(() => (workers = countWorkers()));
  afterEach(() => workers.restore());

  it('restart() ten times in a row: one Worker and one xterm at any moment, none after removal', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.updateComplete;
    await nextTask(50);
    for (let i = 0; i < 10; i++) el.restart();
    await el.ready;
    expect(workers.most()).to.equal(1);
    expect(workers.live()).to.equal(1);
    expect(el.shadowRoot!.querySelectorAll('.xterm')).to.have.length(1);
    await typed(el, 'echo alive-$((40 + 2))', /alive-42/);
    el.remove();
    await nextTask();
    expect(workers.live()).to.equal(0);
  });

  it('start() then remove() in the same tick leaves no Worker', async () => {
    const el = document.createElement('linux-terminal');
    document.body.append(el);
    el.start();
    el.remove();
    await nextTask(100);
    expect(workers.live()).to.equal(0);
    expect(workers.created()).to.equal(0);
  });

  it('autorun appended then removed in one tick leaves no Worker', async () => {
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    document.body.append(el);
    el.remove();
    await nextTask(100);
    expect(workers.live()).to.equal(0);
    expect(workers.created()).to.equal(0);
  });

  it('terminals appended together start in turn: no more machines starting at once than cores less one', async () => {
    const slots = bootSlots();
    const els = Array.from({ length: slots + 2 }, () => {
      const el = document.createElement('linux-terminal');
      el.autorun = true;
      document.body.append(el);
      return el;
    });
    try {
      await until(
        () => els.some((el) => /Waiting for other terminals/.test(screenText(el))),
        5000,
        'a terminal that says it waits',
      );
      const readyAt = await Promise.all(els.map((el) => el.ready.then(() => performance.now())));
      const started = workers.times;
      expect(started).to.have.length(els.length);
      // Terminals take their turns in the order they were added: Worker i is terminal i's. When
      // each machine started, how many others were starting (not at their prompt yet, and
      // holding their slot for less than HOLD_MS).
      const busy = started.map(
        (t, i) =>
          started.filter((s, j) => j !== i && s <= t && t < Math.min(s + HOLD_MS, readyAt[j]))
            .length,
      );
      expect(Math.max(...busy), `machines starting beside another: ${busy}`).to.be.below(slots);
      expect(els.map((el) => el.status)).to.deep.equal(els.map(() => 'ready'));
    } finally {
      els.forEach((el) => el.remove());
    }
  });

  it('ready of an element removed mid-boot rejects with "stopped"', async () => {
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    document.body.append(el);
    await until(() => el.status === 'booting', 5000, 'booting');
    const ready = el.ready;
    el.remove();
    const error = await rejection(ready);
    expect(error.code).to.equal('stopped');
    expect(workers.live()).to.equal(0);
  });

  it('exec() on a removed element rejects at once with "stopped"', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    el.remove();
    await nextTask();
    const started = performance.now();
    const error = await rejection(el.exec('true', { timeout: 30_000 }));
    expect(error.code).to.equal('stopped');
    expect(performance.now() - started).to.be.below(1000);
    // And one waiting for the machine when the element goes.
    document.body.append(el);
    await until(() => el.status === 'booting', 5000, 'booting');
    const waiting = el.exec('true', { timeout: 30_000 });
    el.remove();
    const removed = performance.now();
    expect((await rejection(waiting)).code).to.equal('stopped');
    expect(performance.now() - removed).to.be.below(1000);
  });

  it('poweroff: the exit event, "Machine stopped" with Restart, exec() rejects at once; Restart boots and takes focus', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    const exited = oneEvent(el, 'linux-terminal-exit');
    el.send('poweroff\r');
    expect((await exited).detail.reason).to.equal('poweroff');
    expect(el.status).to.equal('exited');
    expect(el.getAttribute('status')).to.equal('exited');
    await el.updateComplete;
    const overlay = el.shadowRoot!.querySelector('[part="overlay"]')!;
    expect(overlay.textContent).to.contain('Machine stopped');
    expect(workers.live()).to.equal(0);
    const started = performance.now();
    expect((await rejection(el.exec('true'))).code).to.equal('stopped');
    expect((await rejection(el.ready)).code).to.equal('stopped');
    expect(performance.now() - started).to.be.below(1000);

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="restart-button"]')!.click();
    expect(el.status).to.not.equal('exited');
    await el.ready;
    expect(el.shadowRoot!.querySelector('[part="overlay"]')).to.equal(null);
    expect(focusInTerminal(el), 'the focus is in the terminal').to.equal(true);
    await typed(el, 'echo back-$((40 + 2))', /back-42/);
    expect(workers.most()).to.equal(1);
    el.remove();
  });

  it('after restart() or a reboot in the guest, ready is a new pending promise until the new prompt', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal autorun></linux-terminal>`);
    await el.ready;
    const first = el.ready;
    el.restart();
    expect(el.ready).to.not.equal(first);
    expect(await stateOf(el.ready)).to.equal('pending');
    await el.ready;

    const second = el.ready;
    const exited = oneEvent(el, 'linux-terminal-exit');
    el.send('reboot\r');
    expect((await exited).detail.reason).to.equal('reboot');
    expect(el.ready).to.not.equal(second);
    expect(await stateOf(el.ready)).to.equal('pending');
    await el.ready;
    expect(el.status).to.equal('ready');
    await typed(el, 'echo rebooted-$((40 + 2))', /rebooted-42/);
    expect(workers.most()).to.equal(1);
    el.remove();
  });

  it('moved to another container in the same task, it keeps its machine and session', async () => {
    const tabs = await fixture<HTMLDivElement>(
      html`<div>
        <section id="a"><linux-terminal autorun></linux-terminal></section>
        <section id="b"></section>
      </div>`,
    );
    const el = tabs.querySelector('linux-terminal')!;
    await el.ready;
    await typed(el, 'session=kept-$((40 + 2)); echo set', /set\r\n/);
    el.remove();
    tabs.querySelector('#b')!.append(el);
    await nextTask(200);
    expect(workers.created()).to.equal(1);
    expect(workers.live()).to.equal(1);
    expect(el.status).to.equal('ready');
    await typed(el, 'echo $session', /kept-42/);
    tabs.remove();
    await nextTask();
    expect(workers.live()).to.equal(0);
  });

  it('rows="abc": an invalid-attribute event, then it boots with 24 rows', async () => {
    const holder = document.createElement('div');
    holder.innerHTML = '<linux-terminal autorun rows="abc"></linux-terminal>';
    const el = holder.querySelector('linux-terminal')!;
    const warned = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = await warned;
    expect(detail.code).to.equal('invalid-attribute');
    expect(detail.message).to.contain('rows="abc"');
    expect(detail.fatal).to.equal(false);
    await el.ready;
    await typed(el, 'stty size', /\r\n24 \d+\r\n/);
    el.remove();
  });

  for (const name of ['toString', 'constructor']) {
    it(`image="${name}" is a URL like any other name, not an inherited property`, async () => {
      const el = document.createElement('linux-terminal');
      el.image = name;
      el.autorun = true;
      const failed = oneEvent(el, 'linux-terminal-error');
      document.body.append(el);
      const { detail } = await failed;
      expect(detail.code).to.equal('manifest-not-found');
      expect(el.status).to.equal('error');
      el.remove();
    });
  }

  it('a fatal error shows its message and code over the terminal, with Restart', async () => {
    const el = document.createElement('linux-terminal');
    el.image = '/no/such/manifest.json';
    el.autorun = true;
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    await failed;
    await el.updateComplete;
    const overlay = el.shadowRoot!.querySelector('[part="overlay"]')!;
    expect(overlay.textContent).to.contain('HTTP 404');
    expect(overlay.textContent).to.contain('manifest-not-found');
    expect(el.shadowRoot!.querySelector('[part="restart-button"]')).to.exist;
    expect(workers.live()).to.equal(0);
    expect((await rejection(el.exec('true'))).code).to.equal('manifest-not-found');
    el.remove();
  });

  it('an image from file:// says to serve the page over HTTP (code file-url), and starts no Worker', async () => {
    const el = document.createElement('linux-terminal');
    el.image = 'file:///home/reader/site/images/manifest.json';
    el.autorun = true;
    const failed = oneEvent(el, 'linux-terminal-error');
    document.body.append(el);
    const { detail } = await failed;
    expect(detail.code).to.equal('file-url');
    expect(detail.message).to.contain('python3 -m http.server');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="overlay"]')!.textContent).to.contain('over HTTP');
    expect(el.status).to.equal('error');
    expect(workers.created()).to.equal(0);
    el.remove();
  });

  it('draws download and boot progress in the terminal, gone at the prompt', async () => {
    const el = document.createElement('linux-terminal');
    el.autorun = true;
    const seen: string[] = [];
    // What the screen shows while it boots (xterm.js parses and draws a little later than written).
    const sampler = setInterval(() => seen.push(screenText(el)), 10);
    document.body.append(el);
    await el.ready;
    await nextTask(100);
    clearInterval(sampler);
    expect(seen.join('\n')).to.contain('Downloading image…');
    expect(seen.join('\n')).to.contain('Booting Linux…');
    expect(screenText(el)).not.to.contain('Booting Linux');
    expect(screenText(el)).to.contain('#'); // the prompt, drawn where the progress was
    el.remove();
  });

  it('Run by keyboard (Enter) puts the focus in the terminal', async () => {
    const el = await fixture<LinuxTerminal>(html`<linux-terminal></linux-terminal>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="run-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => el.status === 'booting', 5000, 'booting');
    expect(focusInTerminal(el), 'the focus is in the terminal').to.equal(true);
    await el.ready;
    await sendKeys({ type: 'echo typed-$((2 + 3))' });
    await sendKeys({ press: 'Enter' });
    await until(() => screenText(el).includes('typed-5'), 10_000, 'the typed command');
    el.remove();
  });
});
