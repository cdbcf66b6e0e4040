// The engine's Node module from the build (dist/engine/node/headless.js), as users run it: its
// worker thread is the bundled one, not the sources through tsx (which this process runs under,
// and which would cost each machine's start ~100 ms more). Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Headless = typeof import('../../src/engine/node/headless.js');

export async function headlessEngine(): Promise<Headless> {
  const url = new URL('../../dist/engine/node/headless.js', import.meta.url);
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${fileURLToPath(url)} is missing: run npm run build first`);
  return (await import(url.href)) as Headless;
}
