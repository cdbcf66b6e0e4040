// The debian image: Debian trixie riscv64 (minbase plus a shell-and-compiler set of packages) on an
// ext4 root disk, started by the image's own /sbin/lt-init (no init system) with the same kernel
// as the busybox image plus src/images/debian/kernel.config.
//
// 1. the kernel: tinyconfig + busybox/kernel.config + debian/kernel.config;
// 2. `debootstrap --foreign` unpacks the packages on the host (no riscv64 code runs);
// 3. the second stage (the packages' maintainer scripts) runs on riscv64: QEMU boots the unpacked
//    root with that kernel and src/images/debian/second-stage as init, which writes the finished
//    root back as a tar archive to a second disk;
// 4. the host unpacks it, drops documentation, manuals, translations, caches and logs, adds the
//    image's own files (lt-init, lt-agent, poweroff...), clamps every time to the date of the
//    suite's Release file (SOURCE_DATE_EPOCH) and makes an ext4 disk of it with fixed UUID, hash
//    seed and times;
// 5. buildImage() chunks the kernel and the disk into src/images/debian/dist/.
// Same mirror state, same Debian 12 host packages: same bytes.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  ftruncateSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { BuildError, onPath, packageVersion, run, step } from './commands.mjs';
import { pruneImageFolder } from './image-folder.mjs';
import { compileGuestProgram } from './guest-programs.mjs';
import { CROSS_COMPILE, buildKernel, builtKernel } from './kernel.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const recipe = join(root, 'src/images/debian');
const { buildImage } = await tsImport('../../src/images/builder/build-image.ts', import.meta.url);
const { snapshotImage } = await tsImport(
  '../../src/images/builder/image-snapshot.ts',
  import.meta.url,
);

const SUITE = 'trixie';
/** What the image is for (a shell, Python, a C compiler); minbase brings apt, dpkg, coreutils... */
const PACKAGES = [
  'bash',
  'coreutils',
  'python3',
  'gcc',
  'libc6-dev',
  'make',
  'less',
  'vim-tiny',
  'file',
  'procps',
  // udhcpc, ip and ifconfig for eth0 when the page asks for a network (lt-init).
  'busybox',
];
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_CHUNK_SIZE = 64 << 10;
const MEMORY_MIB = 256;
const CMDLINE = 'console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/sbin/lt-init';
/** Free room on the root disk beyond its content (free blocks are zero chunks: not stored). */
const FREE_BYTES = 256 << 20;
/** "linux-terminal" in ASCII, then 01: this image's root file system UUID and hash seed. */
const DISK_UUID = '6c696e75-782d-7465-726d-696e616c0001';
/** ext4 without a journal (the engine's writes only go to memory) and without extended attributes. */
const EXT4_FEATURES =
  'none,sparse_super,large_file,filetype,dir_index,extent,flex_bg,64bit,dir_nlink,extra_isize,huge_file';
/** The QEMU run of the second stage: more memory than the image, for a faster dpkg. */
const SECOND_STAGE_MEMORY_MIB = 1024;
const SECOND_STAGE_TIMEOUT_S = 40 * 60;

/** Debian packages the debian image's build needs besides the kernel's. */
export const debianPrerequisites = [
  { pkg: 'debootstrap', present: () => onPath('debootstrap') },
  { pkg: 'debian-archive-keyring', present: () => existsSync(KEYRING) },
  { pkg: 'qemu-system-misc', present: () => onPath('qemu-system-riscv64') },
  { pkg: 'tar', present: () => onPath('tar') },
  // lt-lo-up, lt-agent and lt-resume, cross-compiled against glibc
  {
    pkg: 'libc6-dev-riscv64-cross',
    present: () => existsSync('/usr/riscv64-linux-gnu/include/stdio.h'),
  },
];

/**
 * The Debian archive this host's apt uses (the first `deb` source whose URI ends in /debian), so
 * that the build goes through the same mirror or proxy; deb.debian.org when there is none.
 */
export function debianMirror() {
  const uris = [];
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list'];
  if (existsSync(dir))
    files.push(
      ...readdirSync(dir)
        .sort()
        .map((name) => join(dir, name)),
    );
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) =>
          new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
        if (field('Types').includes('deb') && !/^enabled:\s*no/im.test(stanza))
          uris.push(...field('URIs'));
      }
    } else if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line.trim());
        if (m) uris.push(m[1]);
      }
    }
  }
  return uris.find((uri) => /\/debian\/?$/.test(uri))?.replace(/\/$/, '') ?? DEFAULT_MIRROR;
}

/** The Date of the suite's Release file that debootstrap fetched, in seconds. */
function releaseEpoch(rootfs) {
  const lists = join(rootfs, 'var/lib/apt/lists');
  const name = readdirSync(lists).find((n) => n.endsWith('_InRelease') || n.endsWith('_Release'));
  const date = name && /^Date:\s*(.+)$/m.exec(readFileSync(join(lists, name), 'utf8'))?.[1];
  const ms = date ? Date.parse(date) : NaN;
  if (Number.isNaN(ms))
    throw new BuildError('IMAGES-DEBOOTSTRAP', `no Release file with a Date in ${lists}`);
  return Math.floor(ms / 1000);
}

/** Stage 2: debootstrap --foreign unpacks the packages (no maintainer script runs: that needs a riscv64 machine). */
function firstStage({ stage1, mirror, log }) {
  rmSync(stage1, { recursive: true, force: true });
  run(
    'debootstrap',
    [
      '--foreign',
      '--arch=riscv64',
      '--variant=minbase',
      `--include=${PACKAGES.join(',')}`,
      `--keyring=${KEYRING}`,
      SUITE,
      stage1,
      mirror,
    ],
    { log, env: { ...process.env, LC_ALL: 'C' } },
  );
  // dpkg already skips documentation while the second stage installs the packages again.
  copyFileSync(join(recipe, 'dpkg.cfg'), join(stage1, 'etc/dpkg/dpkg.cfg.d/linux-terminal'));
  copyFileSync(join(recipe, 'second-stage'), join(stage1, 'lt-second-stage'));
  chmodSync(join(stage1, 'lt-second-stage'), 0o755);
}

/** Bytes a folder takes on the host (its blocks), from du. */
function folderBytes(folder) {
  const out = run('du', ['-s', '-B1', '-x', folder], { capture: true }).toString();
  return Number(out.split('\t')[0]);
}

/** A fresh sparse file of `size` bytes. */
function sparseFile(path, size) {
  rmSync(path, { force: true });
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

const MiB = 1 << 20;
const roundUp = (n, to) => Math.ceil(n / to) * to;

/** Runs QEMU to completion, its console in `log`; resolves with the console text. */
function runQemu(args, { log, timeoutSeconds }) {
  return new Promise((resolvePromise, reject) => {
    const qemu = spawn('qemu-system-riscv64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const take = (chunk) => {
      text += chunk.toString('latin1');
      writeFileSync(log, chunk, { flag: 'a' });
    };
    qemu.stdout.on('data', take);
    qemu.stderr.on('data', take);
    const timer = setTimeout(() => {
      qemu.kill();
      reject(
        new BuildError(
          'IMAGES-SECOND-STAGE',
          `QEMU did not finish within ${timeoutSeconds} s; its console is in ${log}`,
        ),
      );
    }, timeoutSeconds * 1000);
    qemu.on('error', (error) => {
      clearTimeout(timer);
      reject(new BuildError('IMAGES-SECOND-STAGE', `cannot run QEMU: ${error.message}`));
    });
    qemu.on('exit', () => {
      clearTimeout(timer);
      resolvePromise(text);
    });
  });
}

/**
 * Stage 3: boots the unpacked root in QEMU with `kernel`; its init runs debootstrap's second
 * stage and writes the finished root as a tar archive to the second disk, which is unpacked into
 * `rootfs`.
 */
async function secondStage({ stage1, rootfs, kernel, epoch, work }) {
  const dir = join(work, 'second-stage');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const disk = join(dir, 'stage1.ext4');
  const tarDisk = join(dir, 'root.tar');
  const log = join(dir, 'console.log');
  const content = folderBytes(stage1);
  // Room for what the maintainer scripts write (Python's byte code, caches, the dpkg database).
  sparseFile(disk, roundUp(content * 1.5 + 512 * MiB, MiB));
  run(
    'mke2fs',
    [
      ...['-q', '-F', '-t', 'ext4', '-b', '4096', '-O', `${EXT4_FEATURES}`],
      ...['-E', 'root_owner=0:0,nodiscard', '-d', stage1, disk],
    ],
    { log: join(dir, 'mke2fs.log'), env: { ...process.env, PATH: sbinPath() } },
  );
  sparseFile(tarDisk, roundUp(content * 2 + 512 * MiB, MiB));
  const args = ['-M', 'virt', '-m', `${SECOND_STAGE_MEMORY_MIB}M`, '-smp', '1'];
  args.push('-nographic', '-no-reboot', '-kernel', kernel);
  args.push(
    '-append',
    // panic=-1: a panic resets the board, which ends QEMU (-no-reboot).
    `console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/lt-second-stage panic=-1 SOURCE_DATE_EPOCH=${epoch}`,
  );
  // Linux numbers the disks in the order of the -device options: the root is /dev/vda, the tar
  // disk /dev/vdb.
  for (const [id, file] of [
    ['root', disk],
    ['tar', tarDisk],
  ]) {
    args.push('-drive', `file=${file},format=raw,if=none,id=${id}`);
    args.push('-device', `virtio-blk-device,drive=${id}`);
  }
  args.push('-device', 'virtio-rng-device');
  writeFileSync(log, `$ qemu-system-riscv64 ${args.join(' ')}\n`);
  const console = await runQemu(args, { log, timeoutSeconds: SECOND_STAGE_TIMEOUT_S });
  const status = /lt-second-stage: status (\d+)/.exec(console)?.[1];
  if (status !== '0') {
    const tail = console.trimEnd().split('\n').slice(-25).join('\n');
    throw new BuildError(
      'IMAGES-SECOND-STAGE',
      `the second stage ${status === undefined ? 'did not finish' : `failed (status ${status})`}; ` +
        `its console is in ${log}, debootstrap's log in the disk ${disk} ` +
        `(debugfs -R 'cat /debootstrap/debootstrap.log' ${disk}):\n${tail}`,
    );
  }
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs);
  run(
    'tar',
    ['--extract', '--file', tarDisk, '--numeric-owner', '--same-permissions', '-C', rootfs],
    {
      log: join(dir, 'tar.log'),
    },
  );
  rmSync(disk);
  rmSync(tarDisk);
}

/** e2fsprogs' tools are in /usr/sbin, off a user's PATH on Debian. */
const sbinPath = () => `${process.env.PATH}:/usr/sbin:/sbin`;

/** dpkg's path-exclude and path-include rules of a dpkg.cfg file, in order. */
function dpkgPathRules(file) {
  const rules = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^path-(exclude|include)=(.+)$/.exec(line.trim());
    if (!m) continue;
    // fnmatch(3) without FNM_PATHNAME, as dpkg calls it: `*` and `?` match slashes too.
    const source = m[2].replace(/[.+^${}()|\\]|\*|\?|\[!?/g, (c) =>
      c === '*' ? '.*' : c === '?' ? '.' : c === '[!' ? '[^' : c === '[' ? '[' : `\\${c}`,
    );
    rules.push({ exclude: m[1] === 'exclude', pattern: new RegExp(`^${source}$`) });
  }
  return rules;
}

/** Whether dpkg would leave `path` out under `rules` (the last rule that matches decides). */
function excluded(rules, path) {
  let result = false;
  for (const { exclude, pattern } of rules) if (pattern.test(path)) result = exclude;
  return result;
}

/**
 * Removes what `rules` exclude under `host` (the root's `path`): files, and folders left empty.
 * Returns the bytes removed.
 */
function removeExcluded(rules, host, path = '') {
  let bytes = 0;
  for (const name of readdirSync(host)) {
    const hostPath = join(host, name);
    const guestPath = `${path}/${name}`;
    const stat = lstatSync(hostPath);
    if (stat.isDirectory()) {
      bytes += removeExcluded(rules, hostPath, guestPath);
      if (readdirSync(hostPath).length === 0 && excluded(rules, guestPath)) rmdirSync(hostPath);
    } else if (excluded(rules, guestPath)) {
      bytes += stat.size;
      rmSync(hostPath);
    }
  }
  return bytes;
}

/** Removes the files in `dir` (not `dir` itself, nor folders) for which `keep(name)` is false. */
function removeFiles(dir, keep = () => false) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) removeFiles(path, keep);
    else if (!keep(name)) rmSync(path);
  }
}

/**
 * Stage 4a: what the image needs no copy of: what dpkg.cfg excludes (the first stage unpacked
 * it before that file was there), package lists and caches, logs, backups of the account and
 * dpkg files, and what debootstrap leaves behind. Returns the bytes dpkg.cfg's rules removed.
 */
function slimRootfs(rootfs) {
  const at = (path) => join(rootfs, path);
  const bytes = removeExcluded(dpkgPathRules(join(recipe, 'dpkg.cfg')), rootfs);
  // No network: the package lists (60 MB) would only serve `apt show` of packages not installed.
  // apt and dpkg rebuild their caches from the dpkg database when they need them.
  removeFiles(at('var/lib/apt/lists'), (name) => name === 'lock');
  removeFiles(at('var/cache/apt'), (name) => name === 'lock');
  // Logs of this build; the folders stay (apt and dpkg write there).
  removeFiles(at('var/log'));
  // ldconfig's auxiliary cache records the build's inode times; ld.so.cache stays.
  rmSync(at('var/cache/ldconfig/aux-cache'), { force: true });
  for (const dir of ['var/lib/dpkg', 'var/cache/debconf', 'etc']) {
    for (const name of readdirSync(at(dir))) {
      if (name.endsWith('-old') || /^(passwd|group|shadow|gshadow|subuid|subgid)-$/.test(name))
        rmSync(at(`${dir}/${name}`));
    }
  }
  rmSync(at('debootstrap'), { recursive: true, force: true });
  rmSync(at('lt-second-stage'), { force: true });
  return bytes;
}

/** Stage 4b: the image's own files (again over a built root: it only overwrites). */
function addImageFiles(rootfs) {
  const file = (source, path, mode) => {
    const target = join(rootfs, path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    chmodSync(target, mode);
  };
  const text = (path, content) => writeFileSync(join(rootfs, path), content);
  file(join(recipe, 'lt-init'), 'sbin/lt-init', 0o755);
  // The command channel's agent, the busybox image's too (dynamic here, like lt-resume).
  compileGuestProgram('lt-agent', join(rootfs, 'sbin/lt-agent'));
  file(join(recipe, 'power'), 'usr/local/sbin/poweroff', 0o755);
  // Brings lo up at boot: a few KB, where perl or python would fetch megabytes of the disk.
  // Stripped, so the bytes do not depend on the source's path; trixie's glibc runs what bookworm's
  // cross glibc linked.
  run(`${CROSS_COMPILE}gcc`, [
    '-O2',
    '-Wall',
    '-Werror',
    '-s',
    '-o',
    join(rootfs, 'usr/local/sbin/lt-lo-up'),
    join(recipe, 'lt-lo-up.c'),
  ]);
  // Run by the host after a restore from a saved state (clock and entropy). Dynamic, like
  // lt-lo-up: the C library it loads is already in a restored machine's page cache.
  compileGuestProgram('lt-resume', join(rootfs, 'usr/local/sbin/lt-resume'));
  for (const name of ['reboot', 'halt']) {
    rmSync(join(rootfs, 'usr/local/sbin', name), { force: true });
    symlinkSync('poweroff', join(rootfs, 'usr/local/sbin', name));
  }
  file(join(recipe, 'lt-inputrc'), 'etc/lt-inputrc', 0o644);
  // DHCP at boot with a network (lt-init): the busybox image's lease script, and the ip and
  // ifconfig it runs, busybox's (Debian's minbase has neither).
  file(join(recipe, '../busybox/udhcpc.script'), 'etc/lt-udhcpc.script', 0o755);
  for (const name of ['ip', 'ifconfig']) {
    rmSync(join(rootfs, 'usr/local/sbin', name), { force: true });
    symlinkSync('/bin/busybox', join(rootfs, 'usr/local/sbin', name));
  }
  file(join(recipe, 'apt.conf'), 'etc/apt/apt.conf.d/90linux-terminal', 0o644);
  text('etc/hostname', 'linux-terminal\n');
  text(
    'etc/hosts',
    '127.0.0.1\tlocalhost\n127.0.1.1\tlinux-terminal\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  );
}

/**
 * Stage 4c: every time no later than `epoch` (what the build itself wrote is later), access times
 * equal to modification times. Python's byte code stays valid: it records its source's mtime,
 * which comes from the package and is older.
 */
function clampTimes(rootfs, epoch) {
  let entries = 0;
  const visit = (path) => {
    const stat = lstatSync(path);
    const time = Math.min(Math.floor(stat.mtimeMs / 1000), epoch);
    lutimesSync(path, time, time);
    entries++;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(rootfs);
  return entries;
}

/** Every path in `rootfs`, as the file system will see it ("/", "/bin"...). */
function allPaths(rootfs) {
  const paths = [];
  const visit = (host, path) => {
    paths.push(path);
    if (lstatSync(host).isDirectory())
      for (const name of readdirSync(host).sort())
        visit(join(host, name), path === '/' ? `/${name}` : `${path}/${name}`);
  };
  visit(rootfs, '/');
  return paths;
}

/**
 * Stage 4d: the root disk, ext4 made by mke2fs -d with its own times set to `epoch` and a fixed
 * UUID and hash seed; the inode times that mke2fs copies from the host but the host cannot keep
 * fixed (change times cannot be set; reading the folder updates access times) are then set to
 * `epoch` by debugfs, and so is the creation time. Returns the disk's size.
 */
function makeRootDisk(rootfs, disk, { epoch, chunkSize, log }) {
  const size = roundUp(folderBytes(rootfs) * 1.1 + FREE_BYTES, chunkSize);
  sparseFile(disk, size);
  const env = {
    ...process.env,
    PATH: sbinPath(),
    LC_ALL: 'C',
    E2FSPROGS_FAKE_TIME: String(epoch),
    MKE2FS_CONFIG: `${disk}.no-such-mke2fs.conf`,
  };
  run(
    'mke2fs',
    [
      ...['-q', '-F', '-t', 'ext4', '-b', '4096', '-I', '256', '-i', '16384', '-m', '0'],
      ...['-O', EXT4_FEATURES, '-U', DISK_UUID, '-L', 'linux-terminal'],
      ...['-E', `root_owner=0:0,hash_seed=${DISK_UUID},nodiscard`, '-d', rootfs, disk],
    ],
    { env, log },
  );
  const quote = (path) => `"${path.replaceAll('"', '""')}"`;
  const script = `${disk}.debugfs`;
  writeFileSync(
    script,
    allPaths(rootfs)
      .flatMap((path) =>
        [`atime @${epoch}`, `ctime @${epoch}`, `crtime @${epoch}`].map(
          (f) => `sif ${quote(path)} ${f}\n`,
        ),
      )
      .join(''),
  );
  const stderr = run('debugfs', ['-w', '-f', script, disk], { env, capture: 'stderr' });
  rmSync(script);
  const problems = stderr
    .toString()
    .split('\n')
    .filter((line) => line && !/^debugfs \d/.test(line));
  if (problems.length)
    throw new BuildError(
      'IMAGES-DISK',
      `debugfs could not set the times in ${disk}: ${problems.slice(0, 3).join(' / ')}`,
    );
  return size;
}

/** Versions of the guest's main packages, from its dpkg database. */
function guestVersions(rootfs) {
  const status = readFileSync(join(rootfs, 'var/lib/dpkg/status'), 'utf8');
  const versions = {};
  for (const stanza of status.split('\n\n')) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (pkg && version) versions[pkg] = version;
  }
  return versions;
}

/** The stamp of the root built in `work` (rootfs.json): suite, mirror, epoch. */
function builtRootfs(work) {
  const stamp = join(work, 'rootfs.json');
  const rootfs = join(work, 'rootfs');
  if (!existsSync(stamp) || !existsSync(rootfs))
    throw new BuildError(
      'IMAGES-NOT-BUILT',
      `there is no Debian root built in ${rootfs}; run without --no-build`,
    );
  return { rootfs, ...JSON.parse(readFileSync(stamp, 'utf8')) };
}

export async function buildDebianImage({ work, out, jobs, clean, compile, mirror }) {
  mkdirSync(work, { recursive: true });
  const fragments = [join(root, 'src/images/busybox/kernel.config'), join(recipe, 'kernel.config')];
  const kernel = compile
    ? buildKernel({ work, fragments, jobs, clean })
    : builtKernel({ work, fragments });
  if (compile) {
    const stage1 = join(work, 'stage1');
    const from = mirror ?? debianMirror();
    const log = join(work, 'debootstrap.log');
    writeFileSync(log, '');
    step(`debootstrap --foreign ${SUITE} riscv64 from ${from}`, () =>
      firstStage({ stage1, mirror: from, log }),
    );
    const epoch = releaseEpoch(stage1);
    const rootfs = join(work, 'rootfs');
    rmSync(join(work, 'rootfs.json'), { force: true });
    await step('second stage in QEMU (the maintainer scripts; 3 to 10 minutes)', () =>
      secondStage({ stage1, rootfs, kernel: kernel.image, epoch, work }),
    );
    rmSync(stage1, { recursive: true, force: true });
    step('slimming the root', () => {
      const bytes = slimRootfs(rootfs);
      console.log(`images: dpkg.cfg's rules removed ${(bytes / MiB).toFixed(0)} MiB`);
    });
    writeFileSync(
      join(work, 'rootfs.json'),
      `${JSON.stringify({ suite: SUITE, mirror: from, epoch }, null, 2)}\n`,
    );
  }
  const { rootfs, epoch, suite } = builtRootfs(work);
  // Every build, --no-build too: they take a second, and a changed file of the recipe then needs
  // no new bootstrap.
  step('adding the image files', () => addImageFiles(rootfs));
  const disk = join(work, 'rootfs.ext4');
  const diskSize = step('making the root file system (ext4)', () => {
    const entries = clampTimes(rootfs, epoch);
    const size = makeRootDisk(rootfs, disk, {
      epoch,
      chunkSize: DEBIAN_CHUNK_SIZE,
      log: join(work, 'mke2fs.log'),
    });
    console.log(`images: ${entries} entries, ${(size / MiB).toFixed(0)} MiB disk`);
    return size;
  });
  const guest = guestVersions(rootfs);
  const { manifest, blobsWritten, blobsKept } = await step('chunking the image', () =>
    buildImage({
      kernel: kernel.image,
      disks: [disk],
      chunkSize: DEBIAN_CHUNK_SIZE,
      cmdline: CMDLINE,
      memoryMiB: MEMORY_MIB,
      name: 'debian',
      builtFrom: {
        debian: `${suite} riscv64, Release of ${new Date(epoch * 1000).toISOString()}`,
        'base-files': guest['base-files'],
        libc6: guest.libc6,
        python3: guest.python3,
        gcc: guest.gcc,
        'linux-source-6.1': kernel.version,
        'gcc-12-riscv64-linux-gnu': packageVersion('gcc-12-riscv64-linux-gnu'),
        debootstrap: packageVersion('debootstrap'),
        'qemu-system-misc': packageVersion('qemu-system-misc'),
        e2fsprogs: packageVersion('e2fsprogs'),
      },
      out,
    }),
  );
  console.log(
    `images: ${blobsWritten} blobs written, ${blobsKept} unchanged; disk ${diskSize} bytes`,
  );
  // The snapshot readers restore instead of booting, warmed: Python's start-up is in the page
  // cache, so a reader's first python3 does not wait on the disk.
  const snapshot = await step('taking the snapshot', () =>
    snapshotImage(join(out, 'manifest.json'), {
      warm: ['python3 -c "import json"'],
      log: console.log,
    }),
  );
  const withSnapshot = { ...manifest, snapshot };
  pruneImageFolder(out, withSnapshot);
  return withSnapshot;
}
