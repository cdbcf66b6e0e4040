// The built example sites (VitePress, Docusaurus, MkDocs; scripts/build-examples.mjs): each page
// includes the element's script, which is in the built site with the files it fetches (the
// Worker, the hart, the busybox image beside it), and has its two snippets marked right after
// their code blocks, the second with its expected output; `linux-terminal check` passes on the
// built HTML. A site that is not built is skipped, saying so.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'parse5';
import { htmlSnippets } from '../../src/snippets/html-snippets.js';
import { exampleSites, notBuilt, repositoryRoot, tour } from '../support/example-sites.js';

/** The src of each module script of the HTML `text`, resolved against `page` (a URL path). */
function moduleScripts(text: string, page: string): string[] {
  const found: string[] = [];
  type Node = { nodeName: string; attrs?: { name: string; value: string }[]; childNodes?: Node[] };
  const visit = (node: Node) => {
    const attr = (name: string) => node.attrs?.find((a) => a.name === name)?.value;
    if (node.nodeName === 'script' && attr('type') === 'module' && attr('src'))
      found.push(new URL(attr('src')!, `http://site${page}`).pathname);
    node.childNodes?.forEach(visit);
  };
  visit(parse(text) as unknown as Node);
  return found;
}

for (const site of exampleSites) {
  describe(`the ${site.name} example site, built`, { skip: notBuilt(site) }, () => {
    const indexFile = join(site.built, 'index.html');

    test('includes the element’s script, and the files it fetches are in the site', () => {
      const html = readFileSync(indexFile, 'utf8');
      assert.ok(
        moduleScripts(html, '/').includes(site.script),
        `no <script type="module" src="${site.script}"> in ${indexFile}`,
      );
      const scriptFolder = join(site.built, site.script.replace(/[^/]*$/, ''));
      for (const file of [
        'linux-terminal.js',
        'engine/worker.js',
        'engine/cpu/hart.wasm',
        'images/busybox/dist/manifest.json',
      ])
        assert.ok(existsSync(join(scriptFolder, file)), `${file} is not beside the script`);
      // Every blob the image names is there too.
      const manifestPath = join(scriptFolder, 'images/busybox/dist/manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        kernel: { sha256: string };
      };
      assert.ok(
        existsSync(join(scriptFolder, 'images/busybox/dist/blobs', `${manifest.kernel.sha256}.gz`)),
      );
    });

    test('marks both snippets right after their code blocks, the second with its expected output', () => {
      const { snippets, problems } = htmlSnippets(readFileSync(indexFile, 'utf8'), indexFile);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        snippets.map((s) => [s.code, s.options.session, s.options.image, s.expected]),
        [
          [tour.code[0], tour.session, 'busybox', undefined],
          [tour.code[1], tour.session, 'busybox', tour.expected],
        ],
      );
    });

    test('linux-terminal check passes on the built HTML', () => {
      const result = spawnSync(
        process.execPath,
        [join(repositoryRoot, 'bin/linux-terminal.js'), 'check', indexFile, '--jobs', '1'],
        { encoding: 'utf8' },
      );
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /2 snippets: 2 passed, 0 failed/);
    });
  });
}
