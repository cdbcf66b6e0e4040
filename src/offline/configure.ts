// Page-wide settings of linux-terminal, for what is not one element's business.
import { registerServiceWorker } from './service-worker-registration.js';

export interface LinuxTerminalConfig {
  /**
   * The URL of linux-terminal's service worker (dist/service-worker.js, hosted where its scope
   * covers the pages and the bundle: see docs/offline.md). Registered once per page.
   */
  serviceWorker?: string | URL;
  /** The service worker's scope; by default the folder its file is in. */
  scope?: string;
}

/**
 * Sets up linux-terminal for the whole page. With `serviceWorker`, registers it, so that pages
 * and images are cached for offline use (the same as the element's `service-worker` attribute).
 */
export function configure(config: LinuxTerminalConfig): void {
  if (config.serviceWorker) void registerServiceWorker(config.serviceWorker, config.scope);
}
