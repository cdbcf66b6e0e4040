// The element against a hostile server (test/support/fault-server.js, mounted by the test
// runner under /__faults/<fault>:<target>/): a kernel that dies because its root disk cannot be
// read is reported as the disk error, not as a bare kernel panic (issue 11, "the root cause
// first"); a manifest that never comes ends in `network-timeout`; a manifest that is an HTML page
// is refused as not a manifest.
import { expect, oneEvent } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';
import type { ImageManifest } from '../../src/engine/image/manifest.js';

const MANIFEST = 'src/images/busybox/dist/manifest.json';

/** The default image's manifest, served with `faults` (comma-separated `<fault>:<target>`). */
const served = (faults: string) => `/__faults/${faults}/${MANIFEST}`;

async function manifest(): Promise<ImageManifest> {
  return (await fetch(`/${MANIFEST}`)).json();
}

/** Starts an element on `image` and resolves with its first fatal error. */
async function fatalError(image: string) {
  const el = document.createElement('linux-terminal') as LinuxTerminal;
  el.image = image;
  el.autorun = true;
  el.boot = 'cold'; // a kernel that boots reads its root disk (a restored one has it cached)
  const errors: { code: string; message: string; fatal: boolean }[] = [];
  el.addEventListener('linux-terminal-error', (event) => errors.push(event.detail));
  document.body.append(el);
  try {
    for (;;) {
      const { detail } = await oneEvent(el, 'linux-terminal-error');
      if (detail.fatal) return { fatal: detail, errors };
    }
  } finally {
    el.remove();
  }
}

describe('<linux-terminal> against a faulty image server', () => {
  for (const [fault, code] of [
    ['404', 'chunk-not-found'],
    ['bomb', 'chunk-too-large'],
  ] as const) {
    it(`names the disk error (${code}) when the kernel stops for want of its root disk`, async () => {
      // Chunk 0 holds the root file system's superblock: without it the kernel cannot mount /.
      const chunk0 = (await manifest()).disks[0].chunks[0]!;
      const { fatal, errors } = await fatalError(served(`${fault}:${chunk0}`));
      expect(fatal.code).to.equal(code);
      expect(fatal.message).to.contain('The Linux kernel stopped after a disk read failed');
      expect(fatal.message).to.contain(`${chunk0}.gz`);
      expect(fatal.message).to.contain('Kernel panic');
      // The disk errors came first, as non-fatal events of the same code.
      expect(errors[0].fatal).to.equal(false);
      expect(errors[0].code).to.equal(code);
    });
  }

  it('gives up on a manifest that never comes, with network-timeout (15 s)', async () => {
    const started = performance.now();
    const { fatal } = await fatalError(served('stall:manifest.json'));
    expect(fatal.code).to.equal('network-timeout');
    expect(fatal.message).to.contain('manifest.json sent no response for 15 s');
    expect(performance.now() - started).to.be.lessThan(25_000);
  });

  it('refuses a manifest that is an HTML page served with 200', async () => {
    const { fatal } = await fatalError(served('html:manifest.json'));
    expect(fatal.code).to.equal('manifest-invalid');
    expect(fatal.message).to.contain('not JSON');
  });
});
