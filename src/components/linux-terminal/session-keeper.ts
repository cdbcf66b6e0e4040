// The element's side of `persist` (src/engine/persist/): the session's key, and when the Worker is
// asked to store the session: when the page is hidden (another tab, a closed tab, a reload: the
// Worker may be ended soon after, so this is the last chance) and before a removed element's
// Worker is ended. The Worker stores the disks at each guest flush, and the machine a moment after
// activity, by itself; with the machine it keeps the terminal's screen, which the element
// serializes when asked (`screen-wanted`) and draws back first on resume (`saved-screen`).
import type { EngineMessage, HostMessage } from '../../engine/protocol.js';

/**
 * Lines of scrollback kept with a saved machine, besides the visible screen (xterm.js keeps 1000
 * by default): what a resumed reader can scroll back to.
 */
export const SAVED_SCROLLBACK_LINES = 1000;

/** How long a removed element's Worker is given to store its session before it is ended. */
export const PERSIST_ON_REMOVAL_MS = 5_000;

/**
 * The key a session is stored under: the page author's, or this page's URL (without its query
 * and fragment) and the image's, so that two pages, or two images on one page, never share one.
 */
export function sessionKey(persist: string | undefined, image: URL): string | undefined {
  if (persist === undefined || persist === null) return undefined;
  if (persist !== '') return persist;
  return `${location.origin}${location.pathname} ${image.href}`;
}

export class SessionKeeper {
  private nextId = 1;
  private readonly onHidden = () => {
    if (document.visibilityState === 'hidden') this.persist();
  };
  private readonly onPageHide = () => this.persist();

  /** `worker` is the element's current Worker running a persisted session, if any. */
  constructor(private readonly worker: () => Worker | undefined) {}

  /** Listens for the page being hidden while the element is in it. */
  connect(): void {
    document.addEventListener('visibilitychange', this.onHidden);
    window.addEventListener('pagehide', this.onPageHide);
  }

  disconnect(): void {
    document.removeEventListener('visibilitychange', this.onHidden);
    window.removeEventListener('pagehide', this.onPageHide);
  }

  /** Asks the Worker to store the session now. */
  persist(worker = this.worker()): number | undefined {
    if (!worker) return undefined;
    const id = this.nextId++;
    worker.postMessage({ type: 'persist', id } satisfies HostMessage);
    return id;
  }

  /**
   * Ends `worker` once it has stored its session (or after PERSIST_ON_REMOVAL_MS): the element
   * was removed, and its machine goes, but what the reader did is kept.
   */
  persistThenEnd(worker: Worker): void {
    const id = this.persist(worker);
    const end = () => {
      clearTimeout(timer);
      worker.terminate();
    };
    const timer = setTimeout(end, PERSIST_ON_REMOVAL_MS);
    worker.addEventListener('message', (event: MessageEvent<EngineMessage>) => {
      if (event.data.type === 'persisted' && event.data.id === id) end();
    });
  }
}
