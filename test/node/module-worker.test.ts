// A bundled worker thread starts without its parent's module loaders (a TypeScript loader
// registered again in each worker cost it ~40 ms), and with the parent's other options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ownArgv } from '../../src/engine/node/module-worker.js';

const moduleWorker = fileURLToPath(
  new URL('../../src/engine/node/module-worker.ts', import.meta.url),
);

test("the parent's loaders are left out, its other options kept", () => {
  assert.deepEqual(
    ownArgv([
      '--import',
      'tsx',
      '--enable-source-maps',
      '--loader=ts-node/esm',
      '-r',
      './setup.cjs',
      '--experimental-loader',
      'x.mjs',
      '--require=y.cjs',
      '--stack-size=2000',
    ]),
    ['--enable-source-maps', '--stack-size=2000'],
  );
  assert.deepEqual(ownArgv([]), []);
});

test("a bundled worker starts beside the parent's V8 options, which a worker's execArgv refuses", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'module-worker-'));
  const worker = join(dir, 'worker.mjs');
  writeFileSync(
    worker,
    "import { parentPort } from 'node:worker_threads'; parentPort.postMessage('up');",
  );
  const main = join(dir, 'main.mjs');
  writeFileSync(
    main,
    `const { startModuleWorker } = await import(${JSON.stringify(pathToFileURL(moduleWorker).href)});
    const worker = startModuleWorker(new URL(${JSON.stringify(pathToFileURL(worker).href)}));
    worker.once('message', (m) => { console.log(m); worker.terminate(); });`,
  );
  for (const flags of [['--no-liftoff'], ['--stack-size=2000', '--enable-source-maps']]) {
    const run = spawnSync(process.execPath, [...flags, '--import', 'tsx', main], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `${flags.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout.trim(), 'up');
  }
});
