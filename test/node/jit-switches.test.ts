// The translator's switch and figures in the `linux-terminal` command, run from the sources: --no-jit
// turns it off for `run` and `elf` and --stats says so; without it, --stats shows that units were
// compiled and that part of the guest's instructions ran in translated code.
import { cli } from './support/cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, report } from './support/assemble.js';

const TRANSLATOR_LINE =
  /^translator: ([\d,]+) units compiled for [\d,]+ entries in ([\d.]+) ms \(([\d,]+) in a codegen thread\); ([\d.]+)% of instructions in translated code, [\d.]+ per call; ([\d,]+) evictions, [\d,]+ pages rewritten$/m;

/** The figures of --stats' translator line, or undefined when there is none such. */
function translatorFigures(stderr: string) {
  const match = TRANSLATOR_LINE.exec(stderr);
  if (!match) return undefined;
  const number = (text: string) => Number(text.replace(/,/g, ''));
  return { units: number(match[1]), offThread: number(match[3]), share: Number(match[4]) };
}

// A loop whose body is entered 200,000 times, far past the translator's threshold.
const HOT_LOOP = `  li t0, 200000\n1:\n  addi t0, t0, -1\n  bnez t0, 1b\n${report(1)}`;

test('run --no-jit --stats says the translator is off, restored or booted cold', async () => {
  for (const start of [[], ['--cold']]) {
    const result = await cli('run', ...start, '--no-jit', '--stats', '--', 'true');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^translator: off$/m, `run ${start.join(' ')}`);
    assert.equal(translatorFigures(result.stderr), undefined);
  }
});

test('run --stats reports units compiled and a share of instructions run translated', async () => {
  // Shell arithmetic in a loop: the same few busybox paths entered thousands of times.
  const result = await cli(
    ...['run', '--stats', '--'],
    'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo $i',
  );
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '3000\n');
  const figures = translatorFigures(result.stderr);
  assert.ok(figures, `no translator line in:\n${result.stderr}`);
  assert.ok(figures.units > 0, 'no unit compiled');
  // The CLI's machine has a codegen thread: its units are written there, not in the machine's.
  assert.ok(figures.offThread > 0, 'no unit written in the codegen thread');
  assert.ok(figures.share > 0 && figures.share <= 100, `share ${figures.share}%`);
});

test('elf --stats reports the translator, and --no-jit turns it off', async () => {
  const elf = assemble(HOT_LOOP);
  const on = await cli('elf', elf, '--stats');
  assert.equal(on.stdout.trim(), 'PASS');
  assert.match(on.stderr, /^400,006 instructions in [\d.]+ s, [\d.]+ MIPS$/m);
  // runBareMetal runs its slices back to back, so a unit compiled off the thread is never
  // installed before the program ends: only the figures' presence is checked here.
  assert.ok(translatorFigures(on.stderr), `no translator line in:\n${on.stderr}`);

  const off = await cli('elf', elf, '--no-jit', '--stats');
  assert.equal(off.stdout.trim(), 'PASS');
  assert.match(off.stderr, /^translator: off$/m);
});
