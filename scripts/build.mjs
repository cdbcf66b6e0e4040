// `npm run build`: compiles the hart to wasm, bundles the element, its Worker and the service
// worker into dist/, writes their type declarations, and prints each file's size raw and gzipped.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) {
    console.error(
      `build: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(1);
  }
}

const bin = (name) => join('node_modules', '.bin', name);

rmSync('dist', { recursive: true, force: true }); // no stale chunks from earlier builds
run(process.execPath, ['scripts/generate-xterm-css.mjs']);
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'release']);
run(bin('rollup'), ['-c', '--silent']);
run(bin('tsc'), ['-p', 'tsconfig.types.json']);
run(bin('cem'), ['analyze', '--quiet']);

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'types' && name !== 'stories') yield* files(path);
    } else if (/\.(js|wasm)$/.test(name)) yield path;
  }
}

const kib = (n) => `${(n / 1024).toFixed(1).padStart(8)} KiB`;
console.log('\nbundle                                   raw          gzip');
let totalRaw = 0;
let totalGzip = 0;
for (const path of files('dist')) {
  const data = readFileSync(path);
  const gz = gzipSync(data, { level: 9 }).length;
  totalRaw += data.length;
  totalGzip += gz;
  console.log(`${relative('dist', path).padEnd(34)} ${kib(data.length)} ${kib(gz)}`);
}
console.log(`${'total'.padEnd(34)} ${kib(totalRaw)} ${kib(totalGzip)}`);
