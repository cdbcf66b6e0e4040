// Bundles for the browser: the element (with its Worker and the hart's wasm beside it) and the
// service worker. `npm run build` runs this after compiling the hart; see scripts/build.mjs.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import json from '@rollup/plugin-json';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { urlAssets } from './scripts/rollup/url-assets.js';

const production = { 'process.env.NODE_ENV': JSON.stringify('production') };

const typescriptOptions = {
  tsconfig: './tsconfig.json',
  noEmit: false,
  declaration: false,
  include: ['src/**/*.ts', 'service-worker/**/*.ts'],
  // AssemblyScript sources are compiled by asc; only the enum they share with TypeScript is bundled.
  exclude: [/src\/engine\/cpu\/(?!ops\.ts)/],
};

/** Libraries of the command line that stay imports (package.json dependencies). */
const CLI_LIBRARIES = ['diff', 'markdown-it', 'parse5', 'tinyglobby'];
export default [
  {
    input: { 'linux-terminal': 'src/components/index.ts' },
    output: {
      dir: 'dist',
      format: 'es',
      sourcemap: true,
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    plugins: [
      urlAssets(),
      replace({ preventAssignment: true, values: production }),
      nodeResolve({ browser: true }),
      typescript(typescriptOptions),
      terser({ format: { comments: false } }),
    ],
  },
  {
    // The headless command-line tool, for Node, and the engine's Node module it is built on (the
    // in-process benchmarks load that one).
    input: { cli: 'src/cli/main.ts', 'engine/node/headless': 'src/engine/node/headless.ts' },
    output: {
      dir: 'dist',
      format: 'es',
      sourcemap: true,
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    // The snippet checker's libraries are the package's dependencies, installed beside it: left
    // as imports (some are CommonJS, which this build does not convert).
    external: (id) =>
      id.startsWith('node:') ||
      CLI_LIBRARIES.some((name) => id === name || id.startsWith(`${name}/`)),
    plugins: [urlAssets(), json(), nodeResolve(), typescript(typescriptOptions)],
  },
  {
    // Plugins for docs generators (package subpath exports: linux-terminal/markdown-it and
    // linux-terminal/remark), run by the generator at build time, in Node.
    input: { 'markdown-it': 'src/plugins/markdown-it.ts', remark: 'src/plugins/remark.ts' },
    output: {
      dir: 'dist/plugins',
      format: 'es',
      sourcemap: true,
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    plugins: [nodeResolve(), typescript(typescriptOptions)],
  },
  {
    input: 'service-worker/service-worker.ts',
    output: { file: 'dist/service-worker.js', format: 'iife', sourcemap: true },
    plugins: [
      replace({ preventAssignment: true, values: production }),
      nodeResolve({ browser: true }),
      typescript(typescriptOptions),
      terser({ format: { comments: false } }),
    ],
  },
];
