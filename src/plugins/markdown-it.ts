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
import type { SnippetOptions } from '../snippets/snippet-info.js';
import {
  type SnippetPluginOptions,
  isOutputBlock,
  runnableBlock,
  snippetElement,
} from '../snippets/snippet-markup.js';

export { snippetElement };
export type LinuxTerminalPluginOptions = SnippetPluginOptions;

interface SnippetMeta {
  snippet?: SnippetOptions;
  expected?: string;
  /** An output block that went into the snippet before it: rendered as nothing. */
  taken?: boolean;
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
      const snippet = runnableBlock(token.info, (token.map?.[0] ?? 0) + 1, pluginOptions);
      if (!snippet) return;
      const meta: SnippetMeta = { snippet };
      const next = tokens[i + 1];
      if (next?.type === 'fence' && isOutputBlock(next.info)) {
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
