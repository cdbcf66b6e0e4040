// The headless engine for Node, as one module of the build (dist/engine/node/headless.js): a
// guest shell on a machine in its own worker thread, and the images to start it from. The
// in-process benchmarks load it from the build, so that they time the engine users run (the
// bundled worker), not the sources through a TypeScript loader.
export { GuestShell, GuestError } from './guest-shell.js';
export { builtInManifest, loadBootImage } from './images.js';
