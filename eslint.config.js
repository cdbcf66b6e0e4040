// ESLint flat config: the recommended JavaScript and typescript-eslint rules, nothing project-specific
// beyond telling it which files are AssemblyScript (a TypeScript dialect with its own compiler).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // src/engine/cpu is AssemblyScript: decorators on functions (@inline) are not TypeScript syntax,
    // so neither ESLint nor Prettier can parse it; the AssemblyScript compiler is its checker.
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      'storybook-static/',
      '**/*.generated.ts',
      'src/engine/cpu/',
      // the example sites' installs, builds and copies of the element
      'examples/*/node_modules/',
      'examples/vitepress/docs/.vitepress/cache/',
      'examples/vitepress/docs/.vitepress/dist/',
      'examples/vitepress/docs/public/linux-terminal/',
      'examples/docusaurus/.docusaurus/',
      'examples/docusaurus/build/',
      'examples/docusaurus/static/linux-terminal/',
      'examples/mkdocs/site/',
      'examples/mkdocs/docs/linux-terminal/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // chai's assertions read as expressions: `expect(x).to.exist`.
    files: ['test/browser/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
