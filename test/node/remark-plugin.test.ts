// The remark plugin (src/plugins/remark.ts): in a plain unified pipeline (remark-parse,
// remark-rehype, with and without rehype-raw, rehype-stringify) and through MDX (@mdx-js/mdx, as
// Docusaurus compiles pages), a runnable block becomes the code block and a <linux-snippet> that
// the checker reads back as the same snippets as the Markdown and the markdown-it plugin's HTML;
// a wrongly marked block fails the file with its line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import { compile, evaluate } from '@mdx-js/mdx';
import MarkdownIt from 'markdown-it';
import remarkLinuxTerminal from '../../src/plugins/remark.js';
import markdownItLinuxTerminal from '../../src/plugins/markdown-it.js';
import { htmlSnippets } from '../../src/snippets/html-snippets.js';
import { type Snippet, markdownSnippets } from '../../src/snippets/markdown-snippets.js';

const source = [
  '# Steps',
  '',
  '```sh run session="one two" timeout=5',
  'echo "<b>" && uname -m',
  '```',
  '',
  '```output',
  '<b>',
  'riscv64',
  '```',
  '',
  '- in a list:',
  '',
  '  ```sh run exit=2 match=lenient',
  '  exit 2',
  '  ```',
  '',
  '```sh run session=blank',
  'echo; echo after',
  '```',
  '',
  '```output',
  '',
  'after',
  '```',
  '',
  '```sh',
  'not run',
  '```',
  '',
].join('\n');

/** HTML through remark-parse, the plugin, remark-rehype (and rehype-raw) and rehype-stringify. */
async function remarkHtml(text: string, raw = false, path = 'doc.md'): Promise<string> {
  const processor = unified()
    .use(remarkParse)
    .use(remarkLinuxTerminal, { image: 'debian' })
    .use(remarkRehype, { allowDangerousHtml: raw });
  if (raw) processor.use(rehypeRaw);
  return String(await processor.use(rehypeStringify).process({ path, value: text }));
}

/** What a snippet is, apart from where it was found. */
const essence = (s: Snippet) => [s.code, s.expected, { ...s.options, language: 'sh' }];

/** The snippets of the Markdown source, as the checker reads it (image: the plugin's default). */
const fromMarkdown = () =>
  markdownSnippets(source, 'doc.md').snippets.map((s) =>
    essence({ ...s, options: { ...s.options, image: 'debian' } }),
  );

function readBack(html: string) {
  const { snippets, problems } = htmlSnippets(html, 'doc.html');
  assert.deepEqual(problems, []);
  return snippets.map(essence);
}

/**
 * A JSX runtime that renders to an HTML string (as a server renderer would), to evaluate the MDX
 * compiler's output without React. Like React, it writes a newline after <pre> when the text
 * starts with one, since HTML's parser drops the first.
 */
const FRAGMENT = Symbol('fragment');
type Props = Record<string, unknown> & { children?: unknown };
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
function render(node: unknown): string {
  if (node === null || node === undefined || node === false) return '';
  if (Array.isArray(node)) return node.map(render).join('');
  if (typeof node === 'string' || typeof node === 'number') return escapeHtml(String(node));
  const { type, props } = node as { type: unknown; props: Props };
  const inner = render(props.children);
  if (type === FRAGMENT) return inner;
  if (typeof type === 'function') return render(type(props));
  const attributes = Object.entries(props)
    .filter(([name]) => name !== 'children')
    .map(
      ([name, value]) => ` ${name === 'className' ? 'class' : name}="${escapeHtml(String(value))}"`,
    )
    .join('');
  const lead = type === 'pre' && inner.startsWith('\n') ? '\n' : '';
  return `<${type}${attributes}>${lead}${inner}</${type}>`;
}
const jsx = (type: unknown, props: Props) => ({ type, props });

describe('the remark plugin', () => {
  test('in a remark-rehype pipeline: the code block, then a <linux-snippet> holding the expected output', async () => {
    const html = await remarkHtml(source);
    assert.equal(
      html,
      [
        '<h1>Steps</h1>',
        '<pre><code class="language-sh">echo "&#x3C;b>" &#x26;&#x26; uname -m',
        '</code></pre>',
        '<linux-snippet session="one two" image="debian" timeout="5"><pre slot="expected">&#x3C;b>',
        'riscv64',
        '</pre></linux-snippet>',
        '<ul>',
        '<li>',
        '<p>in a list:</p>',
        '<pre><code class="language-sh">exit 2',
        '</code></pre>',
        '<linux-snippet image="debian" exit="2" match="lenient"></linux-snippet>',
        '</li>',
        '</ul>',
        '<pre><code class="language-sh">echo; echo after',
        '</code></pre>',
        '<linux-snippet session="blank" image="debian"><pre slot="expected"><!---->',
        'after',
        '</pre></linux-snippet>',
        '<pre><code class="language-sh">not run',
        '</code></pre>',
      ].join('\n'),
    );
  });

  test('what it writes, the checker reads back as the Markdown snippets, with rehype-raw too', async () => {
    assert.deepEqual(readBack(await remarkHtml(source)), fromMarkdown());
    assert.deepEqual(readBack(await remarkHtml(source, true)), fromMarkdown());
  });

  test('the same snippets as the markdown-it plugin', async () => {
    const markdownIt = new MarkdownIt().use(markdownItLinuxTerminal, { image: 'debian' });
    assert.deepEqual(readBack(await remarkHtml(source)), readBack(markdownIt.render(source)));
  });

  test('in MDX: JSX of its own, not the theme’s components, and the same snippets', async () => {
    const code = String(await compile(source, { remarkPlugins: [remarkLinuxTerminal] }));
    // Written as literal tags: a theme's `pre` (Docusaurus's code block) must not replace the slot.
    assert.match(code, /_jsx\("linux-snippet", \{\s*session: "one two",\s*timeout: "5",/);
    assert.match(code, /_jsx\("pre", \{\s*slot: "expected",\s*children: "<b>\\nriscv64\\n"/);

    const { default: Content } = await evaluate(source, {
      Fragment: FRAGMENT,
      jsx,
      jsxs: jsx,
      remarkPlugins: [[remarkLinuxTerminal, { image: 'debian' }]],
    });
    // A theme that maps Markdown's `pre` to a component of its own, as Docusaurus does.
    const components = { pre: (props: Props) => jsx('div', { class: 'theme-code', ...props }) };
    const html = render(Content({ components }));
    assert.match(html, /<div class="theme-code"><code class="language-sh">echo/);
    assert.deepEqual(
      readBack(html.replace(/<div class="theme-code">(.*?)<\/div>/gs, '<pre>$1</pre>')),
      fromMarkdown(),
    );
  });

  test('a block wrongly marked fails the file with its path and line', async () => {
    const bad = 'text\n\n```sh run sesion=x\ntrue\n```\n';
    await assert.rejects(remarkHtml(bad, false, 'docs/intro.md'), (error: Error) => {
      assert.match(
        String(error),
        /^docs\/intro\.md:3:1-5:4: linux-terminal: the code block at line 3 is marked run, but unknown attribute "sesion"/,
      );
      return true;
    });
    await assert.rejects(
      compile({ path: 'docs/intro.mdx', value: bad }, { remarkPlugins: [remarkLinuxTerminal] }),
      /the code block at line 3 is marked run, but unknown attribute "sesion"/,
    );
  });
});
