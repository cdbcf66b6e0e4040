// Snapshots in the page (issue 12): the busybox element resumes the image's snapshot instead of
// booting (without fetching the kernel), and after the restore the page's files, script and
// exec() work as after a boot, the guest's clock is the host's and its random state its own;
// boot="cold" boots; saveState() and restoreState() carry a session, disk writes included, to
// another element; a damaged state or a snapshot of another disk ends in a cold boot that
// reaches its prompt, with the error's code in a non-fatal event.
import { expect } from '@open-wc/testing';
import '../../src/components/index.js';
import type {
  LinuxTerminal,
  LinuxTerminalErrorDetail,
  LinuxTerminalReadyDetail,
} from '../../src/components/linux-terminal/linux-terminal.js';
import type { ImageManifest } from '../../src/engine/image/manifest.js';
import { rejection } from './support/page-helpers.js';

const MANIFEST = '/src/images/busybox/dist/manifest.json';

/** What an element said while it came up: its `ready` details and its errors, in order. */
interface Watched {
  el: LinuxTerminal;
  ready: LinuxTerminalReadyDetail[];
  errors: LinuxTerminalErrorDetail[];
}

/** An element in the page (not started unless `autorun`), with its events recorded. */
function terminal(setup: (el: LinuxTerminal) => void = () => {}): Watched {
  const el = document.createElement('linux-terminal');
  setup(el);
  const watched: Watched = { el, ready: [], errors: [] };
  el.addEventListener('linux-terminal-ready', (event) => watched.ready.push(event.detail));
  el.addEventListener('linux-terminal-error', (event) => watched.errors.push(event.detail));
  document.body.append(el);
  return watched;
}

const autorun = (setup: (el: LinuxTerminal) => void = () => {}) =>
  terminal((el) => {
    el.autorun = true;
    setup(el);
  });

/** Counts the page's Workers from now on, `live` of them running already: the most at once. */
function countWorkers(live: number) {
  const Original = window.Worker;
  const terminate = Original.prototype.terminate;
  const ended = new WeakSet<Worker>();
  let most = live;
  // On the prototype, so that Workers made before counting are counted when they end.
  Original.prototype.terminate = function (this: Worker) {
    if (!ended.has(this)) live--;
    ended.add(this);
    terminate.call(this);
  };
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      most = Math.max(most, ++live);
    }
  };
  return {
    most: () => most,
    restore: () => {
      window.Worker = Original;
      Original.prototype.terminate = terminate;
    },
  };
}

/** Polls `probe` until it returns something, for at most `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`nothing within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Bytes = Uint8Array<ArrayBuffer>;

async function gzip(bytes: Bytes, direction: 'compress' | 'decompress'): Promise<Bytes> {
  const stream = new Blob([bytes])
    .stream()
    .pipeThrough(
      direction === 'compress' ? new CompressionStream('gzip') : new DecompressionStream('gzip'),
    );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('<linux-terminal> snapshots', function () {
  this.timeout(180_000);
  const elements: LinuxTerminal[] = [];
  const track = (watched: Watched) => (elements.push(watched.el), watched);
  afterEach(() => elements.splice(0).forEach((el) => el.remove()));

  it("restores the image's snapshot without its kernel; files, script and exec() work", async () => {
    const manifest: ImageManifest = await (await fetch(MANIFEST)).json();
    expect(manifest.snapshot, 'the busybox image has a snapshot').to.be.an('object');
    const log = `restore-${Date.now()}`;
    const holder = document.createElement('div');
    holder.innerHTML = `<linux-terminal autorun image="/__image/log=${log}${MANIFEST}"
        script="echo script-$((40 + 2)) > /tmp/script-ran">
        <linux-file path="/root/probe.txt">from the page</linux-file>
      </linux-terminal>`;
    const el = holder.querySelector('linux-terminal')!;
    const ready: LinuxTerminalReadyDetail[] = [];
    el.addEventListener('linux-terminal-ready', (event) => ready.push(event.detail));
    elements.push(el);
    document.body.append(el);
    await el.ready;
    expect(ready).to.deep.equal([{ restored: true, resumed: false }]);
    // ready waited for the files.
    expect(await el.exec('cat /root/probe.txt')).to.deep.equal({
      exitCode: 0,
      output: 'from the page\n',
      truncated: false,
    });
    expect((await el.exec('echo hi')).output).to.equal('hi\n');
    // The script's line is typed at the redrawn prompt, as after a boot.
    const typed = await eventually(async () => {
      const { exitCode, output } = await el.exec('cat /tmp/script-ran 2>/dev/null');
      return exitCode === 0 ? output : undefined;
    }, 15_000);
    expect(typed).to.equal('script-42\n');
    const fetched: string[] = await (await fetch(`/__image-log/${log}`)).json();
    expect(fetched.some((path) => path.includes(manifest.snapshot!.state.sha256))).to.equal(true);
    expect(fetched.some((path) => path.includes(manifest.kernel.sha256))).to.equal(false);
  });

  it('boots cold with boot="cold"', async () => {
    const { el, ready } = track(autorun((el) => (el.boot = 'cold')));
    await el.ready;
    expect(ready).to.deep.equal([{ restored: false, resumed: false }]);
    expect((await el.exec('echo cold')).output).to.equal('cold\n');
  });

  it("sets the restored guest's clock to the host's", async () => {
    const { el } = track(autorun());
    await el.ready;
    const { output } = await el.exec('date +%s');
    expect(Math.abs(Number(output) - Date.now() / 1000)).to.be.lessThan(2);
  });

  it('gives two restores of one snapshot different random numbers', async () => {
    const [a, b] = [track(autorun()), track(autorun())];
    const read = 'head -c 16 /dev/urandom | od -An -tx1';
    const [first, second] = await Promise.all([a.el.exec(read), b.el.exec(read)]);
    expect(a.ready[0].restored && b.ready[0].restored).to.equal(true);
    expect(first.output.trim()).to.match(/^[0-9a-f]{2}( [0-9a-f]{2}){15}$/);
    expect(first.output).to.not.equal(second.output);
  });

  describe('saveState() and restoreState()', () => {
    let saved: Blob;

    before(async function () {
      this.timeout(180_000);
      const el = document.createElement('linux-terminal');
      el.autorun = true;
      document.body.append(el);
      try {
        // Written to the root disk and synced: the page cache and the overlay both hold it.
        const wrote = await el.exec('echo kept across pages > /root/session.txt && sync', {
          timeout: 120_000,
        });
        expect(wrote.exitCode).to.equal(0);
        saved = await el.saveState();
      } finally {
        el.remove();
      }
    });

    it('resumes a saved session, its disk writes included, in another element', async () => {
      const { el, ready } = track(autorun());
      await el.ready; // running (restored from the image) before it is replaced
      const workers = countWorkers(1);
      try {
        await el.restoreState(saved);
      } finally {
        workers.restore();
      }
      // The old machine's Worker was gone before the new one started.
      expect(workers.most()).to.equal(1);
      expect(ready).to.deep.equal([
        { restored: true, resumed: false },
        { restored: true, resumed: false },
      ]);
      expect(el.status).to.equal('ready');
      expect((await el.exec('cat /root/session.txt')).output).to.equal('kept across pages\n');
      // A restore writes nothing back: the written page is in the overlay, not in the image.
      expect(
        (await el.exec('sync; echo 3 > /proc/sys/vm/drop_caches; cat /root/session.txt')).output,
      ).to.equal('kept across pages\n');
    });

    it('rejects saveState() while an exec() runs, with busy, and saves after it', async () => {
      const { el } = track(autorun());
      await el.ready;
      const sleeping = el.exec('sleep 1; echo slept');
      expect((await rejection(el.saveState())).code).to.equal('busy');
      expect((await sleeping).output).to.equal('slept\n');
      expect((await el.saveState()).size).to.be.greaterThan(0);
    });

    it('rejects saveState() on an element that runs no machine, with stopped', async () => {
      const { el } = track(terminal());
      expect((await rejection(el.saveState())).code).to.equal('stopped');
    });

    const damaged: [string, string, (bundle: Bytes) => Promise<Bytes>][] = [
      ['cut in half', 'snapshot-corrupt', async (b) => b.slice(0, b.length >> 1)],
      [
        'with a byte of a blob changed',
        'snapshot-chunk-mismatch',
        async (b) => {
          const inflated = await gzip(b, 'decompress');
          inflated[inflated.length >> 1] ^= 0x40; // in the middle: inside a RAM chunk
          return gzip(inflated, 'compress');
        },
      ],
    ];
    for (const [what, code, damage] of damaged)
      it(`boots cold from a state ${what}: ${code}, rejected and in a non-fatal event`, async () => {
        const bundle = new Uint8Array(await saved.arrayBuffer());
        const { el, ready, errors } = track(terminal()); // the poster: restoreState() starts it
        const error = await rejection(el.restoreState(new Blob([await damage(bundle)])));
        expect(error.code).to.equal(code);
        expect(errors.map((e) => [e.code, e.fatal])).to.deep.equal([[code, false]]);
        expect(errors[0].message).to.contain('boots cold instead');
        await el.ready;
        expect(ready).to.deep.equal([{ restored: false, resumed: false }]);
        expect((await el.exec('echo cold')).output).to.equal('cold\n');
      });
  });

  it('boots cold when the snapshot was taken on another disk (snapshot-disk-mismatch)', async () => {
    const manifest: ImageManifest = await (await fetch(MANIFEST)).json();
    // The same image, whose snapshot names another disk; its blobs stay where they are.
    manifest.blobs = new URL('blobs/', new URL(MANIFEST, location.href)).href;
    manifest.snapshot!.disks[0].fingerprint = 'ab'.repeat(32);
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(manifest)], { type: 'application/json' }),
    );
    try {
      const { el, ready, errors } = track(autorun((el) => (el.image = url)));
      await el.ready;
      expect(ready).to.deep.equal([{ restored: false, resumed: false }]);
      expect(errors.map((e) => [e.code, e.fatal])).to.deep.equal([
        ['snapshot-disk-mismatch', false],
      ]);
      expect(errors[0].message).to.contain('another disk');
    } finally {
      URL.revokeObjectURL(url);
    }
  });
});
