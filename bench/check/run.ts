// `npm run bench:check`: the snippet checker on a generated docs folder of 10 Markdown files with
// 10 small snippets each (100 in all: echo, arithmetic, files, a pipe, each with its expected
// output; half the files one session, half without), run by `linux-terminal check --jobs 2` from
// the image's snapshot, as docs CI would. Seconds from the command's spawn to its exit, median
// (min–max) of BENCH_RUNS runs (default 3). Target: 100 snippets in ≤ 60 s on 2 cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuns, spread } from '../support/stats.js';

const cli = fileURLToPath(new URL('../../bin/linux-terminal.js', import.meta.url));
const runs = benchRuns(3);
const folder = mkdtempSync(join(tmpdir(), 'lt-bench-check-'));

/** Snippet `k` of file `f`: small commands a tutorial has, and what they print. */
function snippet(f: number, k: number): [string, string] {
  switch (k % 5) {
    case 0:
      return [`echo "file ${f}, step ${k}"`, `file ${f}, step ${k}`];
    case 1:
      return [`echo $(( ${f} * 100 + ${k} ))`, `${f * 100 + k}`];
    case 2:
      return [
        `printf 'line %s\\n' a b c > /tmp/f${f}-${k}.txt && wc -l < /tmp/f${f}-${k}.txt`,
        '3',
      ];
    case 3:
      return [`seq 1 ${k + 5} | tail -n 1`, `${k + 5}`];
    default:
      return [`ls / | grep -c '^etc$'`, '1'];
  }
}

for (let f = 0; f < 10; f++) {
  const session = f % 2 === 0 ? ` session=s${f}` : '';
  const blocks: string[] = [`# Page ${f}`, ''];
  for (let k = 0; k < 10; k++) {
    const [code, output] = snippet(f, k);
    blocks.push(`\`\`\`sh run${session}`, code, '```', '', '```output', output, '```', '');
  }
  writeFileSync(join(folder, `page-${f}.md`), blocks.join('\n'));
}

const seconds: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [cli, 'check', '--jobs', '2', join(folder, '*.md')],
      {
        encoding: 'utf8',
      },
    );
    seconds.push((performance.now() - started) / 1000);
    if (result.status !== 0) throw new Error(`check failed:\n${result.stdout}${result.stderr}`);
    if (!/100 snippets: 100 passed/.test(result.stdout))
      throw new Error(`not 100 passed:\n${result.stdout}`);
  }
  console.log(
    `linux-terminal check --jobs 2, 100 snippets in 10 files (busybox, from its snapshot), ${runs} runs:`,
  );
  console.log(`  spawn to exit: ${spread(seconds)} s (target ≤ 60 s)`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
