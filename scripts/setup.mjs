// Makes a fresh clone ready: installs the npm dependencies when they are missing or older than the
// lockfile, and (with --test) the Debian packages the tests need, each only when it is missing,
// and the example sites' npm dependencies (each site's own lockfile, installed in its folder).
// Run by `npm run demo`, before `npm test`, and by .ci/run (--system-only); safe to run again.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const forTests = process.argv.includes('--test');
const systemOnly = process.argv.includes('--system-only');

/** Debian packages the tests use, keyed by the command that shows they are installed. */
const testPackages = [
  { command: 'chromium', pkg: 'chromium', why: 'browser tests' },
  { command: 'riscv64-linux-gnu-gcc', pkg: 'gcc-riscv64-linux-gnu', why: 'ISA test programs' },
  {
    command: 'riscv64-linux-gnu-objcopy',
    pkg: 'binutils-riscv64-linux-gnu',
    why: 'ISA test programs',
  },
  { command: 'dtc', pkg: 'device-tree-compiler', why: 'device tree checks' },
  { command: 'cpio', pkg: 'cpio', why: 'initramfs checks' },
  { command: 'mke2fs', pkg: 'e2fsprogs', why: 'image builder (folder disks)' },
  { command: 'debugfs', pkg: 'e2fsprogs', why: 'image builder (folder disks)' },
  { command: 'mkdocs', pkg: 'mkdocs', why: 'the MkDocs example site' },
];

/** The example sites with npm dependencies of their own (scripts/build-examples.mjs builds them). */
const exampleSites = ['examples/vitepress', 'examples/docusaurus'];

/** Whether `command` is installed; e2fsprogs' tools are in /usr/sbin, not on a user's PATH on Debian. */
function onPath(command) {
  return (
    spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${command}`], {
      stdio: 'ignore',
    }).status === 0
  );
}

function run(command, args, cwd = '.') {
  console.log(`setup: ${cwd === '.' ? '' : `(in ${cwd}) `}${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(
      `setup: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal}).`,
    );
    process.exit(1);
  }
}

/** `npm ci` in `dir` unless its node_modules is as new as its lockfile. */
function ensureNodeModules(dir = '.') {
  const stamp = `${dir}/node_modules/.package-lock.json`;
  const lock = `${dir}/package-lock.json`;
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm', ['ci', '--no-audit', '--no-fund'], dir);
}

function ensureDebianPackages(wanted) {
  const missing = wanted.filter(({ command }) => !onPath(command));
  if (missing.length === 0) return;
  const names = [...new Set(missing.map(({ pkg }) => pkg))];
  const list = missing.map(({ pkg, why }) => `${pkg} (${why})`).join(', ');
  if (!onPath('apt-get')) {
    console.error(
      `setup: missing ${list}. Install them with your system's package manager and run again.`,
    );
    process.exit(1);
  }
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !onPath('sudo')) {
    console.error(
      `setup: missing ${list}. Run as root, or: sudo apt-get install -y ${names.join(' ')}`,
    );
    process.exit(1);
  }
  const prefix = asRoot ? [] : ['sudo'];
  const apt = (args) => (asRoot ? run('apt-get', args) : run('sudo', ['apt-get', ...args]));
  console.log(`setup: installing ${list}${prefix.length ? ' with sudo' : ''}`);
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...names]);
}

if (forTests) ensureDebianPackages(testPackages);
if (!systemOnly) {
  ensureNodeModules();
  if (forTests) for (const dir of exampleSites) ensureNodeModules(dir);
}
