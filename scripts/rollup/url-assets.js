// A rollup plugin for the web-standard way to reference a sibling file:
// `new URL('./relative/path', import.meta.url)`.
// - A `.js` path whose source is a `.ts` file (a Worker entry) is bundled as its own chunk.
// - An image manifest (`manifest.json`, docs/image-format.md) is emitted with every blob it
//   names (kernel, initramfs, the disks' non-zero chunks, and its snapshot's state, RAM chunks,
//   written pages and packs: `<blobs><sha256>.gz`), keeping their
//   relative places, so the image works from wherever the bundle is hosted.
// - Any other existing file (e.g. the hart's `.wasm`) is emitted unchanged as an asset.
// Emitted files keep their path below src/ (src/engine/cpu/hart.wasm → engine/cpu/hart.wasm), and
// the expression is rewritten to the emitted file's URL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The blob files an image manifest names, relative to it; none for any other JSON. */
function blobFiles(manifest) {
  if (manifest?.format !== 'linux-terminal-image') return [];
  const hashes = new Set([manifest.kernel.sha256]);
  if (manifest.initrd) hashes.add(manifest.initrd.sha256);
  for (const disk of manifest.disks) for (const hash of disk.chunks) if (hash) hashes.add(hash);
  const snapshot = manifest.snapshot;
  if (snapshot) {
    hashes.add(snapshot.state.sha256);
    if (snapshot.workingSetPack) hashes.add(snapshot.workingSetPack.sha256);
    if (snapshot.warmPack) hashes.add(snapshot.warmPack.sha256);
    for (const hash of snapshot.ram.chunks) if (hash) hashes.add(hash);
    for (const disk of snapshot.disks)
      for (const [, hash] of disk.written) if (hash) hashes.add(hash);
  }
  return [...hashes].map((hash) => `${manifest.blobs}${hash}.gz`);
}

const pattern = /new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

export function urlAssets({ root = 'src' } = {}) {
  const base = resolve(root);
  const emitted = new Set();
  return {
    name: 'url-assets',
    buildStart() {
      emitted.clear();
    },
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
            for (const file of blobFiles(JSON.parse(readFileSync(target, 'utf8')))) {
              const listed = join(dirname(target), file);
              if (!existsSync(listed))
                this.error(`${listed}, named in ${target}, does not exist; rebuild the image.`);
              const blobName = relative(base, listed);
              // Blobs are shared between images: emit each once per build.
              if (emitted.has(blobName)) continue;
              emitted.add(blobName);
              this.emitFile({ type: 'asset', fileName: blobName, source: readFileSync(listed) });
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
