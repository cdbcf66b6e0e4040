// VitePress with runnable snippets: the markdown-it plugin adds a <linux-snippet> after each
// block marked `run`, and the element's script (copied into public/ by `npm run build`) makes
// them run in the page. Vue is told the tag is a custom element, not a component to resolve.
import { defineConfig } from 'vitepress';
import linuxTerminal from 'linux-terminal/markdown-it';

export default defineConfig({
  title: 'linux-terminal on VitePress',
  head: [['script', { type: 'module', src: '/linux-terminal/linux-terminal.js' }]],
  markdown: { config: (md) => md.use(linuxTerminal, { image: 'busybox' }) },
  vue: {
    template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('linux-') } },
  },
});
