// The busybox image (the default): a tinyconfig kernel and a static BusyBox on an ext2 root disk.
// See the header of scripts/build-images.mjs.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { BuildError, onPath, packageVersion, run, step } from './commands.mjs';
import { compileGuestProgram } from './guest-programs.mjs';
import { pruneImageFolder } from './image-folder.mjs';
import { checkBuiltConfig, optionsNotApplied, parseKconfig } from './kconfig.mjs';
import { buildKernel, builtKernel } from './kernel.mjs';
import { changelogEpoch, reproducibleEnv } from './reproducible.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The image builder is the package's own TypeScript.
const { buildImage } = await tsImport('../../src/images/builder/build-image.ts', import.meta.url);
const { snapshotImage } = await tsImport(
  '../../src/images/builder/image-snapshot.ts',
  import.meta.url,
);
const { ext2FromFolder } = await tsImport(
  '../../src/images/builder/ext2-from-folder.ts',
  import.meta.url,
);

const BUSYBOX_DISK_SIZE = 16 << 20;
const BUSYBOX_CHUNK_SIZE = 64 << 10;
// No initramfs: the kernel mounts the ext2 disk as / and runs /init from it (there is no
// /sbin/init, and /bin/sh would be found before anything else).
const BUSYBOX_CMDLINE = 'console=ttyS0 root=/dev/vda rw rootfstype=ext2 init=/init';

/** Debian packages that building BusyBox needs besides the kernel's. */
export const busyboxPrerequisites = [
  {
    pkg: 'libc6-dev-riscv64-cross',
    present: () => existsSync('/usr/riscv64-linux-gnu/lib/libc.a'),
  },
  { pkg: 'dpkg-dev', present: () => onPath('dpkg-source') },
];

/** Fetches Debian's busybox source package into `work` and builds a static BusyBox. */
function buildBusybox({ work, recipe, jobs, clean }) {
  const sources = join(work, 'busybox-source');
  if (clean) rmSync(sources, { recursive: true, force: true });
  const findTree = () =>
    existsSync(sources) && readdirSync(sources).find((name) => /^busybox-\d/.test(name));
  if (!findTree()) {
    step("fetching Debian's busybox source package", () => {
      rmSync(sources, { recursive: true, force: true });
      mkdirSync(sources, { recursive: true });
      try {
        run('apt-get', ['source', 'busybox'], { cwd: sources, log: join(work, 'busybox.log') });
      } catch (error) {
        throw new BuildError(
          'IMAGES-SOURCE',
          `${error.message}\n'apt-get source busybox' needs a deb-src entry for bookworm. Add ` +
            '/etc/apt/sources.list.d/debian-src.sources with\n' +
            '  Types: deb-src\n  URIs: http://deb.debian.org/debian\n  Suites: bookworm\n' +
            '  Components: main\n  Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' +
            'then run apt-get update and this again.',
        );
      }
    });
  }
  const tree = join(sources, findTree());
  const changelog = readFileSync(join(tree, 'debian/changelog'), 'utf8');
  const version = /^busybox \(([^)]+)\)/.exec(changelog)?.[1] ?? 'unknown';
  const env = reproducibleEnv(changelogEpoch(changelog));
  const log = join(work, 'busybox.log');
  writeFileSync(log, '');
  const make = (...args) => run('make', ['-C', tree, ...args], { env, log });
  const fragmentPath = join(recipe, 'busybox.config');
  step(`configuring BusyBox ${version} (defconfig + busybox.config)`, () => {
    make('defconfig');
    const fragment = parseKconfig(readFileSync(fragmentPath, 'utf8'));
    let config = readFileSync(join(tree, '.config'), 'utf8');
    for (const [symbol, value] of fragment) {
      const line = value === 'n' ? `# ${symbol} is not set` : `${symbol}=${value}`;
      const existing = new RegExp(`^(# ${symbol} is not set|${symbol}=.*)$`, 'm');
      config = existing.test(config) ? config.replace(existing, line) : `${config}${line}\n`;
    }
    writeFileSync(join(tree, '.config'), config);
    // Options that appear because of the changes take their defaults.
    run('sh', ['-c', 'yes "" | make oldconfig'], { cwd: tree, env, log });
    const lost = optionsNotApplied(fragment, readFileSync(join(tree, '.config'), 'utf8'));
    if (lost.length) {
      throw new BuildError(
        'IMAGES-KCONFIG',
        `these busybox.config options did not stick:\n  ${lost.join('\n  ')}`,
      );
    }
  });
  step(`building BusyBox with ${jobs} jobs (1 to 3 minutes on 2 cores)`, () => {
    make(`-j${jobs}`, 'busybox');
    make('busybox.links');
  });
  return builtBusybox({ work, recipe });
}

/** The BusyBox built in `work` (by buildBusybox now, or earlier for --no-build). */
function builtBusybox({ work, recipe }) {
  const sources = join(work, 'busybox-source');
  const name = existsSync(sources) && readdirSync(sources).find((n) => /^busybox-\d/.test(n));
  const tree = name && join(sources, name);
  if (!tree || !existsSync(join(tree, 'busybox')) || !existsSync(join(tree, 'busybox.links'))) {
    throw new BuildError(
      'IMAGES-NOT-BUILT',
      `there is no BusyBox built in ${sources}; run without --no-build`,
    );
  }
  checkBuiltConfig(tree, [join(recipe, 'busybox.config')]);
  const changelog = readFileSync(join(tree, 'debian/changelog'), 'utf8');
  const links = readFileSync(join(tree, 'busybox.links'), 'utf8').split('\n').filter(Boolean);
  return {
    binary: join(tree, 'busybox'),
    links,
    version: /^busybox \(([^)]+)\)/.exec(changelog)?.[1] ?? 'unknown',
  };
}

/**
 * Compiles the image's C programs (src/images/guest/) into `work`/guest, which rootfs.list calls
 * @GUEST@. Every build does, --no-build too: they take a second.
 */
function buildGuestPrograms({ work }) {
  const guest = join(work, 'guest');
  mkdirSync(guest, { recursive: true });
  const log = join(work, 'guest.log');
  writeFileSync(log, '');
  // Static: the image has no shared C library (BusyBox is static too).
  for (const name of ['lt-agent', 'lt-resume'])
    compileGuestProgram(name, join(guest, name), { linkStatic: true, log });
  return guest;
}

/**
 * Stages the root file system in `work`/rootfs: rootfs.list plus BusyBox and its applet links,
 * with the modes listed (owners and times are set by the image builder).
 */
function stageRootfs({ work, recipe, busybox, guest }) {
  const rootfs = join(work, 'rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  const entries = new Map(); // path → [type, path, source?, mode]
  for (const raw of readFileSync(join(recipe, 'rootfs.list'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line
      .replaceAll('@RECIPE@', recipe)
      .replaceAll('@BUSYBOX@', busybox.binary)
      .replaceAll('@GUEST@', guest)
      .split(/\s+/);
    entries.set(fields[1], fields);
  }
  for (const link of busybox.links) {
    if (!entries.has(link)) entries.set(link, ['slink', link, '/bin/busybox']);
  }
  for (const path of [...entries.keys()]) {
    for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) {
      if (!entries.has(dir)) entries.set(dir, ['dir', dir, '0755']);
    }
  }
  // Sorted, so every folder is made before what it holds.
  const paths = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const [type, , ...rest] = entries.get(path);
    const target = join(rootfs, path);
    if (type === 'dir') {
      mkdirSync(target, { recursive: true });
      chmodSync(target, parseInt(rest[0], 8));
    } else if (type === 'file') {
      copyFileSync(rest[0], target);
      chmodSync(target, parseInt(rest[1], 8));
    } else if (type === 'slink') symlinkSync(rest[0], target);
    else
      throw new BuildError(
        'IMAGES-ROOTFS',
        `rootfs.list: unknown entry type '${type}' for ${path}`,
      );
  }
  return rootfs;
}

export async function buildBusyboxImage({ work, out, jobs, clean, compile }) {
  const recipe = join(root, 'src/images/busybox');
  const fragments = [join(recipe, 'kernel.config')];
  mkdirSync(work, { recursive: true });
  const kernel = compile
    ? buildKernel({ work, fragments, jobs, clean })
    : builtKernel({ work, fragments });
  const busybox = compile
    ? buildBusybox({ work, recipe, jobs, clean })
    : builtBusybox({ work, recipe });
  const guest = step('compiling lt-agent and lt-resume', () => buildGuestPrograms({ work }));
  const disk = join(work, 'rootfs.ext2');
  step('making the root file system (ext2, 16 MiB)', () => {
    const rootfs = stageRootfs({ work, recipe, busybox, guest });
    // Kept in `work`, to look at with debugfs or to boot in QEMU by hand.
    ext2FromFolder(rootfs, disk, { size: BUSYBOX_DISK_SIZE, align: BUSYBOX_CHUNK_SIZE });
  });
  const { manifest, blobsWritten, blobsKept } = await buildImage({
    kernel: kernel.image,
    disks: [disk],
    chunkSize: BUSYBOX_CHUNK_SIZE,
    cmdline: BUSYBOX_CMDLINE,
    memoryMiB: 128,
    name: 'busybox',
    // The Debian packages the bytes depend on: the same versions build the same blobs.
    builtFrom: {
      'linux-source-6.1': kernel.version,
      busybox: busybox.version,
      'gcc-12-riscv64-linux-gnu': packageVersion('gcc-12-riscv64-linux-gnu'),
      'binutils-riscv64-linux-gnu': packageVersion('binutils-riscv64-linux-gnu'),
      'libc6-dev-riscv64-cross': packageVersion('libc6-dev-riscv64-cross'),
      e2fsprogs: packageVersion('e2fsprogs'),
    },
    out,
  });
  console.log(`images: ${blobsWritten} blobs written, ${blobsKept} unchanged`);
  // The snapshot readers restore instead of booting: the machine at its first prompt.
  const snapshot = await snapshotImage(join(out, 'manifest.json'), { log: console.log });
  const withSnapshot = { ...manifest, snapshot };
  pruneImageFolder(out, withSnapshot);
  return withSnapshot;
}
