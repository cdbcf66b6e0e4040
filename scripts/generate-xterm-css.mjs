// Turns xterm.js's stylesheet into a TypeScript module, so the element can adopt it into its
// shadow root the same way under rollup, the test runner (esbuild) and Storybook (Vite), none of
// which agree on how to import CSS as text. Run by `npm install` (the `prepare` script) and the build.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = require.resolve('@xterm/xterm/css/xterm.css');
const target = new URL('../src/components/linux-terminal/xterm-css.generated.ts', import.meta.url);
const css = await readFile(source, 'utf8');
const module = `// Generated from @xterm/xterm/css/xterm.css by scripts/generate-xterm-css.mjs. Do not edit.
import { unsafeCSS } from 'lit';

export const xtermStyles = unsafeCSS(${JSON.stringify(css)});
`;
let current = '';
try {
  current = await readFile(target, 'utf8');
} catch {
  // first run
}
if (current !== module) await writeFile(target, module);
