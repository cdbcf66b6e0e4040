// Copies the element's browser files (linux-terminal.js, its chunks, the Worker, the hart's wasm,
// the busybox image and the optional service worker) from the installed package into a site's
// static folder, keeping their places: the script finds them relative to itself. Type
// declarations, the command line tool, the generator plugins and source maps stay behind.
//
//   node ../copy-element.mjs docs/public/linux-terminal
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const target = process.argv[2];
if (!target) {
  console.error('usage: node copy-element.mjs <folder>');
  process.exit(2);
}
const require = createRequire(join(process.cwd(), 'package.json'));
const dist = dirname(require.resolve('linux-terminal/linux-terminal.js'));
const leftOut = ['types', 'plugins', 'cli.js', join('engine', 'node'), 'stories'];

rmSync(target, { recursive: true, force: true });
cpSync(dist, target, {
  recursive: true,
  filter: (path) => {
    const name = relative(dist, path);
    return !name.endsWith('.map') && !leftOut.some((p) => name === p || name.startsWith(p + sep));
  },
});
console.log(`copied the linux-terminal element from ${dist} to ${target}`);
