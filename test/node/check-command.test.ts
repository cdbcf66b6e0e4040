// `linux-terminal check` end to end, on the busybox image's snapshot: a docs folder whose
// snippets all pass (a session's snippets in order in one shell, lenient matching, HTML snippets,
// an expected exit status), and one that fails in each way, each with its message and file:line,
// and exit status 1; the reporters' formats; bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/linux-terminal.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/snippets/', import.meta.url));

function check(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'check', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
    cwd: fixtures,
  });
}

test('a folder whose snippets all pass: status 0, a line each, sessions in order', () => {
  const run = check('--jobs', '2', 'passing/**/*');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const lines = run.stdout.split('\n');
  for (const at of [
    'passing/session.md:6 [intro]',
    'passing/session.md:11 [intro]',
    'passing/session.md:21',
    'passing/page.html:3',
    'passing/page.html:6',
  ])
    assert.ok(
      lines.some((line) => line.startsWith('ok') && line.includes(at)),
      `${at} passed:\n${run.stdout}`,
    );
  assert.match(run.stdout, /5 snippets: 5 passed, 0 failed/);
});

test('a folder with failures: each said with its file:line and why, the others run; status 1', () => {
  const run = check('--jobs', '1', 'failing/*.md');
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const out = run.stdout;
  assert.match(
    out,
    /FAIL +failing\/wrong\.md:1\n +its output is not the expected block's \(line 5, exact match\)\n[^]*-goodbye\n[^]*\+hello/,
  );
  assert.match(
    out,
    /FAIL +failing\/wrong\.md:9\n +it exited with status 1, not 0\n +its output:\n +to stderr/,
  );
  assert.match(out, /TIMEOUT failing\/wrong\.md:13\n +it did not finish within 2 s/);
  assert.match(
    out,
    /^ok +failing\/wrong\.md:17/m,
    'the snippet after the hang runs in a fresh machine',
  );
  assert.match(
    out,
    /ERROR +failing\/marked\.md:1: the block is marked run, but unknown attribute "sesion"/,
  );
  assert.match(out, /4 snippets: 1 passed, 3 failed; 1 wrongly marked/);
});

test('tap and junit reports', () => {
  const tap = check('--reporter', 'tap', 'failing/wrong.md');
  assert.equal(tap.status, 1);
  assert.match(tap.stdout, /^TAP version 13\n1\.\.4\nnot ok 1 - failing\/wrong\.md:1\n/);
  assert.match(tap.stdout, /^ok 4 - failing\/wrong\.md:17$/m);
  const junit = check('--reporter', 'junit', 'passing/page.html');
  assert.equal(junit.status, 0);
  assert.match(
    junit.stdout,
    /<testsuites name="linux-terminal check" tests="2" failures="0" errors="0"/,
  );
  assert.match(
    junit.stdout,
    /<testcase classname="passing\/page\.html" name="passing\/page\.html:3"/,
  );
});

test('bad options and no files: status 2 with a sentence', () => {
  const none = check('nothing/*.md');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no Markdown or HTML file matches 'nothing\/\*\.md'/);
  const jobs = check('--jobs', '0', 'passing/*.md');
  assert.equal(jobs.status, 2);
  assert.match(jobs.stderr, /--jobs needs a whole number from 1/);
  const reporter = check('--reporter', 'xml', 'passing/*.md');
  assert.equal(reporter.status, 2);
  assert.match(reporter.stderr, /--reporter is one of pretty, tap, junit/);
});
