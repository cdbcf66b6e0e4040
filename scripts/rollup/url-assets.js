// A rollup plugin for the web-standard way to reference a sibling file:
// `new URL('./relative/path', import.meta.url)`.
// - A `.js` path whose source is a `.ts` file (a Worker entry) is bundled as its own chunk.
// - Any other existing file (e.g. the hart's `.wasm`) is emitted unchanged as an asset.
// The expression is rewritten to the emitted file's URL, so the bundle finds it wherever it is hosted.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

const pattern = /new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

export function urlAssets() {
  return {
    name: 'url-assets',
    transform(code, id) {
      if (!code.includes('import.meta.url')) return null;
      let changed = false;
      const output = code.replace(pattern, (whole, _quote, relative) => {
        const target = resolve(dirname(id), relative);
        const source = target.endsWith('.js') ? target.replace(/\.js$/, '.ts') : target;
        let ref;
        if (source !== target && existsSync(source)) {
          ref = this.emitFile({
            type: 'chunk',
            id: source,
            fileName: `engine/${basename(target)}`,
          });
        } else if (existsSync(target)) {
          ref = this.emitFile({
            type: 'asset',
            fileName: `engine/${basename(target)}`,
            source: readFileSync(target),
          });
        } else {
          this.error(
            `${relative} (referenced from ${id}) does not exist; run the build step that produces it.`,
          );
        }
        changed = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return changed ? { code: output, map: null } : null;
    },
  };
}
