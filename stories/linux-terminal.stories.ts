import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/index.js';

const meta: Meta = {
  title: 'linux-terminal',
  component: 'linux-terminal',
  args: { image: 'busybox', memory: 128 },
  argTypes: {
    image: { control: 'text', description: 'Built-in image name or manifest URL' },
    memory: { control: { type: 'number', min: 16, max: 2048 }, description: 'Guest memory in MiB' },
  },
  render: ({ image, memory }) =>
    html`<linux-terminal image=${image} memory=${memory}></linux-terminal>`,
};
export default meta;

export const Interactive: StoryObj = {};
