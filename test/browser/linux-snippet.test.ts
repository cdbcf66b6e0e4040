// <linux-snippet> in a page, on the real busybox image: it runs the code block before it (or the
// one `for` names) in its session's shell and shows the output; expected output and exit status
// make it pass or fail as the checker would; snippets of a session run in page order in one
// shell; the markdown-it plugin's HTML works as written.
import { expect } from '@open-wc/testing';
import MarkdownIt from 'markdown-it';
import type { LinuxSnippet } from '../../src/components/index.js';
import linuxTerminalPlugin from '../../src/plugins/markdown-it.js';
import { until } from './support/page-helpers.js';

/** A container with `markup` in it, added to the page; removed after each test. */
const added: HTMLElement[] = [];
function page(markup: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = markup;
  document.body.append(container);
  added.push(container);
  return container;
}

const snippets = (container: HTMLElement) => [
  ...container.querySelectorAll<LinuxSnippet>('linux-snippet'),
];
const part = (el: LinuxSnippet, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)!;

describe('<linux-snippet>', function () {
  this.timeout(300_000);

  afterEach(() => added.splice(0).forEach((c) => c.remove()));

  it('runs the <pre> before it and shows the output beneath it', async () => {
    const [el] = snippets(
      page('<pre><code>echo hello from $(uname -m)</code></pre><linux-snippet></linux-snippet>'),
    );
    await el.updateComplete;
    const button = part(el, 'run-button') as HTMLButtonElement;
    expect(button.tagName).to.equal('BUTTON');
    expect(el.getAttribute('state')).to.equal('idle');
    const done = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('linux-snippet-done', (e) => resolve(e), { once: true }),
    );
    button.click();
    const event = await done;
    expect(event.detail).to.deep.equal({
      output: 'hello from riscv64\n',
      exitCode: 0,
      passed: true,
    });
    expect(event.bubbles && event.composed).to.equal(true);
    expect(el.getAttribute('state')).to.equal('done');
    await el.updateComplete;
    expect(part(el, 'output').textContent).to.equal('hello from riscv64\n');
  });

  it('passes when the output is the expected one, and fails, showing both, when it is not', async () => {
    const [good, lenient, bad] = snippets(
      page(`<pre>echo one; echo two</pre>
        <linux-snippet session="expect"><pre slot="expected">
one
two
</pre></linux-snippet>
        <pre>echo one; echo two; echo three</pre>
        <linux-snippet session="expect" match="lenient"><pre slot="expected">
one
...
</pre></linux-snippet>
        <pre>echo one; echo 2</pre>
        <linux-snippet session="expect"><pre slot="expected">
one
two
</pre></linux-snippet>`),
    );
    expect(await good.run()).to.deep.equal({ output: 'one\ntwo\n', exitCode: 0, passed: true });
    expect(good.state).to.equal('passed');
    expect((await lenient.run()).passed).to.equal(true);
    expect(await bad.run()).to.deep.equal({ output: 'one\n2\n', exitCode: 0, passed: false });
    expect(bad.getAttribute('state')).to.equal('failed');
    await bad.updateComplete;
    expect(part(bad, 'status').textContent).to.match(/^Failed\. The output is not the expected/);
    expect(part(bad, 'output').textContent).to.equal('one\n2\n');
    expect(part(bad, 'expected').textContent).to.equal('one\ntwo\n');
  });

  it('fails with a non-zero exit status unless exit= says that status', async () => {
    const [failing, expected] = snippets(
      page(`<pre>echo oops; false</pre><linux-snippet session="exit"></linux-snippet>
        <pre>(exit 3)</pre><linux-snippet session="exit" exit="3"></linux-snippet>`),
    );
    expect(await failing.run()).to.deep.equal({ output: 'oops\n', exitCode: 1, passed: false });
    expect(failing.state).to.equal('failed');
    await failing.updateComplete;
    expect(part(failing, 'status').textContent).to.contain('Exited with status 1, not 0');
    expect(await expected.run()).to.deep.equal({ output: '', exitCode: 3, passed: true });
    expect(expected.state).to.equal('done');
  });

  it('runs the block that for="id" names, and a generator\'s wrapper around a <pre>', async () => {
    const container = page(`
      <div class="language-sh"><button>Copy</button><span class="lang">sh</span><pre><code>echo wrapped</code></pre></div>
      <linux-snippet session="for"></linux-snippet>
      <pre id="far-away"><code>echo named</code></pre>
      <p>Some prose in between.</p>
      <linux-snippet session="for" for="far-away"></linux-snippet>`);
    const [wrapped, named] = snippets(container);
    expect((await named.run()).output).to.equal('named\n');
    expect(wrapped.state).to.equal('done'); // the one before it in the session ran first
    expect(part(wrapped, 'output').textContent).to.equal('wrapped\n');
  });

  it('runs the edited code after Edit', async () => {
    const container = page('<pre><code>echo original</code></pre><linux-snippet></linux-snippet>');
    const [el] = snippets(container);
    expect((await el.run()).output).to.equal('original\n');
    const code = container.querySelector('code')!;
    part(el, 'edit-button').click();
    await el.updateComplete;
    expect(part(el, 'edit-button').getAttribute('aria-pressed')).to.equal('true');
    expect(code.isContentEditable).to.equal(true);
    expect(document.activeElement).to.equal(container.querySelector('pre'));
    code.textContent = 'echo edited';
    expect((await el.run()).output).to.equal('edited\n');
    part(el, 'edit-button').click();
    expect(code.isContentEditable).to.equal(false);
  });

  it('runs a session in page order in one shell: running the third runs the first two', async () => {
    const container = page(`
      <pre>mkdir -p /tmp/lesson && cd /tmp/lesson && GREETING=hello</pre>
      <linux-snippet session="order"></linux-snippet>
      <pre>echo "$GREETING from $PWD" > note; pwd</pre>
      <linux-snippet session="order"></linux-snippet>
      <pre>cat note</pre>
      <linux-snippet session="order"><pre slot="expected">
hello from /tmp/lesson
</pre></linux-snippet>`);
    const [first, second, third] = snippets(container);
    const order: LinuxSnippet[] = [];
    container.addEventListener('linux-snippet-done', (e) => order.push(e.target as LinuxSnippet));
    const result = await third.run();
    expect(result).to.deep.equal({ output: 'hello from /tmp/lesson\n', exitCode: 0, passed: true });
    expect(order).to.deep.equal([first, second, third]);
    expect(part(second, 'output').textContent).to.equal('/tmp/lesson\n');
    // One machine: the session's one terminal, in one snippet's shadow root.
    const terminals = snippets(container).filter((s) =>
      s.shadowRoot!.querySelector('linux-terminal'),
    );
    expect(terminals).to.have.length(1);
    // Run again, only the snippet itself runs (the others ran already).
    order.length = 0;
    await second.run();
    expect(order).to.deep.equal([second]);
  });

  it("shows the session's terminal on demand, with the commands and their output", async () => {
    const [first, second] = snippets(
      page(`<pre>cd /tmp; echo first</pre><linux-snippet session="screen"></linux-snippet>
        <pre>echo second in $PWD</pre><linux-snippet session="screen"></linux-snippet>`),
    );
    await second.run();
    const toggle = part(second, 'terminal-button');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await second.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const terminal = second.shadowRoot!.querySelector('linux-terminal')!;
    expect(terminal.status).to.equal('ready'); // moved, not rebooted
    const text = () => terminal.shadowRoot!.querySelector('.xterm-rows')?.textContent ?? '';
    await until(
      () => text().includes('second in /tmp'),
      10_000,
      'the output on the terminal',
      text,
    );
    expect(text()).to.contain('echo second in $PWD');
    expect(text()).not.to.contain('__lt_done');
    expect(text()).not.to.contain('stty');
    await expect(second).to.be.accessible();
    part(first, 'terminal-button').click();
    await first.updateComplete;
    await second.updateComplete;
    expect(first.shadowRoot!.querySelector('linux-terminal')).to.equal(terminal);
    expect(part(second, 'terminal-button').getAttribute('aria-expanded')).to.equal('false');
  });

  it('starts its machine when it scrolls into view; snippets without a session get one each', async () => {
    const container = page(`<div style="height: 300vh"></div>
      <pre>echo a</pre><linux-snippet></linux-snippet>
      <pre>echo b</pre><linux-snippet></linux-snippet>`);
    const [a, b] = snippets(container);
    const terminalOf = (el: LinuxSnippet) => el.shadowRoot!.querySelector('linux-terminal');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(terminalOf(a), 'no machine before it is seen').to.equal(null);
    a.scrollIntoView();
    await until(() => terminalOf(a)?.status === 'ready', 60_000, 'the machine to start unasked');
    await until(() => terminalOf(b) !== null, 10_000, "the other snippet's machine");
    expect(terminalOf(b)).not.to.equal(terminalOf(a));
    expect(a.state).to.equal('idle'); // started, but nothing ran
  });

  it('fails a snippet that runs past its timeout, and the next snippet of the session runs', async () => {
    const [slow, next] = snippets(
      page(`<pre>echo started; sleep 1000</pre><linux-snippet session="slow" timeout="2"></linux-snippet>
        <pre>echo next</pre><linux-snippet session="slow"></linux-snippet>`),
    );
    expect(await slow.run()).to.deep.equal({ output: 'started\n', exitCode: -1, passed: false });
    await slow.updateComplete;
    expect(part(slow, 'status').textContent).to.contain('did not finish within 2 s');
    expect(await next.run()).to.deep.equal({ output: 'next\n', exitCode: 0, passed: true });
  });

  it('is accessible: named buttons, the state and output in polite live regions', async () => {
    const container = page('<pre>echo accessible</pre><linux-snippet></linux-snippet>');
    const [el] = snippets(container);
    await el.updateComplete;
    expect(part(el, 'run-button').getAttribute('aria-label')).to.match(/^Run/);
    await expect(el).to.be.accessible();
    const status = part(el, 'status');
    expect(status.getAttribute('role')).to.equal('status');
    expect(part(el, 'output').getAttribute('aria-live')).to.equal('polite');
    const states: string[] = [];
    const watcher = new MutationObserver(() => states.push(el.getAttribute('state')!));
    watcher.observe(el, { attributes: true, attributeFilter: ['state'] });
    await el.run();
    watcher.disconnect();
    expect(states).to.include('running');
    await el.updateComplete;
    expect(status.textContent).to.equal('Done');
    await expect(el).to.be.accessible();
  });

  it("runs the markdown-it plugin's HTML", async () => {
    const markdown = new MarkdownIt().use(linuxTerminalPlugin);
    const container = page(
      markdown.render(
        [
          '```sh run session=md',
          'cd /etc',
          '```',
          '',
          '```sh run session=md match=lenient',
          'pwd; echo "a < b & c"',
          '```',
          '```output',
          '/etc',
          '...',
          '```',
        ].join('\n'),
      ),
    );
    const [, second] = snippets(container);
    expect(second.match).to.equal('lenient');
    expect(await second.run()).to.deep.equal({
      output: '/etc\na < b & c\n',
      exitCode: 0,
      passed: true,
    });
    expect(second.state).to.equal('passed');
  });
});
