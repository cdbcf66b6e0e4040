// A rollup plugin for the web-standard way to reference a sibling file:
// `new URL('./relative/path', import.meta.url)`.
// - A `.js` path whose source is a `.ts` file (a Worker entry) is bundled as its own chunk.
// - An image manifest (`manifest.json`) is emitted with every file it lists, keeping their
//   relative places, so the image works from wherever the bundle is hosted.
// - Any other existing file (e.g. the hart's `.wasm`) is emitted unchanged as an asset.
// Emitted files keep their path below src/ (src/engine/cpu/hart.wasm → engine/cpu/hart.wasm), and
// the expression is rewritten to the emitted file's URL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const pattern = /new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

export function urlAssets({ root = 'src' } = {}) {
  const base = resolve(root);
  return {
    name: 'url-assets',
    transform(code, id) {
      if (!code.includes('import.meta.url')) return null;
      let changed = false;
      const output = code.replace(pattern, (whole, _quote, path) => {
        const target = resolve(dirname(id), path);
        const source = target.endsWith('.js') ? target.replace(/\.js$/, '.ts') : target;
        const fileName = relative(base, target);
        let ref;
        if (source !== target && existsSync(source)) {
          ref = this.emitFile({ type: 'chunk', id: source, fileName });
        } else if (existsSync(target)) {
          ref = this.emitFile({ type: 'asset', fileName, source: readFileSync(target) });
          if (target.endsWith('manifest.json')) {
            const manifest = JSON.parse(readFileSync(target, 'utf8'));
            for (const file of [manifest.kernel, manifest.initrd].filter(Boolean)) {
              const listed = join(dirname(target), file.path);
              this.emitFile({
                type: 'asset',
                fileName: relative(base, listed),
                source: readFileSync(listed),
              });
            }
          }
        } else {
          this.error(
            `${path} (referenced from ${id}) does not exist; run the build step that produces it.`,
          );
        }
        changed = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return changed ? { code: output, map: null } : null;
    },
  };
}
