import { css } from 'lit';

export const terminalStyles = css`
  :host {
    display: block;
    /* In a grid or flex row, take the width the layout gives, never the terminal's own. */
    min-width: 0;
    --linux-terminal-background: #1e1e1e;
    --linux-terminal-foreground: #d4d4d4;
    --linux-terminal-accent: #2563eb;
    --linux-terminal-accent-foreground: #fff;
    --linux-terminal-border-radius: 6px;
    --linux-terminal-padding: 8px;
    font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    line-height: 1.2;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    /* The overlay covers the frame. */
    position: relative;
    background: var(--linux-terminal-background);
    color: var(--linux-terminal-foreground);
    border-radius: var(--linux-terminal-border-radius);
    padding: var(--linux-terminal-padding);
  }

  .base:focus-within {
    outline: 2px solid var(--linux-terminal-accent);
    outline-offset: 2px;
  }

  /* Files dragged over the terminal: where they would go (dropped, they are written to the
     shell's working folder). */
  .base.dragging {
    outline: 2px dashed var(--linux-terminal-accent);
    outline-offset: 2px;
  }

  .base.dragging::after {
    content: '';
    position: absolute;
    inset: 0;
    border-radius: var(--linux-terminal-border-radius);
    background: color-mix(in srgb, var(--linux-terminal-accent) 18%, transparent);
    /* The drop is the frame's, not this layer's. */
    pointer-events: none;
  }

  .screen {
    min-height: 4em;
  }

  .poster {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 1em;
    min-height: 8em;
  }

  /* A touch target of at least 44 × 44 CSS px (WCAG 2.2, 2.5.5), never squeezed by the label. */
  .run {
    flex: none;
    min-width: 44px;
    min-height: 44px;
    font: inherit;
    font-weight: 600;
    color: var(--linux-terminal-accent-foreground);
    background: var(--linux-terminal-accent);
    border: none;
    border-radius: 4px;
    padding: 0.5em 1.5em;
    cursor: pointer;
  }

  .run:focus-visible {
    outline: 2px solid var(--linux-terminal-foreground);
    outline-offset: 2px;
  }

  /* A long image URL is cut with an ellipsis (its full text is in the title), so the Run
     button stays in view on a phone. */
  .image {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    opacity: 0.7;
  }

  /* Over the terminal once the machine stopped: what happened, and a way back. */
  .overlay {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    padding: var(--linux-terminal-padding);
    border-radius: var(--linux-terminal-border-radius);
    background: color-mix(in srgb, var(--linux-terminal-background) 90%, transparent);
    text-align: center;
  }

  .overlay p {
    margin: 0;
    max-width: 60ch;
  }

  .overlay-title {
    font-weight: 600;
  }

  .overlay-code {
    opacity: 0.8;
  }

  .restart {
    font: inherit;
    font-weight: 600;
    color: var(--linux-terminal-background);
    background: var(--linux-terminal-foreground);
    border: none;
    border-radius: 4px;
    min-width: 44px;
    min-height: 44px;
    padding: 0.5em 1.5em;
    cursor: pointer;
  }

  .restart:focus-visible {
    outline: 2px solid var(--linux-terminal-accent);
    outline-offset: 2px;
  }

  /* Visible to screen readers (aria-describedby), not drawn. */
  .hint {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    margin: 0;
    white-space: nowrap;
  }
`;
