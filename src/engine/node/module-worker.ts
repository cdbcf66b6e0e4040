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
  const argv = ownArgv(process.execArgv);
  if (argv.length === process.execArgv.length) return new Worker(url);
  try {
    return new Worker(url, { execArgv: argv });
  } catch (error) {
    // Options given explicitly are checked, and V8's (--no-liftoff, --max-old-space-size) are
    // refused in a worker's execArgv: inherited as they are, as by default, they are not.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(url);
  }
}

/**
 * The parent's Node options without its module loaders (`--import tsx`, `--loader`, `-r`): a
 * bundled worker needs none, and a TypeScript loader registered again in the worker costs it
 * ~40 ms of start-up. Other options (`--enable-source-maps`, ...) are passed on as by default.
 */
export function ownArgv(argv: readonly string[]): string[] {
  const loaders = ['--import', '--loader', '--experimental-loader', '--require', '-r'];
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i];
    if (loaders.includes(option))
      i++; // and its value
    else if (!loaders.some((name) => option.startsWith(`${name}=`))) kept.push(option);
  }
  return kept;
}
