// Runs snippets headless, for docs CI (`linux-terminal check`): the snippets of one session (or,
// without one, of one file) run in one machine, in order, each in that machine's shell as if a
// reader typed it (a `cd` or a variable stays for the next). Machines run on worker threads, a
// few at once. A snippet that hangs is stopped at its timeout; a machine that dies, or is stopped
// for a hang, is reported and replaced by a fresh one for the snippets after it.
import { GuestError, type GuestShell } from '../engine/node/guest-shell.js';
import type { Snippet } from './markdown-snippets.js';
import { outputDiff, outputMatches } from './output-match.js';

/** Snippets that share one machine, in order. */
export interface SnippetGroup {
  file: string;
  session?: string;
  image?: string;
  snippets: Snippet[];
}

export type SnippetStatus =
  | 'passed'
  /** It ran, but printed something else than expected, or ended with another status. */
  | 'failed'
  /** It ran past its timeout (it was stopped, with its machine). */
  | 'timed-out'
  /** Its machine could not start, or died under it. */
  | 'machine-failed';

export interface SnippetResult {
  snippet: Snippet;
  status: SnippetStatus;
  ms: number;
  /** What it printed (stdout and stderr, as the terminal shows them, \n line ends). */
  output: string;
  exitCode?: number;
  /** Why it did not pass, in a sentence. */
  message?: string;
  /** The expected output against the actual, when they differ. */
  diff?: string;
}

export interface RunOptions {
  /** Machines running at once. */
  jobs: number;
  /** Seconds a snippet may run when it does not say. */
  timeoutS: number;
  /** A machine of `image` (undefined: the default) at its prompt. */
  startMachine(image: string | undefined): Promise<GuestShell>;
  /** Each result as soon as it is known, in each group's order. */
  onResult(result: SnippetResult): void;
}

/** Groups `snippets` (in file order) by file and session, in order of first appearance. */
export function groupSnippets(snippets: Snippet[]): SnippetGroup[] {
  const groups = new Map<string, SnippetGroup>();
  for (const snippet of snippets) {
    const key = `${snippet.file}\0${snippet.options.session ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { file: snippet.file, session: snippet.options.session, snippets: [] };
      groups.set(key, group);
    }
    // A session runs in one machine: the first snippet that names an image names it.
    group.image ??= snippet.options.image;
    group.snippets.push(snippet);
  }
  return [...groups.values()];
}

/** Runs every group, `jobs` at a time; resolves with every result, in group order. */
export async function runSnippetGroups(
  groups: SnippetGroup[],
  options: RunOptions,
): Promise<SnippetResult[]> {
  const results = new Map<SnippetGroup, SnippetResult[]>();
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++];
      results.set(group, await runGroup(group, options));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  return groups.flatMap((group) => results.get(group) ?? []);
}

async function runGroup(group: SnippetGroup, options: RunOptions): Promise<SnippetResult[]> {
  const results: SnippetResult[] = [];
  let machine: GuestShell | undefined;
  /** Why the last machine went, said on the next snippet that gets a fresh one. */
  let replaced: string | undefined;
  const report = (result: SnippetResult) => {
    results.push(result);
    options.onResult(result);
  };
  try {
    for (const snippet of group.snippets) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      if (snippet.options.image !== undefined && snippet.options.image !== group.image) {
        report({
          snippet,
          status: 'machine-failed',
          ms: 0,
          output: '',
          message: `its session "${group.session}" runs image ${group.image ?? '(default)'}, not ${snippet.options.image}: a session has one machine`,
        });
        continue;
      }
      if (!machine) {
        try {
          machine = await options.startMachine(group.image);
        } catch (error) {
          report({
            snippet,
            status: 'machine-failed',
            ms: elapsed(),
            output: '',
            message: `its machine could not start: ${(error as Error).message}`,
          });
          continue;
        }
      }
      const timeoutS = snippet.options.timeout ?? options.timeoutS;
      const chunks: string[] = [];
      try {
        const { output, exitCode } = await machine.exec(snippet.code, {
          timeoutMs: timeoutS * 1000,
          inShell: true,
          onChunk: (text) => chunks.push(text),
        });
        report(judge(snippet, output, exitCode, elapsed(), replaced));
      } catch (error) {
        const output = chunks.join('');
        const hung = error instanceof GuestError && error.code === 'no-prompt';
        const why = hung
          ? `it did not finish within ${timeoutS} s (stopped; raise timeout=SECONDS after run if it needs longer)`
          : `its machine stopped under it: ${(error as Error).message}`;
        report({
          snippet,
          status: hung ? 'timed-out' : 'machine-failed',
          ms: elapsed(),
          output,
          message: why,
        });
        await machine.terminate().catch(() => {});
        machine = undefined;
        replaced = `the snippet at line ${snippet.line} ${hung ? 'hung' : 'killed its machine'}, so this one ran in a fresh machine`;
        continue;
      }
      replaced = undefined;
    }
  } finally {
    await machine?.terminate().catch(() => {});
  }
  return results;
}

/** Whether a snippet that ran passed: its exit status, then its output. */
function judge(
  snippet: Snippet,
  output: string,
  exitCode: number,
  ms: number,
  replaced: string | undefined,
): SnippetResult {
  const result: SnippetResult = { snippet, status: 'passed', ms, output, exitCode };
  const note = replaced ? ` (${replaced})` : '';
  if (exitCode !== snippet.options.exit) {
    result.status = 'failed';
    result.message = `it exited with status ${exitCode}, not ${snippet.options.exit}${note}`;
  } else if (
    snippet.expected !== undefined &&
    !outputMatches(output, snippet.expected, snippet.options.match)
  ) {
    result.status = 'failed';
    result.message = `its output is not the expected block's (line ${snippet.expectedLine}, ${snippet.options.match} match)${note}`;
    result.diff = outputDiff(output, snippet.expected);
  }
  return result;
}
