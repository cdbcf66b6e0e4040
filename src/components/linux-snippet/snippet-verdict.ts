// Whether a snippet's run passed, by the checker's rules (src/snippets/snippet-runner.ts): its
// exit status first, then its output against the expected block, compared as the checker does
// (src/snippets/output-match.ts; only its matcher is bundled: the diff library it imports for
// the checker's reports is dropped by tree-shaking, `diff` having no side effects).
import { outputMatches } from '../../snippets/output-match.js';
import type { OutputMatch } from '../../snippets/snippet-info.js';

export interface SnippetVerdict {
  passed: boolean;
  /** Why it failed, in a sentence; undefined when it passed. */
  reason?: string;
}

export function judgeRun(
  output: string,
  exitCode: number,
  want: { exit: number; expected?: string; match: OutputMatch },
): SnippetVerdict {
  if (exitCode !== want.exit)
    return { passed: false, reason: `Exited with status ${exitCode}, not ${want.exit}.` };
  if (want.expected === undefined || outputMatches(output, want.expected, want.match))
    return { passed: true };
  return { passed: false, reason: `The output is not the expected output (${want.match} match).` };
}
