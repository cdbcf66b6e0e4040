// Starting a worker thread from one of the engine's modules, bundled or from source.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker at `url`: the bundled .js, or, when running from source (tests, tsx), the .ts
 * source through tsx's loader, which Node 20 does not pass on to worker threads.
 */
export function startModuleWorker(url: URL): Worker {
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    const source = JSON.stringify(url.href.replace(/\.js$/, '.ts'));
    return new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`,
      { eval: true },
    );
  }
  return new Worker(url);
}
