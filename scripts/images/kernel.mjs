// The images' kernel: Linux from Debian's linux-source-6.1, `make tinyconfig` plus one or more
// kconfig fragments (merged in order, a later line wins), cross-compiled with
// gcc-riscv64-linux-gnu and dated by the package's changelog.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, onPath, packageVersion, run, step } from './commands.mjs';
import { changelogEpoch, reproducibleEnv } from './reproducible.mjs';
import { checkBuiltConfig, mergedFragments, optionsNotApplied } from './kconfig.mjs';

export const LINUX_TARBALL = '/usr/src/linux-source-6.1.tar.xz';
export const CROSS_COMPILE = 'riscv64-linux-gnu-';

/** Debian packages that building the kernel needs, each with how to tell that it is installed. */
export const kernelPrerequisites = [
  { pkg: 'gcc-riscv64-linux-gnu', present: () => onPath(`${CROSS_COMPILE}gcc`) },
  { pkg: 'linux-source-6.1', present: () => existsSync(LINUX_TARBALL) },
  { pkg: 'gcc', present: () => onPath('gcc') },
  { pkg: 'libc6-dev', present: () => existsSync('/usr/include/stdio.h') },
  { pkg: 'make', present: () => onPath('make') },
  { pkg: 'bc', present: () => onPath('bc') },
  { pkg: 'flex', present: () => onPath('flex') },
  { pkg: 'bison', present: () => onPath('bison') },
  { pkg: 'xz-utils', present: () => onPath('xz') },
  { pkg: 'gzip', present: () => onPath('gzip') },
];

const fragmentNames = (fragments) => fragments.map((path) => path.split('/').slice(-2).join('/'));

/**
 * Unpacks linux-source-6.1 into `work` (again when the package changed) and builds the Image
 * configured by tinyconfig and `fragments` (paths of kconfig fragments, applied in order).
 */
export function buildKernel({ work, fragments, jobs, clean }) {
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
  step(`configuring the kernel (tinyconfig + ${fragmentNames(fragments).join(' + ')})`, () => {
    make('tinyconfig');
    run(join(tree, 'scripts/kconfig/merge_config.sh'), ['-m', '.config', ...fragments], {
      cwd: tree,
      env: { ...env, ARCH: 'riscv' },
      log,
    });
    make('olddefconfig');
    const lost = optionsNotApplied(
      mergedFragments(fragments),
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
  return builtKernel({ work, fragments });
}

/** The kernel built in `work` (by buildKernel now, or earlier for --no-build). */
export function builtKernel({ work, fragments }) {
  const tree = join(work, 'linux');
  const image = join(tree, 'arch/riscv/boot/Image');
  const stamp = join(work, 'linux.version');
  if (!existsSync(image) || !existsSync(stamp)) {
    throw new BuildError(
      'IMAGES-NOT-BUILT',
      `there is no kernel built in ${tree}; run without --no-build`,
    );
  }
  checkBuiltConfig(tree, fragments);
  return { image, version: readFileSync(stamp, 'utf8') };
}
