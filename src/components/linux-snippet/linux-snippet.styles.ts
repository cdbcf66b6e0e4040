import { css } from 'lit';

export const snippetStyles = css`
  :host {
    display: block;
    min-width: 0;
    margin: 0.25em 0 1em;
    --linux-snippet-accent: #2563eb;
    --linux-snippet-accent-foreground: #fff;
    --linux-snippet-output-background: #1e1e1e;
    --linux-snippet-output-foreground: #d4d4d4;
    --linux-snippet-passed: #15803d;
    --linux-snippet-failed: #b91c1c;
    font-size: 0.875rem;
    line-height: 1.4;
  }

  :host([hidden]) {
    display: none;
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }

  button {
    font: inherit;
    font-weight: 600;
    /* WCAG 2.2 target size (2.5.8): at least 24 × 24 CSS px. */
    min-height: 28px;
    padding: 0.2em 0.9em;
    border-radius: 4px;
    cursor: pointer;
  }

  button:focus-visible {
    outline: 2px solid var(--linux-snippet-accent);
    outline-offset: 2px;
  }

  .run {
    color: var(--linux-snippet-accent-foreground);
    background: var(--linux-snippet-accent);
    border: 1px solid var(--linux-snippet-accent);
  }

  .secondary {
    color: inherit;
    background: transparent;
    border: 1px solid color-mix(in srgb, currentColor 35%, transparent);
  }

  .secondary[aria-pressed='true'],
  .secondary[aria-expanded='true'] {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }

  .status {
    min-width: 0;
  }

  :host([state='passed']) .status {
    color: var(--linux-snippet-passed);
    font-weight: 600;
  }

  :host([state='failed']) .status {
    color: var(--linux-snippet-failed);
    font-weight: 600;
  }

  :host([state='passed']) .status::before {
    content: '✓ ';
  }

  :host([state='failed']) .status::before {
    content: '✗ ';
  }

  .output {
    margin: 0.5em 0 0;
    padding: 0.6em 0.8em;
    max-height: 24em;
    overflow: auto;
    border-radius: 6px;
    background: var(--linux-snippet-output-background);
    color: var(--linux-snippet-output-foreground);
    font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .output:focus-visible {
    outline: 2px solid var(--linux-snippet-accent);
    outline-offset: 2px;
  }

  .output:empty::before {
    content: '(no output)';
    opacity: 0.6;
  }

  .output[hidden],
  .terminal[hidden] {
    display: none;
  }

  .label {
    margin: 0.5em 0 0;
    font-weight: 600;
  }

  .terminal {
    margin-top: 0.5em;
  }
`;
