// One tab at a time per persisted session: the Worker that runs a key's session holds a Web Lock
// named after the key for as long as it lives (the browser releases it when the Worker ends, even
// when the tab crashes). Another Worker with the same key waits a little (a reloaded page's old
// Worker may still be storing the session, a reset's old Worker ending), then runs in memory and
// says so, rather than two machines writing one session.

/** How long a Worker waits for another's lock before it runs in memory. */
export const LOCK_WAIT_MS = 3_000;

/** Takes the lock of `key` once it is free, within LOCK_WAIT_MS; whether this Worker holds it. */
export function lockSession(key: string, waitMs = LOCK_WAIT_MS): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  // Without Web Locks there is nothing to share with: the session is this tab's.
  if (!locks) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    locks
      .request(`linux-terminal-session:${key}`, { signal: AbortSignal.timeout(waitMs) }, () => {
        resolve(true);
        // Held until the Worker ends.
        return new Promise<void>(() => {});
      })
      .catch((error: unknown) =>
        error instanceof DOMException &&
        (error.name === 'TimeoutError' || error.name === 'AbortError')
          ? resolve(false)
          : reject(error),
      );
  });
}
