/**
 * Text written inside HTML is indented like the markup around it: drops the first line if it is
 * empty and the indentation of the first non-empty line from every line.
 */
export function dedent(text: string): string {
  const body = text.replace(/^[ \t]*\n/, '');
  const indent = /^[ \t]*/.exec(body)?.[0] ?? '';
  if (!indent) return body;
  return body
    .split('\n')
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
    .join('\n');
}
