// The project's ISA test programs (test/isa/*.S), built with the cross toolchain and run through
// the bare-metal runner: every one must report PASS through tohost, interpreted, translated from
// the first entry of every address (threshold zero), and translated with every unit checked
// against the interpreter (lock-step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBareMetal } from '../../src/engine/bare-metal.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const build = spawnSync(process.execPath, ['scripts/build-isa-tests.mjs', '--variant=emu'], {
  cwd: root,
  encoding: 'utf8',
});
assert.equal(build.status, 0, `building the ISA tests failed:\n${build.stdout}${build.stderr}`);

const dir = `${root}build/isa/`;
const programs = readdirSync(dir)
  .filter((name) => name.endsWith('.elf'))
  .sort();

test('the ISA test programs were built', () => {
  assert.ok(programs.length >= 10, `only ${programs.length} ISA test programs in ${dir}`);
});

const modes = [
  { mode: 'interpreted', jit: false },
  { mode: 'translated', jit: { threshold: 0 } },
  { mode: 'lock-step', jit: { threshold: 0, lockstep: true } },
] as const;

for (const name of programs) {
  for (const { mode, jit } of modes) {
    test(`isa: ${name.replace(/\.elf$/, '')} (${mode})`, async () => {
      const result = await runBareMetal(readFileSync(dir + name), {
        maxInstructions: 50_000_000,
        jit,
      });
      assert.deepEqual(
        result.outcome === 'fail' ? `FAIL ${result.testCase}` : result.outcome,
        'pass',
        `${name}: ${JSON.stringify(result, (_key, value) => (typeof value === 'bigint' ? `0x${value.toString(16)}` : value))}`,
      );
      if (jit && result.outcome === 'pass') {
        // Code ran translated (not all of it: CSRs, traps and xRET are interpreted, and some
        // programs mostly wait on the time CSR or rewrite instret).
        const ran = result.jit!.translatedInstructions;
        assert.ok(ran >= 1000, `${name}: only ${ran} instructions ran translated`);
      }
    });
  }
}
