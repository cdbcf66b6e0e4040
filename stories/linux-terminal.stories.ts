import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import '../src/components/index.js';

interface Args {
  image: string;
  memory?: number;
  boot: 'snapshot' | 'cold';
  script?: string;
  autorun: boolean;
  readonly: boolean;
  rows?: number;
}

const meta: Meta<Args> = {
  title: 'linux-terminal',
  component: 'linux-terminal',
  // Storybook serves src/images as static files (see .storybook/main.ts).
  args: {
    image: '/images/busybox/dist/manifest.json',
    boot: 'snapshot',
    autorun: false,
    readonly: false,
  },
  argTypes: {
    image: { control: 'text', description: 'Built-in image name or manifest URL' },
    memory: { control: { type: 'number', min: 32, max: 1920 }, description: 'Guest memory in MiB' },
    boot: {
      control: 'inline-radio',
      options: ['snapshot', 'cold'],
      description: "Resume the image's snapshot, or boot the kernel",
    },
    script: { control: 'text', description: 'Shell lines typed after boot' },
    autorun: { control: 'boolean', description: 'Boot at once instead of showing the poster' },
    readonly: { control: 'boolean', description: 'No keyboard input' },
    rows: { control: { type: 'number', min: 4, max: 60 }, description: 'Terminal height in rows' },
  },
  render: ({ image, memory, boot, script, autorun, readonly, rows }) =>
    html`<linux-terminal
      image=${image}
      memory=${memory ?? nothing}
      boot=${boot}
      script=${script ?? nothing}
      rows=${rows ?? nothing}
      ?autorun=${autorun}
      ?readonly=${readonly}
    ></linux-terminal>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Before it starts: the poster with its Run button; nothing is downloaded. */
export const Poster: Story = {};

/** Starts at once: the image's snapshot is resumed, and the prompt is at the top of the screen. */
export const Restored: Story = { args: { autorun: true } };

/** `boot="cold"`: boots the kernel; while booting the screen fills with its first lines. */
export const Booting: Story = { args: { autorun: true, boot: 'cold' } };

/** A snippet: typed after boot, as a reader would. */
export const Snippet: Story = {
  args: { autorun: true, script: 'uname -a; echo $((6 * 7))', rows: 10 },
};

/** Output only: no keyboard input. */
export const Readonly: Story = {
  args: { autorun: true, readonly: true, script: 'ls -l /', rows: 12 },
};

/** An image that does not exist: the error is shown in the terminal and as an event. */
export const Error: Story = { args: { autorun: true, image: '/no/such/manifest.json', rows: 6 } };

/** Files from the page: `<linux-file>` children are in the guest before the script runs. */
export const Files: Story = {
  render: ({ image }) =>
    html`<linux-terminal image=${image} autorun rows="10" script="cat /root/hello.sh; ./hello.sh">
      <linux-file path="/root/hello.sh" mode="0755">echo "hello from the page"</linux-file>
    </linux-terminal>`,
};

/** Themed through CSS custom properties and `::part(base)`. */
export const Themed: Story = {
  render: ({ image }) =>
    html`<style>
        .solarized {
          --linux-terminal-background: #fdf6e3;
          --linux-terminal-foreground: #586e75;
          --linux-terminal-accent: #b58900;
        }
        .solarized::part(base) {
          border: 1px solid #eee8d5;
        }
      </style>
      <linux-terminal class="solarized" image=${image} rows="8"></linux-terminal>`,
};

/** Boots only once scrolled into view (`loading="lazy"`); nothing is fetched before. */
export const Lazy: Story = {
  render: ({ image }) =>
    html`<p>Scroll down.</p>
      <div style="height: 150vh"></div>
      <linux-terminal image=${image} autorun loading="lazy" rows="8"></linux-terminal>`,
};
