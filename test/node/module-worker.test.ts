// A bundled worker thread starts without its parent's module loaders (a TypeScript loader
// registered again in each worker cost it ~40 ms), and with the parent's other options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownArgv } from '../../src/engine/node/module-worker.js';

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
