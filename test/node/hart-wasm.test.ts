import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

test('the hart compiles to a loadable WebAssembly module', async () => {
  const bytes = await readFile(new URL('../../src/engine/cpu/hart.wasm', import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  assert.equal((instance.exports.version as () => number)(), 1);
});
