// Builds the example sites (examples/) from the built package (`npm run build` first), as their
// READMEs in docs/snippets.md say: VitePress and Docusaurus with their own `npm run build` (their
// dependencies are installed by scripts/setup.mjs), MkDocs with Debian's `mkdocs`, when it is
// installed. Run by `npm test` before the tests that read and serve the built sites; prints each
// site's seconds. Exits non-zero if a build fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sites = [
  { name: 'vitepress', command: npm, args: ['run', 'build', '--silent'] },
  // Minifying is the slowest part of Docusaurus's build here, and nothing the tests look at.
  { name: 'docusaurus', command: npm, args: ['run', 'build', '--silent', '--', '--no-minify'] },
  {
    name: 'mkdocs',
    steps: [
      ['node', ['../copy-element.mjs', 'docs/linux-terminal']],
      ['mkdocs', ['build', '--quiet', '--strict']],
    ],
    needs: 'mkdocs',
  },
];

const onPath = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

if (!existsSync('dist/linux-terminal.js')) {
  console.error('build-examples: dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
let failed = false;
for (const site of sites) {
  const cwd = `examples/${site.name}`;
  if (site.needs && !onPath(site.needs)) {
    console.log(`build-examples: ${site.name} skipped: \`${site.needs}\` is not installed`);
    continue;
  }
  if (!site.needs && !existsSync(`${cwd}/node_modules`)) {
    console.error(`build-examples: ${cwd}/node_modules is missing: run \`npm run setup\` first.`);
    failed = true;
    continue;
  }
  const started = performance.now();
  const steps = site.steps ?? [[site.command, site.args]];
  const ok = steps.every(
    ([command, args]) => spawnSync(command, args, { cwd, stdio: 'inherit' }).status === 0,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`build-examples: ${site.name} ${ok ? 'built' : 'FAILED'} in ${seconds} s`);
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
