import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import '../src/components/index.js';

interface Args {
  image: string;
  code: string;
  expected?: string;
  match?: 'exact' | 'lenient';
}

const meta: Meta<Args> = {
  title: 'linux-snippet',
  component: 'linux-snippet',
  // Storybook serves src/images as static files (see .storybook/main.ts).
  args: {
    image: '/images/busybox/dist/manifest.json',
    code: 'echo $((6 * 7))',
    expected: '42\n',
  },
  argTypes: {
    image: { control: 'text', description: 'Built-in image name or manifest URL' },
    code: { control: 'text', description: 'The code block the snippet runs' },
    expected: { control: 'text', description: 'Expected output (empty: none)' },
    match: {
      control: 'inline-radio',
      options: ['exact', 'lenient'],
      description: 'How the output is compared with the expected one',
    },
  },
  // The code block as a docs generator writes it, and the snippet right after it.
  render: ({ image, code, expected, match }) =>
    html`<pre><code class="language-sh">${code}</code></pre>
      <linux-snippet image=${image} match=${match ?? nothing}>
        ${expected ? html`<pre slot="expected">${expected}</pre>` : nothing}
      </linux-snippet>`,
};
export default meta;

type Story = StoryObj<Args>;

/** A code block with an expected output: Run says whether the output matches. */
export const Expected: Story = {};

/** No expected output: Run shows the output and the exit status. */
export const Plain: Story = { args: { code: 'uname -m; ls /', expected: '' } };

/** An expected output the code does not print: the run fails, with both outputs shown. */
export const Failing: Story = { args: { code: 'echo $((2 + 3))', expected: '4\n' } };

/** A session: three snippets share one machine, in page order (Run on the last runs all three). */
export const Session: Story = {
  render: ({ image }) =>
    html`<pre><code>mkdir -p /tmp/tour && cd /tmp/tour && GREETING=hello</code></pre>
      <linux-snippet image=${image} session="tour"></linux-snippet>
      <pre><code>echo "$GREETING from $PWD" > note.txt</code></pre>
      <linux-snippet image=${image} session="tour"></linux-snippet>
      <pre><code>cat note.txt</code></pre>
      <linux-snippet image=${image} session="tour">
        <pre slot="expected">
hello from /tmp/tour
</pre>
      </linux-snippet>`,
};
