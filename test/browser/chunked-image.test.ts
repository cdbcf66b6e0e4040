// The element on chunked images (docs/image-format.md), served by the test server's image
// middleware (support/image-server.js), which logs requests and breaks chosen blobs.
import { expect, oneEvent } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';
import type { ImageManifest } from '../../src/engine/image/manifest.js';

const MANIFEST = '/src/images/busybox/dist/manifest.json';

/** The default image's manifest served through the middleware with `spec`. */
const served = (spec: string, origin = location.origin) => `${origin}/__image/${spec}${MANIFEST}`;

let tokens = 0;
const newToken = () => `t${Date.now().toString(36)}${tokens++}`;

/** Paths the middleware served under log=`token`. */
async function requested(token: string): Promise<string[]> {
  return (await fetch(`/__image-log/${token}`)).json();
}

async function manifest(): Promise<ImageManifest> {
  return (await fetch(MANIFEST)).json();
}

function start(image: string): LinuxTerminal {
  const el = document.createElement('linux-terminal');
  el.image = image;
  el.autorun = true;
  // Booting from chunks: the kernel and the disk reads of a boot (restoring the image's
  // snapshot instead is snapshot.test.ts's).
  el.boot = 'cold';
  document.body.append(el);
  return el;
}

const blobOf = (path: string) => /([0-9a-f]{64})\.gz$/.exec(path)?.[1];

describe('<linux-terminal> on a chunked image', () => {
  it('boots from chunks, fetching each touched chunk once and no other', async () => {
    const token = newToken();
    const { kernel, disks } = await manifest();
    const el = start(served(`log=${token}`));
    await el.ready;
    const { output } = await el.exec('cat /etc/passwd | head -n 1');
    expect(output).to.match(/^root:/);
    const blobs = (await requested(token)).map(blobOf).filter((b) => b !== undefined);
    expect(new Set(blobs).size, 'each blob fetched once').to.equal(blobs.length);
    expect(blobs).to.include(kernel.sha256);
    const stored = new Set(disks[0].chunks.filter((c) => c !== null));
    const chunksFetched = blobs.filter((b) => stored.has(b));
    expect(chunksFetched.length).to.be.greaterThan(0);
    // Boot reads nearly all of this small image's 2 MB (the kernel's readahead), so here the check
    // is that nothing outside the image's chunks is fetched; that a disk is read only where the
    // guest reads is tested on a disk the boot does not touch (test/node/image-faults.test.ts).
    expect(chunksFetched.length, 'only chunks of the image').to.be.at.most(stored.size);
    expect(blobs.every((b) => b === kernel.sha256 || stored.has(b))).to.equal(true);
    el.remove();
  });

  it('keeps guest writes in memory, read back before the disk', async () => {
    const el = start(served('log=writes'));
    await el.ready;
    const { output } = await el.exec(
      'echo first > /etc/motd && echo second >> /etc/motd && sync && cat /etc/motd',
    );
    expect(output).to.equal('first\nsecond\n');
    el.remove();
  });

  it('refuses a disk chunk whose hash does not match: the guest sees an I/O error', async () => {
    const { disks } = await manifest();
    // Chunk 0 holds the ext2 superblock, which mounting the root reads first.
    const el = start(served(`corrupt=${disks[0].chunks[0]}`));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('chunk-hash-mismatch');
    expect(detail.fatal).to.equal(false);
    expect(detail.message).to.contain(disks[0].chunks[0]!);
    expect(detail.message).to.contain('refused');
    el.remove();
  });

  it('refuses a truncated kernel before booting it', async () => {
    const { kernel } = await manifest();
    const el = start(served(`truncate=${kernel.sha256}`));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('chunk-truncated');
    expect(detail.fatal).to.equal(true);
    expect(el.status).to.equal('error');
    el.remove();
  });

  it('reports a server error after retrying', async () => {
    const token = newToken();
    const { kernel } = await manifest();
    const el = start(served(`log=${token},status=503:all`));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('server-error');
    expect(detail.message).to.contain('503');
    const kernelRequests = (await requested(token)).filter((p) => blobOf(p) === kernel.sha256);
    expect(kernelRequests.length, 'first try and three retries').to.equal(4);
    el.remove();
  });

  it('reports a blob missing from the server', async () => {
    const { kernel } = await manifest();
    const el = start(served(`status=404:${kernel.sha256}`));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('chunk-not-found');
    expect(detail.message).to.contain('404');
    el.remove();
  });

  it('reports a manifest of an unknown version', async () => {
    const text = JSON.stringify({ ...(await manifest()), version: 99 });
    const el = start(URL.createObjectURL(new Blob([text], { type: 'application/json' })));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('manifest-version');
    expect(detail.message).to.contain('version 99');
    el.remove();
  });

  // The same server under another name is another origin.
  const otherOrigin = () => {
    const url = new URL(location.href);
    url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    return url.origin;
  };

  it('reports an image on another origin that sends no CORS headers', async () => {
    const el = start(served('log=nocors', otherOrigin()));
    const { detail } = await oneEvent(el, 'linux-terminal-error');
    expect(detail.code).to.equal('cors-refused');
    expect(detail.message).to.contain('Access-Control-Allow-Origin');
    el.remove();
  });

  it('boots an image on another origin that allows it', async () => {
    const el = start(served('cors', otherOrigin()));
    await el.ready;
    expect((await el.exec('echo $((6 * 7))')).output).to.equal('42\n');
    el.remove();
  });
});
