// What the browser tests share: waiting for a condition, the error a promise rejects with, what a
// terminal shows, a SHA-256, and a booted terminal on the page.
import '../../../src/components/index.js';
import type { LinuxTerminal } from '../../../src/components/index.js';

/**
 * Polls `condition` until it holds; throws after `timeoutMs`, with `what` and, if given, the end
 * of what `seen` reports (the guest's output, say).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  seen?: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${seen ? `; the last output was:\n${seen().slice(-800)}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The error `promise` rejects with; throws if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(await promise)}`);
}

/** What `el`'s terminal shows now (the DOM renderer's rows). */
export const screenText = (el: LinuxTerminal): string =>
  el.shadowRoot!.querySelector('.xterm-rows')?.textContent ?? '';

/** The SHA-256 of `data` (text as UTF-8), in hex. */
export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A terminal of the busybox image on the page, booted and answering exec(). */
export async function bootedTerminal(): Promise<LinuxTerminal> {
  const el = document.createElement('linux-terminal');
  el.autorun = true;
  document.body.append(el);
  await el.exec('true', { timeout: 120_000 });
  return el;
}
