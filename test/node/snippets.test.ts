// The runnable-snippet syntax (src/snippets/): the `run` marker and its attributes, snippets found
// in Markdown (with their expected blocks and lines) and in HTML (<linux-snippet>), output
// matching, exact and lenient, and the markdown-it plugin, whose HTML the checker reads back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnippetInfo } from '../../src/snippets/snippet-info.js';
import { type Snippet, markdownSnippets } from '../../src/snippets/markdown-snippets.js';
import { htmlSnippets } from '../../src/snippets/html-snippets.js';
import { outputDiff, outputMatches } from '../../src/snippets/output-match.js';
import MarkdownIt from 'markdown-it';
import linuxTerminal from '../../src/plugins/markdown-it.js';

describe('the run marker', () => {
  test('marks a block runnable after its language, with attributes', () => {
    assert.equal(parseSnippetInfo('sh'), undefined);
    assert.equal(parseSnippetInfo('sh running'), undefined);
    assert.equal(parseSnippetInfo('run'), undefined, 'run is not a language');
    assert.deepEqual(parseSnippetInfo('sh run'), { language: 'sh', exit: 0, match: 'exact' });
    assert.deepEqual(
      parseSnippetInfo(
        ' bash run session="lesson two" image=debian timeout=30 exit=3 match=lenient ',
      ),
      {
        language: 'bash',
        session: 'lesson two',
        image: 'debian',
        timeout: 30,
        exit: 3,
        match: 'lenient',
      },
    );
  });

  test('refuses what it does not know, with a sentence', () => {
    assert.throws(() => parseSnippetInfo('sh run sesion=x'), /unknown attribute "sesion"/);
    assert.throws(() => parseSnippetInfo('sh run timeout=soon'), /"timeout" must be a number/);
    assert.throws(() => parseSnippetInfo('sh run exit=256'), /"exit" must be an exit status/);
    assert.throws(() => parseSnippetInfo('sh run match=fuzzy'), /"match" is exact or lenient/);
    assert.throws(() => parseSnippetInfo('sh run session'), /"session" needs a value/);
  });
});

describe('snippets in Markdown', () => {
  const text = [
    '# Title', //                      1
    '',
    '```sh run session=a', //          3
    'echo one',
    '```',
    '',
    '```output', //                    7
    'one',
    '```',
    '',
    '```sh', //                        11: not runnable
    'rm -rf /',
    '```',
    '',
    '- a list item:',
    '',
    '  ```sh run', //                  17: in a list
    '  echo two',
    '  ```',
    '',
    '```sh run sesion=x', //           21: wrongly marked
    'true',
    '```',
    '',
  ].join('\n');

  test('finds runnable blocks, their lines and expected output, and the wrongly marked', () => {
    const { snippets, problems } = markdownSnippets(text, 'doc.md');
    assert.deepEqual(
      snippets.map((s) => [s.line, s.code, s.expected, s.expectedLine, s.options.session]),
      [
        [3, 'echo one\n', 'one\n', 7, 'a'],
        [17, 'echo two\n', undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(
      problems.map((p) => [p.file, p.line]),
      [['doc.md', 21]],
    );
    assert.match(problems[0].message, /unknown attribute "sesion"/);
  });
});

describe('snippets in HTML', () => {
  test('a <linux-snippet> runs the <pre> before it, or the one it names; its expected slot', () => {
    const html = [
      '<!doctype html><main>', //                               1
      '<pre><code class="language-sh">echo &lt;a&gt;</code></pre>', // 2
      '  <linux-snippet session="s" timeout="5">',
      '    <pre slot="expected">&lt;a&gt;',
      '</pre>',
      '  </linux-snippet>',
      '<pre id="later">uname -m</pre>', //                        7
      '<p>text</p>',
      '<linux-snippet for="later"></linux-snippet>',
      '<p>no code before me</p>',
      '<linux-snippet></linux-snippet>', //                       11
      '<linux-snippet for="nowhere"></linux-snippet>', //         12
      '</main>',
    ].join('\n');
    const { snippets, problems } = htmlSnippets(html, 'page.html');
    assert.deepEqual(
      snippets.map((s) => [s.line, s.code, s.expected, s.options.session, s.options.timeout]),
      [
        [2, 'echo <a>\n', '<a>\n', 's', 5],
        [7, 'uname -m\n', undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [11, 12],
    );
    assert.match(problems[0].message, /right after the <pre>/);
    assert.match(problems[1].message, /no <pre id="nowhere">/);
  });

  test("the element's own attributes and HTML's global ones are not taken for options", () => {
    const html =
      '<pre>true</pre><linux-snippet id="a" class="b" state="passed" data-x="1" aria-describedby="c" exit="0"></linux-snippet>';
    const { snippets, problems } = htmlSnippets(html, 'saved.html');
    assert.deepEqual(problems, []);
    assert.equal(snippets.length, 1);
  });
});

describe('output matching', () => {
  test('exact is byte for byte', () => {
    assert.equal(outputMatches('a\nb\n', 'a\nb\n', 'exact'), true);
    assert.equal(outputMatches('a \nb\n', 'a\nb\n', 'exact'), false);
    assert.equal(outputMatches('a\nb\n\n', 'a\nb\n', 'exact'), false);
  });

  test('lenient ignores trailing whitespace and blank lines at the end; ... stands for any lines', () => {
    assert.equal(outputMatches('a  \nb\n\n\n', 'a\nb\n', 'lenient'), true);
    assert.equal(outputMatches('a\nx\ny\nb\n', 'a\n...\nb\n', 'lenient'), true);
    assert.equal(outputMatches('a\nb\n', 'a\n...\nb\n', 'lenient'), true, '... may stand for none');
    assert.equal(outputMatches('a\nx\n', 'a\n...\nb\n', 'lenient'), false);
    assert.equal(outputMatches(' a\n', 'a\n', 'lenient'), false, 'leading whitespace counts');
    assert.equal(outputMatches('x\ny\n', '...\n', 'lenient'), true);
  });

  test('a diff names the expected and the actual lines', () => {
    const diff = outputDiff('hello\n', 'goodbye\n');
    assert.match(diff, /^--- output\texpected/m);
    assert.match(diff, /^-goodbye$/m);
    assert.match(diff, /^\+hello$/m);
  });
});

describe('the markdown-it plugin', () => {
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
    '```sh run exit=2 match=lenient',
    'exit 2',
    '```',
    '',
    '```sh',
    'not run',
    '```',
    '',
  ].join('\n');

  test('renders the code block, then a <linux-snippet> holding the expected output', () => {
    const html = new MarkdownIt().use(linuxTerminal, { image: 'debian' }).render(source);
    assert.equal(
      html,
      [
        '<h1>Steps</h1>',
        '<pre><code class="language-sh">echo &quot;&lt;b&gt;&quot; &amp;&amp; uname -m',
        '</code></pre>',
        '<linux-snippet session="one two" image="debian" timeout="5"><pre slot="expected">',
        '&lt;b&gt;',
        'riscv64',
        '</pre></linux-snippet>',
        '<pre><code class="language-sh">exit 2',
        '</code></pre>',
        '<linux-snippet image="debian" exit="2" match="lenient"></linux-snippet>',
        '<pre><code class="language-sh">not run',
        '</code></pre>',
        '',
      ].join('\n'),
    );
  });

  test('what it writes, the checker reads back as the same snippets', () => {
    const html = new MarkdownIt().use(linuxTerminal).render(source);
    const fromHtml = htmlSnippets(html, 'x.html');
    const fromMarkdown = markdownSnippets(source, 'x.md');
    assert.deepEqual(fromHtml.problems, []);
    const essence = (s: Snippet) => [s.code, s.expected, s.options];
    assert.deepEqual(
      fromHtml.snippets.map(essence),
      fromMarkdown.snippets.map((s) =>
        essence({ ...s, options: { ...s.options, language: 'sh' } }),
      ),
    );
  });

  test('a block wrongly marked stops the build with its line', () => {
    assert.throws(
      () => new MarkdownIt().use(linuxTerminal).render('text\n\n```sh run sesion=x\ntrue\n```\n'),
      /the code block at line 3 is marked run, but unknown attribute "sesion"/,
    );
  });

  test('inside a generator wrapper (VitePress puts the <pre> in a <div>), the checker still finds it', () => {
    const html =
      '<div class="language-sh"><button class="copy"></button><span class="lang">sh</span><pre class="shiki"><code>echo hi</code></pre></div>\n<linux-snippet></linux-snippet>';
    assert.deepEqual(
      htmlSnippets(html, 'v.html').snippets.map((s) => s.code),
      ['echo hi\n'],
    );
  });
});
