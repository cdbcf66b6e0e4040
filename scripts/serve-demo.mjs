// Serves the demo docs page (demo/) and the offline course (demo/course/) with the built bundles
// (dist/) on http://localhost:8080. A plain static server: what any docs host does.
// `npm run demo` builds first.
import { startDevServer } from '@web/dev-server';

const port = Number(process.env.PORT ?? 8080);

/**
 * `/` is the demo page. The service worker is served at the site root, as a real site hosts it
 * (docs/offline.md): its scope, `/`, then covers the pages and the bundle's Worker in /dist/.
 */
function demoIndex(context, next) {
  if (context.path === '/' || context.path === '/index.html') context.path = '/demo/index.html';
  else if (context.path === '/service-worker.js') context.path = '/dist/service-worker.js';
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
