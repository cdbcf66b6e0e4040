// Registers <linux-file>, once.
import { LinuxFile } from './linux-file.js';

if (!customElements.get('linux-file')) customElements.define('linux-file', LinuxFile);

declare global {
  interface HTMLElementTagNameMap {
    'linux-file': LinuxFile;
  }
}
