// Registers <linux-terminal>. Importing this module has that one side effect; it is safe to import
// twice (or next to another copy of the library): the first definition wins.
import { LinuxTerminal } from './linux-terminal.js';

if (!customElements.get('linux-terminal')) {
  customElements.define('linux-terminal', LinuxTerminal);
}

declare global {
  interface HTMLElementTagNameMap {
    'linux-terminal': LinuxTerminal;
  }
}
