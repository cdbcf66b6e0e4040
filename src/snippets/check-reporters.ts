// How `linux-terminal check` reports: `pretty` for people (a line per snippet as it ends, then each
// failure with its file:line, reason and diff), `tap` (TAP version 13) and `junit` (JUnit XML) for
// CI systems. Snippets wrongly marked are failures too.
import type { SnippetProblem } from './markdown-snippets.js';
import type { SnippetResult } from './snippet-runner.js';

export type ReporterName = 'pretty' | 'tap' | 'junit';
export const REPORTERS: readonly ReporterName[] = ['pretty', 'tap', 'junit'];

export interface Reporter {
  /** A snippet ended (in each group's order; groups interleave). */
  result(result: SnippetResult): void;
  /** Everything ended: the whole report's end. */
  end(results: SnippetResult[], problems: SnippetProblem[], seconds: number): void;
}

const where = (r: { file: string; line: number }) => `${r.file}:${r.line}`;
const SYMBOL: Record<SnippetResult['status'], string> = {
  passed: 'ok',
  failed: 'FAIL',
  'timed-out': 'TIMEOUT',
  'machine-failed': 'ERROR',
};

const indent = (text: string, by = '    ') =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

/** The failing part of a result, for people: reason, diff or output. */
function explain(result: SnippetResult): string {
  const lines = [`  ${result.message}`];
  if (result.diff) lines.push(indent(result.diff));
  else if (result.output.trim() !== '')
    lines.push('  its output:', indent(result.output.trimEnd().split('\n').slice(-20).join('\n')));
  return lines.join('\n');
}

function pretty(write: (text: string) => void): Reporter {
  return {
    result: (r) =>
      write(
        `${SYMBOL[r.status].padEnd(7)} ${where(r.snippet)}${r.snippet.options.session ? ` [${r.snippet.options.session}]` : ''} (${r.ms} ms)\n`,
      ),
    end(results, problems, seconds) {
      const failed = results.filter((r) => r.status !== 'passed');
      for (const problem of problems)
        write(`\nERROR   ${where(problem)}: the block is marked run, but ${problem.message}\n`);
      for (const r of failed)
        write(`\n${SYMBOL[r.status].padEnd(7)} ${where(r.snippet)}\n${explain(r)}\n`);
      const passed = results.length - failed.length;
      write(
        `\n${results.length} snippets: ${passed} passed, ${failed.length} failed${problems.length ? `; ${problems.length} wrongly marked` : ''} (${seconds.toFixed(1)} s)\n`,
      );
    },
  };
}

function tap(write: (text: string) => void): Reporter {
  return {
    result() {},
    end(results, problems) {
      write('TAP version 13\n');
      write(`1..${results.length + problems.length}\n`);
      let n = 0;
      for (const r of results) {
        n++;
        write(`${r.status === 'passed' ? 'ok' : 'not ok'} ${n} - ${where(r.snippet)}\n`);
        if (r.status !== 'passed') {
          write('  ---\n');
          write(`  status: ${r.status}\n`);
          write(`  message: ${JSON.stringify(r.message)}\n`);
          if (r.diff) write(`  diff: |\n${indent(r.diff)}\n`);
          write(`  duration_ms: ${r.ms}\n  ...\n`);
        }
      }
      for (const p of problems) {
        n++;
        write(`not ok ${n} - ${where(p)}\n  ---\n  message: ${JSON.stringify(p.message)}\n  ...\n`);
      }
    },
  };
}

const xml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot hold (terminal control codes in a snippet's output).
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

function junit(write: (text: string) => void): Reporter {
  return {
    result() {},
    end(results, problems, seconds) {
      const byFile = new Map<string, string[]>();
      const add = (file: string, testcase: string) =>
        byFile.set(file, [...(byFile.get(file) ?? []), testcase]);
      for (const r of results) {
        const head = `<testcase classname="${xml(r.snippet.file)}" name="${xml(where(r.snippet))}" time="${(r.ms / 1000).toFixed(3)}"`;
        if (r.status === 'passed') add(r.snippet.file, `${head}/>`);
        else {
          const tag = r.status === 'failed' ? 'failure' : 'error';
          add(
            r.snippet.file,
            `${head}><${tag} type="${r.status}" message="${xml(r.message ?? '')}">${xml(r.diff ?? r.output)}</${tag}></testcase>`,
          );
        }
      }
      for (const p of problems)
        add(
          p.file,
          `<testcase classname="${xml(p.file)}" name="${xml(where(p))}"><error type="wrongly-marked" message="${xml(p.message)}"/></testcase>`,
        );
      const failures = results.filter((r) => r.status === 'failed').length;
      const errors =
        results.length - failures - results.filter((r) => r.status === 'passed').length;
      write('<?xml version="1.0" encoding="UTF-8"?>\n');
      write(
        `<testsuites name="linux-terminal check" tests="${results.length + problems.length}" failures="${failures}" errors="${errors + problems.length}" time="${seconds.toFixed(3)}">\n`,
      );
      for (const [file, cases] of byFile)
        write(
          `  <testsuite name="${xml(file)}" tests="${cases.length}">\n${cases.map((c) => `    ${c}`).join('\n')}\n  </testsuite>\n`,
        );
      write('</testsuites>\n');
    },
  };
}

export function reporter(name: ReporterName, write: (text: string) => void): Reporter {
  return name === 'tap' ? tap(write) : name === 'junit' ? junit(write) : pretty(write);
}
