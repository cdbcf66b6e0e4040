// Runnable snippets in a Markdown file: fenced blocks marked `run` (snippet-info.ts), each with
// the ```output block that follows it, if any. markdown-it reads the Markdown, so that fences in
// lists, block quotes and indented code are seen as a renderer sees them.
import MarkdownIt from 'markdown-it';
import { type SnippetOptions, parseSnippetInfo } from './snippet-info.js';

export interface Snippet {
  /** The file, as given. */
  file: string;
  /** The line of the opening fence, from 1. */
  line: number;
  code: string;
  options: SnippetOptions;
  /** The expected output block's text, if the snippet has one. */
  expected?: string;
  /** The line of the expected block's opening fence, from 1. */
  expectedLine?: number;
}

/** A block marked `run` that cannot be a snippet (an attribute misspelt): said, never skipped. */
export interface SnippetProblem {
  file: string;
  line: number;
  message: string;
}

const markdown = new MarkdownIt();

/** The runnable snippets of the Markdown `text`, in order, and the blocks that are wrongly marked. */
export function markdownSnippets(
  text: string,
  file: string,
): { snippets: Snippet[]; problems: SnippetProblem[] } {
  const tokens = markdown.parse(text, {});
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'fence') return;
    const line = (token.map?.[0] ?? 0) + 1;
    let options: SnippetOptions | undefined;
    try {
      options = parseSnippetInfo(token.info);
    } catch (error) {
      problems.push({ file, line, message: (error as Error).message });
      return;
    }
    if (!options) return;
    const snippet: Snippet = { file, line, code: token.content, options };
    // The expected output: the very next block, a fence whose info is `output`.
    const next = tokens[i + 1];
    if (next?.type === 'fence' && next.info.trim() === 'output') {
      snippet.expected = next.content;
      snippet.expectedLine = (next.map?.[0] ?? 0) + 1;
    }
    snippets.push(snippet);
  });
  return { snippets, problems };
}
