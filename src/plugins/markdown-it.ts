// The markdown-it plugin (VitePress, or any markdown-it pipeline): a fenced block marked `run`
// (src/snippets/snippet-info.ts) is rendered as the code block it is, followed by a
// `<linux-snippet>` with the marker's attributes; the ```output block after it, if any, goes into
// the snippet as its expected output (`<pre slot="expected">`) instead of a code block of its own.
// `linux-terminal check` reads the same HTML back (html-snippets.ts). A block wrongly marked stops
// the build with its line, rather than becoming plain code unnoticed.
//
//   import MarkdownIt from 'markdown-it';
//   import linuxTerminal from 'linux-terminal/markdown-it';
//   const md = new MarkdownIt().use(linuxTerminal);
import type { MarkdownIt } from 'markdown-it';
import { type SnippetOptions, parseSnippetInfo } from '../snippets/snippet-info.js';

export interface LinuxTerminalPluginOptions {
  /** The image of snippets that name none (their `<linux-snippet>` gets `image="…"`). */
  image?: string;
}

interface SnippetMeta {
  snippet?: SnippetOptions;
  expected?: string;
  /** An output block that went into the snippet before it: rendered as nothing. */
  taken?: boolean;
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The `<linux-snippet>` element for a block's options and expected output. */
export function snippetElement(options: SnippetOptions, expected?: string): string {
  const attributes: [string, string | number | undefined][] = [
    ['session', options.session],
    ['image', options.image],
    ['timeout', options.timeout],
    ['exit', options.exit === 0 ? undefined : options.exit],
    ['match', options.match === 'exact' ? undefined : options.match],
  ];
  const attrs = attributes
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escape(String(value))}"`)
    .join('');
  // A <pre>'s first newline is dropped by HTML's parser: one is added so the text stays whole.
  const slot = expected === undefined ? '' : `<pre slot="expected">\n${escape(expected)}</pre>`;
  return `<linux-snippet${attrs}>${slot}</linux-snippet>\n`;
}

export default function linuxTerminalPlugin(
  md: MarkdownIt,
  pluginOptions: LinuxTerminalPluginOptions = {},
): void {
  // Pairs each runnable block with its output block, once the blocks are parsed.
  md.core.ruler.push('linux_terminal_snippets', (state) => {
    const tokens = state.tokens;
    tokens.forEach((token, i) => {
      if (token.type !== 'fence') return;
      let snippet: SnippetOptions | undefined;
      try {
        snippet = parseSnippetInfo(token.info);
      } catch (error) {
        const line = (token.map?.[0] ?? 0) + 1;
        throw new Error(
          `linux-terminal: the code block at line ${line} is marked run, but ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (!snippet) return;
      snippet.image ??= pluginOptions.image;
      const meta: SnippetMeta = { snippet };
      const next = tokens[i + 1];
      if (next?.type === 'fence' && next.info.trim() === 'output') {
        meta.expected = next.content;
        next.meta = { ...(next.meta ?? {}), taken: true } satisfies SnippetMeta;
      }
      token.meta = { ...(token.meta ?? {}), ...meta };
    });
  });
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const meta = (tokens[idx].meta ?? {}) as SnippetMeta;
    if (meta.taken) return '';
    const html = fence(tokens, idx, options, env, self);
    return meta.snippet ? html + snippetElement(meta.snippet, meta.expected) : html;
  };
}
