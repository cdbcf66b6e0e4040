// Errors the element itself reports (the engine's are in src/engine/protocol.ts): each with a code
// a page can test and a sentence that says what to do.

/**
 * - `stopped`: the machine is gone (the element was removed, or the guest powered off);
 *   `ready` and `exec()` reject with it at once.
 * - `invalid-attribute`: an attribute's value cannot be used; the element says which, and what
 *   it did instead.
 * - `file-url`: the page (or its image) was opened from `file://`, where a Worker and `fetch`
 *   cannot load the emulator or the image; the page has to be served over HTTP.
 */
export type ElementErrorCode = 'stopped' | 'invalid-attribute' | 'file-url';

export function elementError<C extends string>(code: C, message: string): Error & { code: C } {
  return Object.assign(new Error(message), { code });
}

export function stoppedError(what: string): Error & { code: 'stopped' } {
  return elementError(
    'stopped',
    `${what}: the machine is not running (the element was removed or the guest powered off). Call restart(), or add the element to the page again, to boot it.`,
  );
}
