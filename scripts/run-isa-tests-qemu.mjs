// Runs every ISA test's QEMU build (build/isa-qemu/*.elf) on qemu-system-riscv64's virt
// machine, to show that the tests themselves are right before our emulator runs them.
// A test stops QEMU through the virt test device: exit status 0 = pass; it also prints
// "PASS" or "FAIL <case>" on the UART.
//
//   node scripts/run-isa-tests-qemu.mjs [name ...]      (names without .S; default: all)
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildIsaTests, listTests, variants } from './build-isa-tests.mjs';

const qemu = 'qemu-system-riscv64';
const timeoutMs = 20_000;

const probe = spawnSync(qemu, ['--version'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  console.error(
    `ISA-QEMU: ${qemu} was not found. Install it with \`sudo apt-get install qemu-system-misc\` ` +
      '(Debian/Ubuntu) and run this again.',
  );
  process.exit(1);
}

if ((await buildIsaTests({ which: ['qemu'] })) > 0) process.exit(1);

const wanted = process.argv.slice(2);
const tests = listTests().filter((test) => wanted.length === 0 || wanted.includes(test.name));
if (tests.length === 0) {
  console.error(`ISA-QEMU: no test matches ${wanted.join(', ')}; see test/isa/*.S for names.`);
  process.exit(2);
}

function runOne(test) {
  const elf = join(variants.qemu.outDir, `${test.name}.elf`);
  const args = ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '64M', '-kernel', elf];
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      const text = output.replace(/\r/g, '').trim();
      const verdict = text.split('\n').find((line) => /^(PASS|FAIL)\b/.test(line));
      let detail;
      if (timedOut) detail = `TIMEOUT after ${timeoutMs / 1000} s`;
      else if (status === 0 && verdict === 'PASS') detail = 'PASS';
      else detail = verdict ?? `exit status ${status}: ${text || 'no output'}`;
      resolveRun({
        name: test.name,
        passed: !timedOut && status === 0 && verdict === 'PASS',
        detail,
        ms,
      });
    });
  });
}

// Run in parallel, report in name order.
const results = new Array(tests.length);
let next = 0;
const worker = async () => {
  while (next < tests.length) {
    const index = next++;
    results[index] = await runOne(tests[index]);
  }
};
await Promise.all(Array.from({ length: Math.min(availableParallelism(), tests.length) }, worker));
for (const result of results) {
  console.log(
    `${result.passed ? 'ok  ' : 'FAIL'} ${result.name.padEnd(16)} ${result.detail} (${result.ms} ms)`,
  );
}

const failed = results.filter((result) => !result.passed);
console.log(
  `\nisa tests under QEMU: ${results.length - failed.length} passed, ${failed.length} failed` +
    (failed.length ? ` (${failed.map((result) => result.name).join(', ')})` : ''),
);
process.exit(failed.length ? 1 : 0);
