// Builds the guest images from Debian packages only, reproducibly, and writes what the emulator
// loads into src/images/<name>/dist/: an image in the format of docs/image-format.md,
// manifest.json and the gzip'd blobs it names. busybox's is committed (so nobody else needs the
// cross toolchain); debian's is too large to commit and is built where it is needed.
//
//   node scripts/build-images.mjs [busybox|debian...] [--no-build] [--check] [--qemu] [--clean]
//                                 [--work DIR] [--out DIR] [--mirror URL] [--install]
//
//   --no-build  do not compile or bootstrap: pack the image from what is already built in the
//               work folder (kernel, BusyBox, the Debian root; seconds instead of minutes)
//   --check     pack nothing: check the image in the output folder against its manifest
//   --qemu      afterwards, boot the image in Debian's QEMU on ttyS0 and drive a shell session
//               (prompt, a command, Ctrl-C, poweroff); prints the boot time
//   --clean     start from freshly unpacked sources
//   --work DIR  build folder (default build/images/<name>)
//   --out DIR   the image's folder (default src/images/<name>/dist); blobs there that the new
//               manifest does not name are deleted
//   --mirror URL  debian: the Debian archive to bootstrap from (default: the host apt's)
//   --install   install missing Debian packages with apt-get (as root) instead of listing them
//
// busybox (scripts/images/busybox.mjs): Linux from linux-source-6.1 (`make tinyconfig` +
// kernel.config) and a static BusyBox from Debian's busybox source package (`make defconfig` +
// busybox.config), both built with gcc-riscv64-linux-gnu; its root file system, on the virtio
// disk /dev/vda (ext2, no initramfs), is /init, BusyBox with a symlink per applet, and the few
// files listed in rootfs.list. Every timestamp is fixed: the kernel and BusyBox carry the dates
// of their Debian changelogs, the disk's files one fixed time. Building twice from the same
// Debian packages gives the same bytes.
//
// debian (scripts/images/debian.mjs, src/images/debian/README.md): the same kernel with
// debian/kernel.config added, and Debian trixie riscv64 bootstrapped with debootstrap, its
// second stage run under QEMU, on an ext4 root disk. Needs root (debootstrap).
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, onPath, run, step } from './images/commands.mjs';
import { buildBusyboxImage, busyboxPrerequisites } from './images/busybox.mjs';
import { buildDebianImage, debianPrerequisites } from './images/debian.mjs';
import { readImage, summarize } from './images/image-folder.mjs';
import { kernelPrerequisites } from './images/kernel.mjs';
import { bootInQemu } from './images/qemu.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What packing an image (with or without compiling) needs. */
const packPrerequisites = [
  { pkg: 'e2fsprogs', present: () => onPath('mke2fs') && onPath('debugfs') },
];
const qemuPrerequisites = [
  { pkg: 'qemu-system-misc', present: () => onPath('qemu-system-riscv64') },
];

/**
 * The recipes: `build` makes the image; `prerequisites` are the Debian packages compiling needs;
 * `timed` are commands whose run time --qemu reports.
 */
const images = {
  busybox: {
    build: buildBusyboxImage,
    prerequisites: [...kernelPrerequisites, ...busyboxPrerequisites],
    timed: [],
  },
  debian: {
    build: buildDebianImage,
    prerequisites: [...kernelPrerequisites, ...debianPrerequisites],
    timed: ['python3 -c pass'],
    root: true,
  },
};

function parseArgs(argv) {
  const options = {
    names: [],
    qemu: false,
    compile: true,
    pack: true,
    clean: false,
    work: undefined,
    out: undefined,
    mirror: undefined,
    install: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--qemu') options.qemu = true;
    else if (arg === '--no-build') options.compile = false;
    else if (arg === '--check') options.pack = false;
    else if (arg === '--clean') options.clean = true;
    else if (arg === '--install') options.install = true;
    else if (arg === '--work' || arg === '--out') {
      if (!argv[i + 1]) throw new BuildError('IMAGES-USAGE', `${arg} needs a folder`);
      options[arg.slice(2)] = resolve(argv[++i]);
    } else if (arg === '--mirror') {
      if (!/^https?:\/\//.test(argv[i + 1] ?? ''))
        throw new BuildError('IMAGES-USAGE', '--mirror needs an http(s) URL');
      options.mirror = argv[++i];
    } else if (arg.startsWith('-')) throw new BuildError('IMAGES-USAGE', `unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (!options.names.length) options.names.push('busybox');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const name of options.names) {
    if (!images[name]) {
      throw new BuildError(
        'IMAGES-USAGE',
        `there is no image '${name}'; known: ${Object.keys(images).join(', ')}`,
      );
    }
  }
  const compiling = options.pack && options.compile;
  const needed = [
    ...(compiling ? options.names.flatMap((name) => images[name].prerequisites) : []),
    ...(options.pack ? packPrerequisites : []),
    ...(options.qemu ? qemuPrerequisites : []),
  ];
  let missing = [...new Set(needed.filter(({ present }) => !present()).map(({ pkg }) => pkg))];
  if (missing.length && options.install) {
    await step(`installing ${missing.join(' ')}`, () => {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      run('apt-get', ['update'], { env });
      run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
    });
    missing = [...new Set(needed.filter(({ present }) => !present()).map(({ pkg }) => pkg))];
  }
  if (missing.length) {
    throw new BuildError(
      'IMAGES-PREREQUISITES',
      `missing Debian packages; install them with\n  sudo apt-get install ${missing.join(' ')}\nand run this again.`,
    );
  }
  const rootOnly = options.names.filter((name) => images[name].root);
  if (compiling && rootOnly.length && process.getuid?.() !== 0) {
    throw new BuildError(
      'IMAGES-ROOT',
      `building ${rootOnly.join(', ')} runs debootstrap, which needs root: run this with sudo ` +
        '(or pack what is built already with --no-build)',
    );
  }
  const jobs = availableParallelism();
  // Each recipe takes its image's snapshot by booting it on the engine, whose hart is a build
  // output (src/engine/cpu/hart.wasm): built first if it is not there yet (a fresh clone).
  if (options.pack && !existsSync(join(root, 'src/engine/cpu/hart.wasm')))
    await step('building the hart (npm run build:cpu)', () =>
      run('npm', ['run', '--silent', 'build:cpu'], { cwd: root }),
    );
  for (const name of options.names) {
    const work = options.work ?? join(root, 'build/images', name);
    const out = options.out ?? join(root, 'src/images', name, 'dist');
    if (options.pack) {
      await step(`building image '${name}'`, () =>
        images[name].build({
          work,
          out,
          jobs,
          clean: options.clean,
          compile: options.compile,
          mirror: options.mirror,
        }),
      );
    }
    const image = readImage(out);
    summarize(out, image);
    if (options.qemu) {
      mkdirSync(work, { recursive: true });
      for (const tty of ['ttyS0']) {
        const { cmdline, bootSeconds, timings } = await bootInQemu({
          out,
          tty,
          work,
          timed: images[name].timed,
        });
        console.log(
          `images: QEMU (-append '${cmdline}'): prompt after ${bootSeconds.toFixed(1)} s; ` +
            'command, Ctrl-C and poweroff work',
        );
        for (const [command, seconds] of timings)
          console.log(`images: QEMU: '${command}' took ${seconds.toFixed(2)} s`);
      }
    }
  }
}

main().catch((error) => {
  if (!(error instanceof BuildError)) throw error;
  console.error(`images: ${error.code}: ${error.message}`);
  process.exit(1);
});
