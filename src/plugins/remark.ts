// The remark plugin (Docusaurus, Starlight/Astro, any unified pipeline): the markdown-it plugin's
// counterpart. A fenced block marked `run` (src/snippets/snippet-info.ts) stays the code block it
// is and is followed by a `<linux-snippet>` with the marker's attributes; the ```output block
// after it, if any, goes into the snippet as its expected output (`<pre slot="expected">`).
//
// The snippet is one node that both kinds of pipeline turn into the element: an MDX JSX element
// (MDX, as in Docusaurus, compiles it to JSX as written, and has no raw HTML; marked as written
// in the source, so that a theme's `pre` component, Docusaurus's code block, does not replace the
// expected output's <pre>), which also carries
// the hast it stands for in `data.hName`/`hProperties`/`hChildren` (what remark-rehype builds for
// a node type it has no handler of). A block wrongly marked fails the file with its line.
//
//   import remarkLinuxTerminal from 'linux-terminal/remark';
//   unified().use(remarkParse).use(remarkLinuxTerminal, { image: 'busybox' }).use(remarkRehype)…
import type { Code, Parent, Root } from 'mdast';
import type { SnippetOptions } from '../snippets/snippet-info.js';
import {
  type SnippetPluginOptions,
  isOutputBlock,
  runnableBlock,
  snippetAttributes,
} from '../snippets/snippet-markup.js';

export type RemarkLinuxTerminalOptions = SnippetPluginOptions;

/** What the plugin uses of a vfile: it reports a wrongly marked block there, with its place. */
interface FileLike {
  fail?(reason: string, options?: { place?: Code['position']; cause?: Error }): never;
}

/** The attribute and text nodes of MDX JSX (mdast-util-mdx-jsx), written out to keep types light. */
interface JsxElement {
  type: 'mdxJsxFlowElement';
  name: string;
  attributes: { type: 'mdxJsxAttribute'; name: string; value: string }[];
  children: (JsxElement | { type: 'text'; value: string })[];
  position?: Code['position'];
  data: {
    /** Written as is, like JSX in the page's source (MDX maps only Markdown's own tags). */
    _mdxExplicitJsx: true;
    hName?: string;
    hProperties?: Record<string, string>;
    hChildren?: HastElement[];
  };
}

interface HastLeaf {
  type: 'text' | 'comment';
  value: string;
}

interface HastElement {
  type: 'element';
  tagName: string;
  properties: Record<string, string>;
  children: (HastElement | HastLeaf)[];
}

const info = (code: Code) => [code.lang, code.meta].filter(Boolean).join(' ');

const jsxAttributes = (pairs: [string, string][]) =>
  pairs.map(([name, value]) => ({ type: 'mdxJsxAttribute' as const, name, value }));

/** The `<linux-snippet>` node that follows a runnable block. */
function snippetNode(options: SnippetOptions, expected: string | undefined, code: Code) {
  const attributes = snippetAttributes(options);
  const expectedJsx: JsxElement[] = [];
  const expectedHast: HastElement[] = [];
  if (expected !== undefined) {
    expectedJsx.push({
      type: 'mdxJsxFlowElement',
      name: 'pre',
      attributes: jsxAttributes([['slot', 'expected']]),
      children: [{ type: 'text', value: expected }],
      data: { _mdxExplicitJsx: true },
    });
    // HTML's parser drops a newline right after <pre>, and neither hast-util-to-html nor
    // rehype-raw keeps one there: output that starts with a blank line follows an empty comment.
    expectedHast.push({
      type: 'element',
      tagName: 'pre',
      properties: { slot: 'expected' },
      children: [
        ...(expected.startsWith('\n') ? [{ type: 'comment' as const, value: '' }] : []),
        { type: 'text', value: expected },
      ],
    });
  }
  const node: JsxElement = {
    type: 'mdxJsxFlowElement',
    name: 'linux-snippet',
    attributes: jsxAttributes(attributes),
    children: expectedJsx,
    position: code.position,
    data: {
      _mdxExplicitJsx: true,
      hName: 'linux-snippet',
      hProperties: Object.fromEntries(attributes),
      hChildren: expectedHast,
    },
  };
  return node;
}

function isParent(node: object): node is Parent {
  return Array.isArray((node as Parent).children);
}

export default function remarkLinuxTerminal(pluginOptions: RemarkLinuxTerminalOptions = {}) {
  return (tree: Root, file?: FileLike): void => {
    const walk = (parent: Parent) => {
      const children = parent.children;
      for (let i = 0; i < children.length; i++) {
        const node = children[i];
        if (node.type !== 'code') {
          if (isParent(node)) walk(node);
          continue;
        }
        let snippet: SnippetOptions | undefined;
        try {
          snippet = runnableBlock(info(node), node.position?.start.line ?? 0, pluginOptions);
        } catch (error) {
          // vfile's fail() throws a message that carries the file's path and the block's place.
          file?.fail?.((error as Error).message, { place: node.position, cause: error as Error });
          throw error;
        }
        if (!snippet) continue;
        const next = children[i + 1];
        let expected: string | undefined;
        let taken = 0;
        if (next?.type === 'code' && isOutputBlock(info(next))) {
          expected = next.value === '' ? '' : `${next.value}\n`;
          taken = 1;
        }
        const element = snippetNode(snippet, expected, node) as unknown as Parent['children'][0];
        children.splice(i + 1, taken, element);
        i++;
      }
    };
    walk(tree);
  };
}
