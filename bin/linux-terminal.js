#!/usr/bin/env node
// The `linux-terminal` command: runs the engine headless in Node. The code lives in dist/cli.js,
// produced by `npm run build`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'linux-terminal: dist/cli.js is missing. Run `npm run build` in the package first.',
  );
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
