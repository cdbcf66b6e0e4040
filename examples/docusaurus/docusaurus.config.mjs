// Docusaurus with runnable snippets: the remark plugin adds a <linux-snippet> after each block
// marked `run` (as JSX: Docusaurus compiles pages with MDX), and the element's script (copied
// into static/ by `npm run build`) makes them run in the page. (package.json says no "type":
// "module": with it, webpack reads Docusaurus's generated route registry as strict ESM, leaves its
// require.resolveWeak calls alone, and the static render fails on them.)
import remarkLinuxTerminal from 'linux-terminal/remark';

/** @type {import('@docusaurus/types').Config} */
export default {
  title: 'linux-terminal on Docusaurus',
  url: 'http://localhost',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  scripts: [{ src: '/linux-terminal/linux-terminal.js', type: 'module' }],
  themes: ['@docusaurus/theme-classic'],
  plugins: [
    [
      '@docusaurus/plugin-content-docs',
      { routeBasePath: '/', remarkPlugins: [[remarkLinuxTerminal, { image: 'busybox' }]] },
    ],
  ],
};
