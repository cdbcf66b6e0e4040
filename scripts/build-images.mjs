// Builds the guest images from Debian 12 packages only, reproducibly, and writes what the emulator
// loads into src/images/<name>/dist/ (committed, so nobody else needs the cross toolchain):
// the kernel Image, a gzip'd initramfs and manifest.json (sizes, SHA-256s, the default kernel
// command line and memory size).
//
//   node scripts/build-images.mjs [busybox] [--qemu] [--no-build] [--clean] [--work DIR] [--out DIR]
//
//   --qemu      afterwards, boot the image in Debian's QEMU on ttyS0 and drive a
//               shell session (prompt, a command, Ctrl-C, poweroff); prints the boot time
//   --no-build  only check what is already in the output folder (with --qemu)
//   --clean     start from freshly unpacked sources
//   --work DIR  build folder (default build/images/<name>)
//   --out DIR   output folder (default src/images/<name>/dist)
//
// busybox: Linux from linux-source-6.1 (`make tinyconfig` + kernel.config) and a static BusyBox
// from Debian's busybox source package (`make defconfig` + busybox.config), both built with
// gcc-riscv64-linux-gnu; the initramfs is /init, BusyBox with a symlink per applet, and the few
// files and device nodes listed in initramfs.list. Every timestamp is fixed: the kernel and
// BusyBox carry the dates of their Debian changelogs, the initramfs entries carry 0. Building
// twice from the same Debian packages gives the same bytes.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LINUX_TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const CROSS_COMPILE = 'riscv64-linux-gnu-';
/** mtime of every initramfs entry. */
const INITRAMFS_EPOCH = 0;

/** Debian packages the build needs, each with how to tell that it is installed. */
const buildPrerequisites = [
  { pkg: 'gcc-riscv64-linux-gnu', present: () => onPath(`${CROSS_COMPILE}gcc`) },
  {
    pkg: 'libc6-dev-riscv64-cross',
    present: () => existsSync('/usr/riscv64-linux-gnu/lib/libc.a'),
  },
  { pkg: 'linux-source-6.1', present: () => existsSync(LINUX_TARBALL) },
  { pkg: 'gcc', present: () => onPath('gcc') },
  { pkg: 'libc6-dev', present: () => existsSync('/usr/include/stdio.h') },
  { pkg: 'make', present: () => onPath('make') },
  { pkg: 'bc', present: () => onPath('bc') },
  { pkg: 'flex', present: () => onPath('flex') },
  { pkg: 'bison', present: () => onPath('bison') },
  { pkg: 'xz-utils', present: () => onPath('xz') },
  { pkg: 'gzip', present: () => onPath('gzip') },
  { pkg: 'dpkg-dev', present: () => onPath('dpkg-source') },
];
const qemuPrerequisites = [
  { pkg: 'qemu-system-misc', present: () => onPath('qemu-system-riscv64') },
];

class BuildError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v '${command}'`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; its output goes to `log` (or is returned with `capture`). */
function run(command, args, { cwd, env, log, capture, input } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    input,
    maxBuffer: 256 * 2 ** 20,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const output = Buffer.concat([
    result.stdout ?? Buffer.alloc(0),
    result.stderr ?? Buffer.alloc(0),
  ]);
  if (log) writeFileSync(log, `$ ${command} ${args.join(' ')}\n${output}`, { flag: 'a' });
  if (result.error || result.status !== 0) {
    const tail = output.toString().trimEnd().split('\n').slice(-25).join('\n');
    throw new BuildError(
      'IMAGES-COMMAND',
      `'${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`})` +
        `${log ? `; full output in ${log}` : ''}:\n${tail}`,
    );
  }
  return capture ? result.stdout : undefined;
}

function step(title, action) {
  const started = performance.now();
  process.stdout.write(`images: ${title}...\n`);
  const result = action();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`images: ${title}: done in ${seconds.toFixed(0)} s\n`);
  return result;
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

const packageVersion = (pkg) =>
  run('dpkg-query', ['-W', '-f=${Version}', pkg], { capture: true }).toString();

/** The date of a Debian changelog's newest entry, in seconds (its " -- name <mail>  date" line). */
function changelogEpoch(text) {
  const trailer = /^ -- .*<.*>\s+(.+)$/m.exec(text);
  const ms = trailer ? Date.parse(trailer[1]) : NaN;
  if (Number.isNaN(ms)) throw new BuildError('IMAGES-SOURCE', 'cannot read the changelog date');
  return Math.floor(ms / 1000);
}

/** `epoch` written like date(1) in UTC does: "Mon Nov 16 10:17:40 UTC 2026". */
function dateOutput(epoch) {
  const [weekday, day, month, year, time] = new Date(epoch * 1000).toUTCString().split(/,? /);
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

/** The environment of a reproducible build dated `epoch`. */
function reproducibleEnv(epoch) {
  return {
    ...process.env,
    SOURCE_DATE_EPOCH: String(epoch),
    KBUILD_BUILD_TIMESTAMP: dateOutput(epoch),
    KBUILD_BUILD_USER: 'linux-terminal',
    KBUILD_BUILD_HOST: 'linux-terminal',
    KBUILD_BUILD_VERSION: '1',
    LC_ALL: 'C',
    TZ: 'UTC',
  };
}

/** The options of a kconfig file as [symbol, value]; "# CONFIG_X is not set" is value 'n'. */
function parseKconfig(text) {
  const options = [];
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (set) options.push([set[1], set[2]]);
    else if (unset) options.push([unset[1], 'n']);
  }
  return options;
}

/** Fragment options whose value differs in `config` (a .config text), as "CONFIG_X=v (is w)". */
function optionsNotApplied(fragment, config) {
  const values = new Map(parseKconfig(config));
  return fragment
    .filter(([symbol, value]) => (values.get(symbol) ?? 'n') !== value)
    .map(([symbol, value]) => `${symbol}=${value} (is ${values.get(symbol) ?? 'n'})`);
}

/** Unpacks linux-source-6.1 into `work` (again when the package changed) and builds the Image. */
function buildKernel({ work, recipe, jobs, clean }) {
  const tree = join(work, 'linux');
  const version = packageVersion('linux-source-6.1');
  const stamp = join(work, 'linux.version');
  if (clean || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
    step(`unpacking linux-source-6.1 ${version}`, () => {
      rmSync(tree, { recursive: true, force: true });
      mkdirSync(tree, { recursive: true });
      run('tar', ['-xf', LINUX_TARBALL, '-C', tree, '--strip-components=1']);
      writeFileSync(stamp, version);
    });
  }
  const changelog = run('zcat', ['/usr/share/doc/linux-source-6.1/changelog.Debian.gz'], {
    capture: true,
  }).toString();
  const env = reproducibleEnv(changelogEpoch(changelog));
  const log = join(work, 'linux.log');
  writeFileSync(log, '');
  const make = (...args) =>
    run('make', ['-C', tree, 'ARCH=riscv', `CROSS_COMPILE=${CROSS_COMPILE}`, ...args], {
      env,
      log,
    });
  const fragmentPath = join(recipe, 'kernel.config');
  step('configuring the kernel (tinyconfig + kernel.config)', () => {
    make('tinyconfig');
    run(join(tree, 'scripts/kconfig/merge_config.sh'), ['-m', '.config', fragmentPath], {
      cwd: tree,
      env: { ...env, ARCH: 'riscv' },
      log,
    });
    make('olddefconfig');
    const lost = optionsNotApplied(
      parseKconfig(readFileSync(fragmentPath, 'utf8')),
      readFileSync(join(tree, '.config'), 'utf8'),
    );
    if (lost.length) {
      throw new BuildError(
        'IMAGES-KCONFIG',
        `these kernel.config options did not stick (a dependency is missing; add it to the ` +
          `fragment):\n  ${lost.join('\n  ')}`,
      );
    }
  });
  step(`building the kernel with ${jobs} jobs (2 to 6 minutes on 2 cores)`, () =>
    make(`-j${jobs}`, 'Image'),
  );
  return {
    image: join(tree, 'arch/riscv/boot/Image'),
    genInitCpio: join(tree, 'usr/gen_init_cpio'),
    version,
  };
}

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
  const links = readFileSync(join(tree, 'busybox.links'), 'utf8').split('\n').filter(Boolean);
  return { binary: join(tree, 'busybox'), links, version };
}

/**
 * Packs the initramfs: initramfs.list plus BusyBox and its applet links, written by the kernel's
 * gen_init_cpio (newc, in the order given: sorted by path) and compressed by gzip -n -9.
 */
function packInitramfs({ work, recipe, busybox, genInitCpio }) {
  return step('packing the initramfs', () => {
    // gen_init_cpio stamps regular files with their mtime, so it reads copies with a fixed one.
    const staging = join(work, 'initramfs-files');
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const stage = (source) => {
      const copy = join(staging, source.replaceAll('/', '_'));
      copyFileSync(source, copy);
      chmodSync(copy, 0o644);
      utimesSync(copy, INITRAMFS_EPOCH, INITRAMFS_EPOCH);
      return copy;
    };
    const entries = new Map(); // path → gen_init_cpio fields
    for (const raw of readFileSync(join(recipe, 'initramfs.list'), 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const fields = line
        .replaceAll('@RECIPE@', recipe)
        .replaceAll('@BUSYBOX@', busybox.binary)
        .split(/\s+/);
      if (fields[0] === 'file') fields[2] = stage(fields[2]);
      entries.set(fields[1], fields);
    }
    for (const link of busybox.links) {
      if (!entries.has(link)) entries.set(link, ['slink', link, '/bin/busybox', '0777', '0', '0']);
    }
    for (const path of [...entries.keys()]) {
      for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) {
        if (!entries.has(dir)) entries.set(dir, ['dir', dir, '0755', '0', '0']);
      }
    }
    const paths = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // The root itself is entry "." (gen_init_cpio would turn "/" into an empty name); without it
    // the kernel leaves / with tmpfs's default mode 1777.
    const lines = paths.map((path) => {
      const fields = entries.get(path);
      return (path === '/' ? [fields[0], '.', ...fields.slice(2)] : fields).join(' ');
    });
    const list = join(work, 'initramfs.list');
    writeFileSync(list, `${lines.join('\n')}\n`);
    const cpio = run(genInitCpio, ['-t', String(INITRAMFS_EPOCH), list], { capture: true });
    return run('gzip', ['-n', '-9', '-c'], { input: cpio, capture: true });
  });
}

function buildBusyboxImage({ work, out, jobs, clean }) {
  const recipe = join(root, 'src/images/busybox');
  mkdirSync(work, { recursive: true });
  const kernel = buildKernel({ work, recipe, jobs, clean });
  const busybox = buildBusybox({ work, recipe, jobs, clean });
  const initramfs = packInitramfs({ work, recipe, busybox, genInitCpio: kernel.genInitCpio });
  const image = readFileSync(kernel.image);

  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'Image'), image);
  writeFileSync(join(out, 'initramfs.cpio.gz'), initramfs);
  const manifest = {
    name: 'busybox',
    kernel: { path: 'Image', size: image.length, sha256: sha256(image) },
    initrd: { path: 'initramfs.cpio.gz', size: initramfs.length, sha256: sha256(initramfs) },
    cmdline: 'console=ttyS0',
    memoryMiB: 128,
    // The Debian packages the bytes depend on: the same versions build the same files.
    builtFrom: {
      'linux-source-6.1': kernel.version,
      busybox: busybox.version,
      'gcc-12-riscv64-linux-gnu': packageVersion('gcc-12-riscv64-linux-gnu'),
      'binutils-riscv64-linux-gnu': packageVersion('binutils-riscv64-linux-gnu'),
      'libc6-dev-riscv64-cross': packageVersion('libc6-dev-riscv64-cross'),
      gzip: packageVersion('gzip'),
    },
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Collects a child's output and waits for patterns in it, like expect(1). */
class Transcript {
  constructor(child, logPath) {
    this.text = '';
    this.mark = 0; // patterns are looked for after the end of the previous match
    this.waiters = new Set();
    this.log = createWriteStream(logPath);
    const take = (chunk) => {
      this.text += chunk.toString('latin1');
      this.log.write(chunk);
      for (const waiter of this.waiters) waiter();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
  }

  /** Resolves with the match of `pattern` in what arrives after the last match. */
  expect(pattern, seconds, what) {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const match = pattern.exec(this.text.slice(this.mark));
        if (!match) return false;
        this.mark += match.index + match[0].length;
        finish();
        resolvePromise(match);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const tail = this.text.slice(-600);
        reject(
          new BuildError('IMAGES-QEMU', `no ${what} within ${seconds} s; last output:\n${tail}`),
        );
      }, seconds * 1000);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }
}

/** Boots `out` in QEMU with console `tty` and drives a shell session; returns seconds to prompt. */
async function bootInQemu({ out, manifest, tty, work }) {
  const cmdline = manifest.cmdline.replace(/\bconsole=\S+/, `console=${tty}`);
  const args = [
    '-M',
    'virt',
    '-m',
    `${manifest.memoryMiB}M`,
    '-nographic',
    '-no-reboot',
    '-kernel',
    join(out, manifest.kernel.path),
    '-initrd',
    join(out, manifest.initrd.path),
    '-append',
    cmdline,
  ];
  const started = performance.now();
  const qemu = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolveExit) =>
    qemu.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const session = new Transcript(qemu, join(work, `qemu-${tty}.log`));
  const prompt = /root@linux-terminal:[^\r\n]*# $/;
  const type = (text) => qemu.stdin.write(text);
  try {
    await session.expect(prompt, 120, 'shell prompt');
    const bootSeconds = (performance.now() - started) / 1000;
    type('uname -a; ls /; echo $((6*7))\r');
    // OpenSBI's console (hvc0) turns every \n into \r\n itself, so lines may end in \r\r\n.
    await session.expect(/\n42\r*\n/, 30, 'answer 42');
    await session.expect(prompt, 30, 'prompt after a command');
    type('sleep 100\r');
    await session.expect(/sleep 100\r*\n/, 30, 'echo of sleep 100');
    await new Promise((r) => setTimeout(r, 1000));
    type('\x03');
    await session.expect(prompt, 10, 'prompt after Ctrl-C on sleep 100');
    type('poweroff\r');
    const result = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r(undefined), 30_000)),
    ]);
    if (!result) throw new BuildError('IMAGES-QEMU', 'QEMU did not exit within 30 s of poweroff');
    if (result.code !== 0)
      throw new BuildError('IMAGES-QEMU', `QEMU exited with ${result.code ?? result.signal}`);
    return { cmdline, bootSeconds, transcript: session.text };
  } finally {
    qemu.kill();
    session.log.end();
  }
}

/** Checks that `out` holds exactly what its manifest lists. */
function readManifest(out) {
  const path = join(out, 'manifest.json');
  if (!existsSync(path)) {
    throw new BuildError(
      'IMAGES-NO-IMAGE',
      `there is no ${path}; build the image first (without --no-build)`,
    );
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  for (const file of [manifest.kernel, manifest.initrd]) {
    const data = readFileSync(join(out, file.path));
    if (data.length !== file.size || sha256(data) !== file.sha256) {
      throw new BuildError(
        'IMAGES-CORRUPT',
        `${join(out, file.path)} does not match ${path}; rebuild it`,
      );
    }
  }
  return manifest;
}

function summarize(out, manifest) {
  const cpio = gunzipSync(readFileSync(join(out, manifest.initrd.path)));
  console.log(`images: ${out}`);
  for (const file of [manifest.kernel, manifest.initrd]) {
    console.log(
      `  ${file.path.padEnd(18)} ${String(file.size).padStart(9)} bytes  sha256 ${file.sha256}`,
    );
  }
  console.log(`  (initramfs uncompressed: ${cpio.length} bytes)`);
  console.log(`  cmdline "${manifest.cmdline}", ${manifest.memoryMiB} MiB`);
}

function parseArgs(argv) {
  const options = {
    names: [],
    qemu: false,
    build: true,
    clean: false,
    work: undefined,
    out: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--qemu') options.qemu = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--clean') options.clean = true;
    else if (arg === '--work' || arg === '--out') {
      if (!argv[i + 1]) throw new BuildError('IMAGES-USAGE', `${arg} needs a folder`);
      options[arg.slice(2)] = resolve(argv[++i]);
    } else if (arg.startsWith('-')) throw new BuildError('IMAGES-USAGE', `unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (!options.names.length) options.names.push('busybox');
  return options;
}

const images = { busybox: buildBusyboxImage };

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
  const needed = [
    ...(options.build ? buildPrerequisites : []),
    ...(options.qemu ? qemuPrerequisites : []),
  ];
  const missing = needed.filter(({ present }) => !present()).map(({ pkg }) => pkg);
  if (missing.length) {
    throw new BuildError(
      'IMAGES-PREREQUISITES',
      `missing Debian packages; install them with\n  sudo apt-get install ${missing.join(' ')}\nand run this again.`,
    );
  }
  const jobs = availableParallelism();
  for (const name of options.names) {
    const work = options.work ?? join(root, 'build/images', name);
    const out = options.out ?? join(root, 'src/images', name, 'dist');
    const manifest = options.build
      ? step(`building image '${name}'`, () =>
          images[name]({ work, out, jobs, clean: options.clean }),
        )
      : readManifest(out);
    summarize(out, manifest);
    if (options.qemu) {
      mkdirSync(work, { recursive: true });
      for (const tty of ['ttyS0']) {
        const { cmdline, bootSeconds } = await bootInQemu({ out, manifest, tty, work });
        console.log(
          `images: QEMU (-append '${cmdline}'): prompt after ${bootSeconds.toFixed(1)} s; ` +
            'command, Ctrl-C and poweroff work',
        );
      }
    }
  }
}

main().catch((error) => {
  if (!(error instanceof BuildError)) throw error;
  console.error(`images: ${error.code}: ${error.message}`);
  process.exit(1);
});
