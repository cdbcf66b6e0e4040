// `persist` (issue 14): each terminal runs in a page of its own (an iframe), which the test
// reloads, as a reader would. A file written and synced is there after the reload with the same
// SHA-256; the shell's variable and working directory survive (the machine is resumed), and so
// does the screen; another key sees none of it; reset() wipes it; a second page with the same key
// runs in memory and says so. Real OPFS, real Web Locks, the real busybox image.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { idbStore } from '../../src/engine/persist/idb-store.js';
import { opfsStore } from '../../src/engine/persist/opfs-store.js';
import type { SessionStore } from '../../src/engine/persist/session-store.js';
import { screenText, until } from './support/page-helpers.js';
import type {
  LinuxTerminal,
  LinuxTerminalErrorDetail,
  LinuxTerminalReadyDetail,
} from '../../src/components/linux-terminal/linux-terminal.js';

const MANIFEST = '/src/images/busybox/dist/manifest.json';
/** Built where CI builds it (npm run images:build -- debian); its test is skipped elsewhere. */
const DEBIAN = '/src/images/debian/dist/manifest.json';

/** A page holding one persisted terminal, and what it said. */
interface Page {
  frame: HTMLIFrameElement;
  el: () => LinuxTerminal;
  ready: LinuxTerminalReadyDetail[];
  errors: LinuxTerminalErrorDetail[];
  output: () => string;
  /** Saves of the whole machine so far. */
  stored: () => number;
}

function pageHtml(key: string, manifest: string): string {
  return `<!doctype html><script type="module" src="/src/components/index.js"></script>
<linux-terminal image="${manifest}" persist="${key}" autorun></linux-terminal>`;
}

/** Watches the terminal of `frame`'s current document (again after each reload). */
function watch(frame: HTMLIFrameElement, page: Page, log: { output: string; stored: number }) {
  const el = frame.contentDocument!.querySelector('linux-terminal') as LinuxTerminal;
  el.addEventListener('linux-terminal-ready', (e) => page.ready.push(e.detail));
  el.addEventListener('linux-terminal-error', (e) => page.errors.push(e.detail));
  el.addEventListener('linux-terminal-output', (e) => (log.output += e.detail.data));
  el.addEventListener('linux-terminal-storage', (e) => {
    if (e.detail.machine) log.stored++;
  });
}

async function openPage(key: string, manifest = MANIFEST): Promise<Page> {
  const frame = document.createElement('iframe');
  frame.style.width = '800px';
  frame.style.height = '400px';
  const log = { output: '', stored: 0 };
  const page: Page = {
    frame,
    el: () => frame.contentDocument!.querySelector('linux-terminal') as LinuxTerminal,
    ready: [],
    errors: [],
    output: () => log.output,
    stored: () => log.stored,
  };
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = pageHtml(key, manifest);
  document.body.append(frame);
  await loaded;
  frame.addEventListener('load', () => {
    log.output = '';
    watch(frame, page, log);
  });
  watch(frame, page, log);
  return page;
}

/** Reloads the page, as a reader does, and waits for the new document. */
async function reload(page: Page): Promise<void> {
  const loaded = new Promise((resolve) =>
    page.frame.addEventListener('load', resolve, { once: true }),
  );
  page.frame.contentWindow!.location.reload();
  await loaded;
}

const readyCount = (page: Page, n: number) =>
  until(() => page.ready.length >= n, 60_000, `ready #${n}`);

describe('persist', function () {
  this.timeout(180_000);
  const pages: Page[] = [];
  const keys: string[] = [];
  const key = (name: string) => {
    const k = `persist-test-${name}-${Math.random().toString(36).slice(2)}`;
    keys.push(k);
    return k;
  };
  afterEach(async () => {
    for (const page of pages.splice(0)) page.frame.remove();
    // Nothing left in this origin's storage for the next test (or run).
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('linux-terminal', { recursive: true }).catch(() => {});
  });

  it('keeps a synced file and the shell (variable, working directory) across a reload', async () => {
    const page = await openPage(key('reload'));
    pages.push(page);
    await readyCount(page, 1);
    expect(page.ready[0]).to.deep.equal({ restored: true, resumed: false });
    const el = page.el();
    await el.exec('head -c 4000000 /dev/urandom > /root/big && sync');
    const { output: sum } = await el.exec('sha256sum /root/big');
    // The shell of the reader, not exec()'s: what only a resumed machine keeps.
    el.send('cd /tmp; X=42; echo "SCREEN-$((6*7))-MARK"\n');
    const before = page.stored();
    await until(() => page.stored() > before, 20_000, 'the session to be stored');
    expect(page.output()).to.contain('SCREEN-42-MARK');
    await reload(page);
    await readyCount(page, 2);
    expect(page.ready[1]).to.deep.equal({ restored: true, resumed: true });
    // The screen the reader left is drawn again, once: the resumed machine prints no more of it.
    expect(page.output()).not.to.contain('SCREEN-42-MARK');
    await until(() => screenText(page.el()).includes('SCREEN-42-MARK'), 5_000, 'the saved screen');
    expect(screenText(page.el()).split('SCREEN-42-MARK').length).to.equal(2);
    expect((await page.el().exec('sha256sum /root/big')).output).to.equal(sum);
    page.el().send('echo "[$X:$PWD]"\n');
    await until(() => page.output().includes('[42:/tmp]'), 20_000, 'the shell to answer');
    expect(page.errors).to.deep.equal([]);
  });

  it('keeps a 20 MB file written and synced in Debian across a reload, byte for byte', async function () {
    if (!(await fetch(DEBIAN, { method: 'HEAD' })).ok) this.skip();
    const page = await openPage(key('debian'), DEBIAN);
    pages.push(page);
    await readyCount(page, 1);
    const written = await page
      .el()
      .exec('head -c 20000000 /dev/urandom > /root/big && sync && sha256sum /root/big', {
        timeout: 120_000,
      });
    expect(written.exitCode).to.equal(0);
    await reload(page);
    await readyCount(page, 2);
    const read = await page.el().exec('sha256sum /root/big', { timeout: 120_000 });
    expect(read.output).to.equal(written.output.split('\n').at(-2) + '\n');
  });

  it('keeps sessions of two keys apart, and reset() wipes one', async () => {
    const a = await openPage(key('a'));
    pages.push(a);
    await readyCount(a, 1);
    await a.el().exec('echo kept > /root/a.txt && sync');
    const b = await openPage(key('b'));
    pages.push(b);
    await readyCount(b, 1);
    expect((await b.el().exec('cat /root/a.txt')).exitCode).to.not.equal(0);

    const stored = a.stored();
    await until(() => a.stored() > stored, 20_000, 'a to be stored');
    await reload(a);
    await readyCount(a, 2);
    expect((await a.el().exec('cat /root/a.txt')).output).to.equal('kept\n');
    await a.el().reset();
    await readyCount(a, 3);
    expect(a.ready[2].resumed).to.equal(false);
    expect((await a.el().exec('cat /root/a.txt')).exitCode).to.not.equal(0);
  });

  it('runs a second page of the same key in memory, and says so', async () => {
    const shared = key('shared');
    const first = await openPage(shared);
    pages.push(first);
    await readyCount(first, 1);
    const second = await openPage(shared);
    pages.push(second);
    await readyCount(second, 1);
    expect(second.errors.map((e) => [e.code, e.fatal])).to.deep.equal([['session-locked', false]]);
    expect(first.errors).to.deep.equal([]);
  });

  it('runs on in memory when the browser refuses to store more, and says so', async () => {
    const { usage = 0 } = await navigator.storage.estimate();
    // Room for the session's first save, not for 4 MB more.
    await executeServerCommand('storage-quota', {
      origin: location.origin,
      bytes: usage + (2 << 20),
    });
    try {
      const page = await openPage(key('quota'));
      pages.push(page);
      await readyCount(page, 1);
      await page.el().exec('head -c 4000000 /dev/urandom > /root/big; sync');
      await until(() => page.errors.length > 0, 20_000, 'the quota error');
      expect(page.errors.map((e) => [e.code, e.fatal])).to.deep.equal([['storage-quota', false]]);
      // The machine runs on.
      expect((await page.el().exec('echo on')).output).to.equal('on\n');
    } finally {
      await executeServerCommand('storage-quota', { origin: location.origin });
    }
  });
});

describe('session stores', () => {
  const stores: [string, (name: string) => Promise<SessionStore | undefined>][] = [
    ['OPFS', opfsStore],
    ['IndexedDB', idbStore],
  ];
  for (const [kind, open] of stores)
    it(`${kind}: blobs and records round-trip, the newest whole record wins, clear() empties`, async () => {
      const name = `contract-${Math.random().toString(36).slice(2)}`;
      const store = (await open(name))!;
      const blob = crypto.getRandomValues(new Uint8Array(5000));
      await store.writeBlobs(new Map([['a'.repeat(64), blob]]));
      expect(await store.readBlob('a'.repeat(64))).to.deep.equal(blob);
      expect(await store.readBlob('b'.repeat(64))).to.equal(undefined);
      expect(await store.readRecord()).to.equal(undefined);
      await store.writeRecord('first');
      await store.writeRecord('second');
      // Opened again: what is stored, not what this object remembers.
      const again = (await open(name))!;
      expect(again.blobs.has('a'.repeat(64))).to.equal(true);
      // Its size comes in the background (reading every size would hold up a resume).
      await until(() => again.blobs.get('a'.repeat(64)) === 5000, 5_000, 'the size');
      expect(await again.readRecord()).to.equal('second');
      if (kind === 'OPFS') {
        // A write of the newer slot cut short: the older record is read.
        const folder = await (
          await (await navigator.storage.getDirectory()).getDirectoryHandle('linux-terminal')
        ).getDirectoryHandle(name);
        const writable = await (await folder.getFileHandle('record-b')).createWritable();
        await writable.write('3 0000');
        await writable.close();
        expect(await (await open(name))!.readRecord()).to.equal('first');
      }
      await again.deleteBlobs(['a'.repeat(64)]);
      expect(await again.readBlob('a'.repeat(64))).to.equal(undefined);
      await again.clear();
      const cleared = (await open(name))!;
      expect(await cleared.readRecord()).to.equal(undefined);
      expect(cleared.blobs.size).to.equal(0);
      await cleared.clear();
    });
});
