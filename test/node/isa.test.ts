// The project's ISA test programs (test/isa/*.S), built with the cross toolchain and run through
// the bare-metal runner: every one must report PASS through tohost.
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

for (const name of programs) {
  test(`isa: ${name.replace(/\.elf$/, '')}`, async () => {
    const result = await runBareMetal(readFileSync(dir + name), { maxInstructions: 50_000_000 });
    assert.deepEqual(
      result.outcome === 'fail' ? `FAIL ${result.testCase}` : result.outcome,
      'pass',
      `${name}: ${JSON.stringify(result, (_key, value) => (typeof value === 'bigint' ? `0x${value.toString(16)}` : value))}`,
    );
  });
}
