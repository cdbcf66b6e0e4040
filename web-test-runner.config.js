// Browser tests: real Chromium (Debian's), headless, serving TypeScript sources through esbuild.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { imageServer } from './test/browser/support/image-server.js';
import { faultMiddleware } from './test/support/fault-server.js';
import { chromiumArgs, chromiumPath } from './test/support/chromium.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Sources import `./x.js` (the TypeScript convention) and reference `new URL('./worker.js', ...)`; serve the `.ts`. */
function serveTypeScriptForJs(context, next) {
  const path = context.path;
  if (path.endsWith('.js') && !path.startsWith('/node_modules/') && !path.startsWith('/__')) {
    const ts = path.replace(/\.js$/, '.ts');
    if (!existsSync(root + path.slice(1)) && existsSync(root + ts.slice(1))) {
      context.path = ts;
    }
  }
  return next();
}

/**
 * `executeServerCommand('storage-quota', { origin, bytes })`: Chromium's quota for the origin's
 * storage (DevTools protocol, Storage.overrideQuotaForOrigin), so that a test can fill it; no
 * `bytes` gives the browser's own back. The override lasts as long as the protocol session that
 * set it, which is kept until then.
 */
function storageQuotaCommand() {
  const overrides = new Map();
  return {
    name: 'storage-quota',
    async executeCommand({ command, payload, session }) {
      if (command !== 'storage-quota') return undefined;
      let cdp = overrides.get(session.id);
      if (!cdp) {
        cdp = await session.browser.getPage(session.id).target().createCDPSession();
        overrides.set(session.id, cdp);
      }
      await cdp.send('Storage.overrideQuotaForOrigin', {
        origin: payload.origin,
        ...(payload.bytes === undefined ? {} : { quotaSize: payload.bytes }),
      });
      if (payload.bytes === undefined) {
        overrides.delete(session.id);
        await cdp.detach();
      }
      return true;
    },
  };
}

export default {
  rootDir: root,
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  // /__image/ logs and breaks blobs; /__faults/ is the hostile server (stall, bomb, HTML...).
  middleware: [imageServer(root), faultMiddleware(root), serveTypeScriptForJs],
  plugins: [
    storageQuotaCommand(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath,
        headless: true,
        args: chromiumArgs,
      },
    }),
  ],
};
