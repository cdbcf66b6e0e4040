// Serves the demo docs page (demo/) with the built bundles (dist/) on http://localhost:8080.
// A plain static server: what any docs host does. `npm run demo` builds first.
import { startDevServer } from '@web/dev-server';

const port = Number(process.env.PORT ?? 8080);

/** `/` is the demo page. */
function demoIndex(context, next) {
  if (context.path === '/' || context.path === '/index.html') context.path = '/demo/index.html';
  return next();
}

await startDevServer({
  config: {
    rootDir: '.',
    port,
    hostname: 'localhost',
    middleware: [demoIndex],
    nodeResolve: false,
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
console.log(`linux-terminal demo: http://localhost:${port}/  (Ctrl-C stops it)`);
