import { css } from 'lit';

export const terminalStyles = css`
  :host {
    display: block;
    --linux-terminal-background: #1e1e1e;
    --linux-terminal-foreground: #d4d4d4;
    --linux-terminal-border-radius: 6px;
    --linux-terminal-padding: 8px;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    background: var(--linux-terminal-background);
    border-radius: var(--linux-terminal-border-radius);
    padding: var(--linux-terminal-padding);
  }

  .screen {
    min-height: 4em;
  }
`;
