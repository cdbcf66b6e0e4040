// Registers <linux-snippet>, once (the first definition wins, as for <linux-terminal>).
import { LinuxSnippet } from './linux-snippet.js';

if (!customElements.get('linux-snippet')) customElements.define('linux-snippet', LinuxSnippet);

declare global {
  interface HTMLElementTagNameMap {
    'linux-snippet': LinuxSnippet;
  }
}
