// `linux-terminal check`: runs every runnable snippet of a docs folder headless and says which no
// longer do what the docs say (src/snippets/). For docs CI: exit status 1 when any fails.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { glob } from 'tinyglobby';
import { GuestShell } from '../engine/node/guest-shell.js';
import type { LoadedBootImage } from '../engine/node/images.js';
import { htmlSnippets } from '../snippets/html-snippets.js';
import {
  type Snippet,
  type SnippetProblem,
  markdownSnippets,
} from '../snippets/markdown-snippets.js';
import { REPORTERS, type ReporterName, reporter } from '../snippets/check-reporters.js';
import { groupSnippets, runSnippetGroups } from '../snippets/snippet-runner.js';
import { bootImageFrom } from './run-command.js';

const DEFAULT_SNIPPET_TIMEOUT_S = 60;
/** How long a machine may take to load its image and reach its prompt. */
const MACHINE_TIMEOUT_S = 120;

export const checkUsage = `usage: linux-terminal check [--image NAME|PATH|URL] [--jobs N] [--reporter pretty|tap|junit]
           [--timeout SECONDS] [--no-jit] 'GLOB' ...
Runs every runnable snippet in the Markdown (.md, .markdown, .mdx) and HTML (.html, .htm) files
the globs match, headless, and checks each against what the docs say.
A runnable block is a fenced block marked with the word run after its language, optionally
followed by an expected output block:
    \`\`\`sh run session=intro image=debian timeout=30 exit=0 match=lenient
    echo hello
    \`\`\`
    \`\`\`output
    hello
    \`\`\`
In HTML, a <linux-snippet> element right after a <pre> (or naming it with for="id"), with the same
attributes, and the expected output in a child <pre slot="expected">.
Snippets of one session share a machine, in file order, each run in its shell as if typed (a cd
or a variable stays); without a session, each file has one. Machines start from the image's
snapshot. A snippet passes when it exits with status 0 (or its exit=N) and, if it has an
expected block, prints exactly that (match=lenient: trailing whitespace and blank lines at the
end ignored, and a line ... stands for any lines).
  --image NAME|PATH|URL  the image of snippets that name none (default: busybox)
  --jobs N            machines running at once, each on its own thread (default: the number of
                      cores, ${availableParallelism()} here)
  --reporter NAME     pretty (default), tap (TAP 13) or junit (JUnit XML), on stdout
  --timeout SECONDS   how long a snippet may run unless it says (default ${DEFAULT_SNIPPET_TIMEOUT_S}); one that runs
                      longer is stopped and its machine replaced
  --no-jit            interpret every instruction (no translation of hot code)
Exit status: 0 when every snippet passed; 1 when any failed, timed out, lost its machine or is
wrongly marked; 2 for a bad option, no file matched, or an image that cannot be loaded.
`;

const MARKDOWN = new Set(['.md', '.markdown', '.mdx']);
const HTML = new Set(['.html', '.htm']);

export async function checkCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        image: { type: 'string' },
        jobs: { type: 'string' },
        reporter: { type: 'string', default: 'pretty' },
        timeout: { type: 'string' },
        'no-jit': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`linux-terminal check: ${(error as Error).message}\n\n${checkUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(checkUsage);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(
      `linux-terminal check: name the files to check (a glob such as 'docs/**/*.md')\n\n${checkUsage}`,
    );
    return 2;
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`linux-terminal check: --jobs needs a whole number from 1, not '${values.jobs}'`);
    return 2;
  }
  const timeoutS =
    values.timeout === undefined ? DEFAULT_SNIPPET_TIMEOUT_S : Number(values.timeout);
  if (!(timeoutS > 0) || !Number.isFinite(timeoutS)) {
    console.error(
      `linux-terminal check: --timeout needs a positive number of seconds, not '${values.timeout}'`,
    );
    return 2;
  }
  if (!REPORTERS.includes(values.reporter as ReporterName)) {
    console.error(
      `linux-terminal check: --reporter is one of ${REPORTERS.join(', ')}, not '${values.reporter}'`,
    );
    return 2;
  }

  const files = (
    await glob(positionals, {
      onlyFiles: true,
      expandDirectories: false,
      // Files named as the globs were: absolute ones absolute, others from here.
      absolute: positionals.every((pattern) => isAbsolute(pattern)),
    })
  )
    .filter(
      (file) => MARKDOWN.has(extname(file).toLowerCase()) || HTML.has(extname(file).toLowerCase()),
    )
    .sort();
  if (files.length === 0) {
    console.error(
      `linux-terminal check: no Markdown or HTML file matches ${positionals.map((p) => `'${p}'`).join(' ')}`,
    );
    return 2;
  }
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const found = HTML.has(extname(file).toLowerCase())
      ? htmlSnippets(text, file)
      : markdownSnippets(text, file);
    snippets.push(...found.snippets);
    problems.push(...found.problems);
  }

  // Each image loaded once (its manifest and snapshot), for every machine of it.
  const images = new Map<string, Promise<LoadedBootImage | undefined>>();
  const load = (image: string | undefined) => {
    const name = image ?? values.image ?? 'busybox';
    let loaded = images.get(name);
    if (!loaded) {
      loaded = bootImageFrom({ image: name }, 'check', MACHINE_TIMEOUT_S * 1000);
      images.set(name, loaded);
    }
    return loaded;
  };
  // The default image must load, or nothing can run: said once, status 2.
  if (snippets.some((s) => !s.options.image) && !(await load(undefined))) return 2;

  const out = reporter(values.reporter as ReporterName, (text) => process.stdout.write(text));
  const started = performance.now();
  const results = await runSnippetGroups(groupSnippets(snippets), {
    jobs,
    timeoutS,
    onResult: (result) => out.result(result),
    async startMachine(image) {
      const loaded = await load(image);
      if (!loaded) throw new Error(`the image ${image} cannot be loaded (said above)`);
      const guest = new GuestShell(loaded, { jit: !values['no-jit'] });
      try {
        await guest.ready(MACHINE_TIMEOUT_S * 1000);
      } catch (error) {
        await guest.terminate().catch(() => {});
        throw error;
      }
      return guest;
    },
  });
  out.end(results, problems, (performance.now() - started) / 1000);
  return results.every((r) => r.status === 'passed') && problems.length === 0 ? 0 : 1;
}
