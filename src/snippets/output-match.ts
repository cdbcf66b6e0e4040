// Whether a snippet printed what its expected block says: exactly, or leniently (trailing
// whitespace, blank lines at the end, and `...` lines standing for any lines), and a unified diff
// for the reader of a failure.
import { createPatch } from 'diff';
import type { OutputMatch } from './snippet-info.js';

/** A line of an expected block that stands for any number of lines (lenient matching). */
export const ANY_LINES = '...';

/** Whether `actual` is what `expected` asks for. */
export function outputMatches(actual: string, expected: string, match: OutputMatch): boolean {
  if (match === 'exact') return actual === expected;
  return linesMatch(lenientLines(actual), lenientLines(expected));
}

/** Lines without trailing whitespace, and without the blank lines at the end. */
function lenientLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `expected`'s lines against `actual`'s, with ANY_LINES matching any run of lines (even none). */
function linesMatch(actual: string[], expected: string[]): boolean {
  // reachable[j]: expected[0..i) can match actual[0..j). Grows row by row: O(lines²) at worst.
  let reachable = new Array<boolean>(actual.length + 1).fill(false);
  reachable[0] = true;
  for (const want of expected) {
    const next = new Array<boolean>(actual.length + 1).fill(false);
    for (let j = 0; j <= actual.length; j++) {
      if (want === ANY_LINES) next[j] = reachable[j] || (j > 0 && next[j - 1]);
      else next[j] = j > 0 && reachable[j - 1] && actual[j - 1] === want;
    }
    reachable = next;
  }
  return reachable[actual.length];
}

/** A unified diff of the expected output against the actual one, for a failure report. */
export function outputDiff(actual: string, expected: string): string {
  const patch = createPatch('output', expected, actual, 'expected', 'actual');
  // Drop the "Index:" and "===" lines: the file is named by the report.
  return patch.split('\n').slice(2).join('\n').trimEnd();
}
