// What the docs-generator plugins (src/plugins/) share: reading a fenced block's marker with the
// line to blame, pairing it with its ```output block, and the `<linux-snippet>` element that
// follows the code block in the built page (read back by html-snippets.ts).
import { type SnippetOptions, parseSnippetInfo } from './snippet-info.js';

export interface SnippetPluginOptions {
  /** The image of snippets that name none (their `<linux-snippet>` gets `image="…"`). */
  image?: string;
}

/** Whether a fenced block's info string makes it the expected output of the block before it. */
export const isOutputBlock = (info: string | null | undefined): boolean =>
  (info ?? '').trim() === 'output';

/**
 * The options of a fenced block (its info string: language, then `run` and attributes), with the
 * plugin's default image; undefined when it is not runnable. A wrongly marked block throws a
 * sentence that names its line, so the build stops there.
 */
export function runnableBlock(
  info: string,
  line: number,
  pluginOptions: SnippetPluginOptions,
): SnippetOptions | undefined {
  let snippet: SnippetOptions | undefined;
  try {
    snippet = parseSnippetInfo(info);
  } catch (error) {
    throw new Error(
      `linux-terminal: the code block at line ${line} is marked run, but ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (snippet) snippet.image ??= pluginOptions.image;
  return snippet;
}

/** The `<linux-snippet>` attributes for a block's options, in a fixed order; defaults left out. */
export function snippetAttributes(options: SnippetOptions): [string, string][] {
  const attributes: [string, string | number | undefined][] = [
    ['session', options.session],
    ['image', options.image],
    ['timeout', options.timeout],
    ['exit', options.exit === 0 ? undefined : options.exit],
    ['match', options.match === 'exact' ? undefined : options.match],
  ];
  return attributes.flatMap(([name, value]) =>
    value === undefined ? [] : [[name, String(value)]],
  );
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The `<linux-snippet>` element, as HTML, for a block's options and expected output. */
export function snippetElement(options: SnippetOptions, expected?: string): string {
  const attrs = snippetAttributes(options)
    .map(([name, value]) => ` ${name}="${escape(value)}"`)
    .join('');
  // A <pre>'s first newline is dropped by HTML's parser: one is added so the text stays whole.
  const slot = expected === undefined ? '' : `<pre slot="expected">\n${escape(expected)}</pre>`;
  return `<linux-snippet${attrs}>${slot}</linux-snippet>\n`;
}
