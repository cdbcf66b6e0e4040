// Builds the bare-metal ISA tests: every test/isa/*.S becomes build/isa/<name>.elf (for our
// emulator's ELF runner, result in `tohost`) and build/isa-qemu/<name>.elf (built with -DQEMU,
// result through QEMU virt's test device). A test is rebuilt only when its source, the shared
// header, the linker script or this script is newer than the ELF.
//
//   node scripts/build-isa-tests.mjs [--variant=emu|qemu|all] [--force]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'test/isa');
const linkerScript = join(sourceDir, 'link.ld');
const compiler = 'riscv64-linux-gnu-gcc';

export const variants = {
  emu: { outDir: join(root, 'build/isa'), defines: [] },
  qemu: { outDir: join(root, 'build/isa-qemu'), defines: ['-DQEMU'] },
};

const commonFlags = [
  '-march=rv64gc',
  '-mabi=lp64d',
  '-mcmodel=medany',
  '-mno-relax', // keep code exactly as written: tests count instructions and place them on purpose
  '-nostdlib',
  '-nostartfiles',
  '-static',
  '-g',
  `-I${sourceDir}`,
  `-T${linkerScript}`,
  '-Wl,--build-id=none',
];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Exits with an actionable message when the cross compiler is not installed. */
export function requireCompiler() {
  const probe = spawnSync(compiler, ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.error(
      `ISA-TOOLCHAIN: ${compiler} was not found. Install the RISC-V cross compiler with ` +
        '`sudo apt-get install gcc-riscv64-linux-gnu` (Debian/Ubuntu package ' +
        'gcc-riscv64-linux-gnu) and run this again.',
    );
    process.exit(1);
  }
}

/** The test sources, sorted by name. */
export function listTests() {
  return readdirSync(sourceDir)
    .filter((file) => file.endsWith('.S'))
    .sort()
    .map((file) => ({ name: basename(file, '.S'), source: join(sourceDir, file) }));
}

function compile(source, output, defines) {
  return new Promise((resolveRun) => {
    const child = spawn(compiler, [...commonFlags, ...defines, '-o', output, source], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolveRun({ ok: false, stderr: String(error) }));
    child.on('close', (code) => resolveRun({ ok: code === 0, stderr }));
  });
}

/**
 * Builds the given variants ('emu', 'qemu'). Returns the number of failures after printing
 * their diagnostics; never throws for a compile error.
 */
export async function buildIsaTests({ which = ['emu', 'qemu'], force = false } = {}) {
  requireCompiler();
  const tests = listTests();
  const shared = Math.max(
    ...readdirSync(sourceDir)
      .filter((file) => file.endsWith('.h') || file.endsWith('.ld'))
      .map((file) => mtime(join(sourceDir, file))),
    mtime(fileURLToPath(import.meta.url)),
  );

  const jobs = [];
  for (const key of which) {
    const variant = variants[key];
    mkdirSync(variant.outDir, { recursive: true });
    for (const test of tests) {
      const output = join(variant.outDir, `${test.name}.elf`);
      const outTime = mtime(output);
      if (force || outTime < mtime(test.source) || outTime < shared) {
        jobs.push({ key, test, output, defines: variant.defines });
      }
    }
  }

  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const result = await compile(job.test.source, job.output, job.defines);
      if (result.stderr.trim()) process.stderr.write(result.stderr);
      if (!result.ok) {
        failures++;
        console.error(
          `ISA-BUILD: ${job.key}/${job.test.name} failed to build; see the errors above.`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), jobs.length) }, worker));

  const total = tests.length * which.length;
  console.log(
    `isa tests (${which.join(', ')}): ${jobs.length - failures} built, ` +
      `${total - jobs.length} up to date, ${failures} failed`,
  );
  return failures;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const variantArg = args.find((arg) => arg.startsWith('--variant='))?.split('=')[1] ?? 'all';
  if (!['emu', 'qemu', 'all'].includes(variantArg)) {
    console.error(`ISA-USAGE: unknown --variant=${variantArg}; use emu, qemu or all.`);
    process.exit(2);
  }
  const which = variantArg === 'all' ? ['emu', 'qemu'] : [variantArg];
  const failures = await buildIsaTests({ which, force: args.includes('--force') });
  process.exit(failures ? 1 : 0);
}
