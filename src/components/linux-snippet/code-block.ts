// The code block a <linux-snippet> runs, found in the page as the checker finds it in HTML
// (src/snippets/html-snippets.ts): the element right before the snippet (text that is only
// whitespace skipped), or the one its `for` attribute names by id; either a `<pre>`, or a site
// generator's wrapper holding exactly one (VitePress: `<div class="language-sh"><pre><code>`).

/** The `<pre>` that `element` is or wraps; undefined when there is none, or several. */
function preOf(element: Element | null): HTMLPreElement | undefined {
  if (!element) return undefined;
  if (element instanceof HTMLPreElement) return element;
  const pres = element.querySelectorAll('pre');
  return pres.length === 1 ? pres[0] : undefined;
}

/** The `<pre>` `snippet` runs: the one `forId` names, or the element right before the snippet. */
export function findCodeBlock(
  snippet: Element,
  forId: string | undefined,
): HTMLPreElement | undefined {
  if (forId !== undefined) {
    const root = snippet.getRootNode() as Document | ShadowRoot;
    return preOf(root.getElementById?.(forId) ?? null);
  }
  return preOf(snippet.previousElementSibling);
}
