import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  // The built images as plain static files: a manifest and the files it lists, side by side.
  staticDirs: [{ from: '../src/images', to: '/images' }],
  // The engine's Worker imports the network stack on demand (a chunk of its own), and Vite's
  // default worker format (iife) cannot split: module Workers, as the element starts them.
  viteFinal: (vite) => ({ ...vite, worker: { ...vite.worker, format: 'es' } }),
};

export default config;
