// Runnable snippets in an HTML page (a built docs site, a MkDocs page): each `<linux-snippet>`
// element runs the code block right before it (a `<pre>`, or a generator's wrapper of one), or
// the one its `for` attribute names by id. Its
// attributes are the Markdown marker's (session, image, timeout, exit, match), and a child
// `<pre slot="expected">` holds the expected output. parse5 reads the HTML as a browser does.
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { Snippet, SnippetProblem } from './markdown-snippets.js';
import { parseSnippetInfo } from './snippet-info.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const isElement = (node: Node): node is Element => 'tagName' in node;

/**
 * Attributes of the element that are not the marker's: the block it runs (`for`), the state the
 * element reflects once it ran (a page saved after a run has it), and HTML's global ones.
 */
const NOT_OPTIONS = /^(?:for|state|id|class|style|hidden|lang|dir|title|data-.*|aria-.*)$/;

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** The text of `node` and everything in it (what a browser's textContent gives). */
function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if (node.nodeName === 'template')
    return textOf((node as DefaultTreeAdapterMap['template']).content as unknown as Node);
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}

/** Every element under `node`, in document order. */
function* elements(node: Node): Generator<Element> {
  if (isElement(node)) yield node;
  if ('childNodes' in node) for (const child of node.childNodes) yield* elements(child);
}

/** The element before `element` among its siblings, skipping text that is only whitespace. */
function previousElement(element: Element): Element | undefined {
  const siblings = element.parentNode?.childNodes ?? [];
  for (let i = siblings.indexOf(element) - 1; i >= 0; i--) {
    const sibling = siblings[i];
    if (isElement(sibling)) return sibling;
    if (sibling.nodeName !== '#text' || textOf(sibling).trim() !== '') return undefined;
  }
  return undefined;
}

/**
 * The code block `element` is: a `<pre>`, or an element holding one `<pre>` (a site generator's
 * wrapper: VitePress puts a copy button and the language beside it, in a `<div>`).
 */
function codeBlock(element: Element | undefined): Element | undefined {
  if (!element) return undefined;
  if (element.tagName === 'pre') return element;
  const pres = [...elements(element)].filter((e) => e.tagName === 'pre');
  return pres.length === 1 ? pres[0] : undefined;
}

/** The runnable snippets of the HTML `text`, in document order, and the malformed ones. */
export function htmlSnippets(
  text: string,
  file: string,
): { snippets: Snippet[]; problems: SnippetProblem[] } {
  const document = parse(text, { sourceCodeLocationInfo: true });
  const all = [...elements(document as unknown as Node)];
  const byId = new Map(all.flatMap((e) => (attribute(e, 'id') ? [[attribute(e, 'id')!, e]] : [])));
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  for (const element of all) {
    if (element.tagName !== 'linux-snippet') continue;
    const line = element.sourceCodeLocation?.startLine ?? 0;
    const target = attribute(element, 'for');
    const block = codeBlock(target === undefined ? previousElement(element) : byId.get(target));
    if (!block) {
      problems.push({
        file,
        line,
        message:
          target === undefined
            ? '<linux-snippet> must come right after the <pre> code block it runs, or name it with for="id"'
            : `<linux-snippet for="${target}">: no <pre id="${target}"> on the page`,
      });
      continue;
    }
    // The same attributes as the Markdown marker, read by the same code.
    const info = ['sh', 'run']
      .concat(
        element.attrs
          .filter((a) => !NOT_OPTIONS.test(a.name))
          .map((a) => (a.value === '' ? a.name : `${a.name}="${a.value}"`)),
      )
      .join(' ');
    try {
      const options = parseSnippetInfo(info)!;
      const expectedBlock = element.childNodes
        .filter(isElement)
        .find((child) => attribute(child, 'slot') === 'expected');
      const snippet: Snippet = {
        file,
        line: block.sourceCodeLocation?.startLine ?? line,
        code: textOf(block).replace(/\n?$/, '\n'),
        options,
      };
      if (expectedBlock) {
        // A <pre>'s first newline is not part of its text (HTML's parsing rules drop it too).
        snippet.expected = textOf(expectedBlock);
        snippet.expectedLine = expectedBlock.sourceCodeLocation?.startLine;
      }
      snippets.push(snippet);
    } catch (error) {
      problems.push({ file, line, message: (error as Error).message });
    }
  }
  return { snippets, problems };
}
