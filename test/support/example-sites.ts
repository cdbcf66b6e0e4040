// The example sites (examples/, built by scripts/build-examples.mjs during `npm test`): where each
// one's built pages are, and what its page holds: two snippets of one session, the second with
// its expected output.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleSite {
  name: string;
  /** The folder a static host would serve. */
  built: string;
  /** The URL path of the element's script in the built site. */
  script: string;
}

export const exampleSites: ExampleSite[] = [
  { name: 'vitepress', built: 'examples/vitepress/docs/.vitepress/dist' },
  { name: 'docusaurus', built: 'examples/docusaurus/build' },
  { name: 'mkdocs', built: 'examples/mkdocs/site' },
].map((site) => ({
  ...site,
  built: join(repositoryRoot, site.built),
  script: '/linux-terminal/linux-terminal.js',
}));

/** Why a site's tests cannot run here (it is not built), or undefined when they can. */
export function notBuilt(site: ExampleSite): string | undefined {
  return existsSync(join(site.built, 'index.html'))
    ? undefined
    : `${site.name} is not built: node scripts/build-examples.mjs (after npm run setup and build)`;
}

/** The page's snippets: the code and what the second one must print. */
export const tour = {
  session: 'tour',
  code: [
    'mkdir -p /tmp/tour && cd /tmp/tour && echo riscv > arch\n',
    'echo "$(cat arch) in $PWD"\n',
  ],
  expected: 'riscv in /tmp/tour\n',
};
