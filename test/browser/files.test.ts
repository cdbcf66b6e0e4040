// Files in and out of the guest from a page, on the real busybox image: writeFile() and
// readFile() carry 50 MB byte for byte, text goes in and out as UTF-8, failures have their codes,
// download() hands the file to an <a download>, and a file dropped on the terminal lands in the
// shell's working folder with a note on the screen.
import { expect } from '@open-wc/testing';
import type { LinuxTerminal } from '../../src/components/index.js';
import { bootedTerminal, rejection, screenText, sha256Hex, until } from './support/page-helpers.js';

describe('files', function () {
  this.timeout(600_000);
  let el: LinuxTerminal;
  const screen = () => screenText(el);

  before(async () => (el = await bootedTerminal()));

  after(() => el.remove());

  it('writeFile() and readFile() carry 50 MB of random bytes with the same SHA-256', async () => {
    const data = new Uint8Array(50_000_000);
    for (let at = 0; at < data.length; at += 65536)
      crypto.getRandomValues(data.subarray(at, at + 65536));
    const digest = await sha256Hex(data);
    // /tmp is a tmpfs: the guest's memory holds it, its 16 MiB disk would not.
    await el.writeFile('/tmp/big', data, { timeout: 300_000 });
    expect(data.length, "the page's own buffer is left to it").to.equal(50_000_000);
    const { output } = await el.exec('sha256sum /tmp/big', { timeout: 60_000 });
    expect(output.split(' ')[0]).to.equal(digest);
    const back = await el.readFile('/tmp/big', { timeout: 300_000 });
    expect(back).to.be.instanceOf(Uint8Array);
    expect(back.length).to.equal(data.length);
    expect(await sha256Hex(back)).to.equal(digest);
    await el.exec('rm /tmp/big');
  });

  it('writes a string as UTF-8 and reads it back as text', async () => {
    const text = 'héllo wörld ✓\nsecond line\n';
    await el.writeFile('notes.txt', text);
    expect(await el.readFile('/root/notes.txt', 'utf8')).to.equal(text);
    expect(await el.readFile('notes.txt', { encoding: 'utf8' })).to.equal(text);
    const { output } = await el.exec('wc -c < notes.txt');
    expect(Number(output)).to.equal(new TextEncoder().encode(text).length);
  });

  it('rejects with a code and a sentence for a missing folder, a folder and a missing file', async () => {
    const noFolder = await rejection(el.writeFile('/root/no/such/file', 'x'));
    expect(noFolder.code).to.equal('file-not-found');
    expect(noFolder.message).to.match(/The folder \/root\/no\/such does not exist in the guest/);
    expect((await rejection(el.writeFile('/root', 'x'))).code).to.equal('is-a-directory');
    expect((await rejection(el.readFile('/root/not-there'))).code).to.equal('file-not-found');
    const wrongType = await rejection(el.writeFile('x', 42 as unknown as string));
    expect(wrongType.code).to.equal('invalid-argument');
  });

  it('download() saves the file through a Blob URL and an <a download>', async () => {
    await el.writeFile('report.txt', 'the report\n');
    const blobs = new Map<string, Blob>();
    const clicked: { href: string; download: string }[] = [];
    const createObjectURL = URL.createObjectURL;
    const click = HTMLAnchorElement.prototype.click;
    URL.createObjectURL = (blob: Blob) => {
      const url = createObjectURL(blob);
      blobs.set(url, blob);
      return url;
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    };
    try {
      await el.download('report.txt');
      await el.download('/root/report.txt', 'saved.txt');
    } finally {
      URL.createObjectURL = createObjectURL;
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked.map((c) => c.download)).to.deep.equal(['report.txt', 'saved.txt']);
    for (const { href } of clicked) expect(await blobs.get(href)!.text()).to.equal('the report\n');
    expect(el.shadowRoot!.querySelector('a[download]'), 'the link is removed').to.equal(null);
  });

  it("writes a dropped file to the shell's working folder and says so on the terminal", async () => {
    el.send('mkdir -p /root/dropzone && cd /root/dropzone\r');
    await until(() => screen().includes(':~/dropzone# '), 60_000, 'the shell in /root/dropzone');
    const file = new File(['dropped bytes\n'], 'dropped.txt');
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(file);
    const base = el.shadowRoot!.querySelector<HTMLElement>('.base')!;
    const drag = (type: string) => {
      const event = new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true });
      base.dispatchEvent(event);
      return event;
    };
    expect(drag('dragenter').defaultPrevented).to.equal(true);
    expect(drag('dragover').defaultPrevented, 'the drop is allowed').to.equal(true);
    await el.updateComplete;
    expect(base.classList.contains('dragging')).to.equal(true);
    expect(getComputedStyle(base).outlineStyle).to.equal('dashed');
    expect(drag('drop').defaultPrevented, 'the browser does not open the file').to.equal(true);
    await el.updateComplete;
    expect(base.classList.contains('dragging')).to.equal(false);
    await until(
      () => screen().includes('linux-terminal: wrote dropped.txt (14 B) to /root/dropzone'),
      60_000,
      'the note',
    );
    // The prompt is drawn again below the note.
    expect(screen()).to.match(/to \/root\/dropzone\s*root@linux-terminal:~\/dropzone# /);
    expect(await el.exec('cat /root/dropzone/dropped.txt')).to.deep.equal({
      exitCode: 0,
      output: 'dropped bytes\n',
      truncated: false,
    });
  });

  it('says on the terminal why a dropped file could not be written', async () => {
    el.send('cd /proc\r');
    await until(() => screen().includes(':/proc# '), 60_000, 'the shell in /proc');
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(new File(['x'], 'nowhere.txt'));
    const base = el.shadowRoot!.querySelector<HTMLElement>('.base')!;
    base.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true }));
    await until(
      () =>
        screen().includes('linux-terminal: nowhere.txt was not written: The guest does not allow'),
      60_000,
      'the note of the failure',
    );
    el.send('cd\r');
  });
});
