import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  // The built images as plain static files: a manifest and the files it lists, side by side.
  staticDirs: [{ from: '../src/images', to: '/images' }],
};

export default config;
