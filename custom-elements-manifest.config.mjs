// custom-elements.json, the machine-readable API of the element (for IDEs, Storybook and docs).
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['**/*.generated.ts', '**/*.styles.ts'],
  outdir: '.',
  litelement: true,
};
