// `npm test`: every check the project has, in order, with one summary at the end.
// Stages: type-check, lint, build, the example sites' builds, Node tests (node --test), end-to-end tests (node --test driving
// headless Chromium with puppeteer, on the built bundle), browser tests (@web/test-runner in
// headless Chromium). Every stage runs even if an earlier one failed (except that the tests need
// the build), and the exit status is non-zero if anything failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const bin = (name) => join('node_modules', '.bin', name);
const tapDir = mkdtempSync(join(tmpdir(), 'linux-terminal-test-'));
const testFiles = (dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name));

/** Runs a command with inherited output, also capturing it; resolves to { code, output }. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    const tee = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const counts = (passed, failed) => ({ passed, failed });

/** node --test on `files`: the spec reporter on screen, the counts from a TAP copy. */
async function nodeTestRun(name, files) {
  const tapFile = join(tapDir, `${name}.tap`);
  const result = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ]);
  const tap = readFileSync(tapFile, 'utf8');
  const pick = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)`, 'm'))?.[1] ?? 0);
  return { code: result.code, tests: counts(pick('pass'), pick('fail') + pick('cancelled')) };
}

const stages = [
  { name: 'type-check', run: () => run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) },
  {
    name: 'lint',
    run: async () => {
      const eslint = await run(bin('eslint'), ['.']);
      const prettier = await run(bin('prettier'), ['--check', '.']);
      return { code: eslint.code || prettier.code };
    },
  },
  { name: 'build', run: () => run(process.execPath, ['scripts/build.mjs']), gate: true },
  // The example sites (examples/), from the build: their tests read and serve what this makes.
  { name: 'example sites', run: () => run(process.execPath, ['scripts/build-examples.mjs']) },
  { name: 'node tests', run: () => nodeTestRun('node', testFiles('test/node')) },
  { name: 'e2e tests', run: () => nodeTestRun('e2e', testFiles('test/e2e')) },
  {
    name: 'browser tests',
    run: async () => {
      const result = await run(bin('web-test-runner'), []);
      // The runner's progress lines end with "N passed, N failed"; the last one is the total.
      const plain = stripVTControlCharacters(result.output);
      const all = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)];
      const last = all.at(-1);
      return { code: result.code, tests: counts(Number(last?.[1] ?? 0), Number(last?.[2] ?? 0)) };
    },
  },
];

const results = [];
let gateFailed = false;
for (const stage of stages) {
  if (gateFailed && !stage.gate) {
    results.push({ name: stage.name, status: 'skipped (build failed)' });
    continue;
  }
  console.log(`\n=== ${stage.name} ===`);
  const started = performance.now();
  const result = await stage.run();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = result.code === 0;
  if (stage.gate && !ok) gateFailed = true;
  results.push({
    name: stage.name,
    status: ok ? 'ok' : `FAILED (exit ${result.code})`,
    seconds,
    tests: result.tests,
  });
}

let passed = 0;
let failed = 0;
console.log('\n=== summary ===');
for (const { name, status, seconds, tests } of results) {
  const detail = tests ? `  ${tests.passed} passed, ${tests.failed} failed` : '';
  console.log(
    `${name.padEnd(14)} ${status.padEnd(24)} ${seconds ? `${seconds}s`.padStart(7) : ''}${detail}`,
  );
  if (tests) {
    passed += tests.passed;
    failed += tests.failed;
  }
  if (status !== 'ok' && !tests)
    failed += 1; // a failed stage with no tests of its own counts once
  else if (status !== 'ok' && tests && tests.failed === 0) failed += 1; // crashed before reporting
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(results.every(({ status }) => status === 'ok') ? 0 : 1);
