// A page-wide limit on machines starting at once. A machine that boots or restores keeps a core
// busy until its prompt; twelve of them on a two-core phone would leave the page's own thread a
// sliver of a core, and every task it runs (drawing, input) would take several times longer.
// So at most one fewer machine than the device has cores starts at a time (one on two cores),
// in the order the terminals asked; the rest wait, and say so on their screens. A slot is held
// until the prompt, the machine's end, or HOLD_MS, whichever comes first, so a slow download or
// a long cold boot does not hold the other terminals back for long.

/** The longest one machine holds a slot, in ms. */
export const HOLD_MS = 2000;

interface Request {
  start: () => void;
  granted: boolean;
  done: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const queue: Request[] = [];
let running = 0;

/** How many machines may start at once on this device. */
export function bootSlots(): number {
  const cores = globalThis.navigator?.hardwareConcurrency || 2;
  return Math.max(1, cores - 1);
}

function grantNext(): void {
  while (running < bootSlots() && queue.length > 0) {
    const request = queue.shift()!;
    request.granted = true;
    running++;
    request.timer = setTimeout(() => finish(request), HOLD_MS);
    request.start();
  }
}

function finish(request: Request): void {
  if (request.done) return;
  request.done = true;
  clearTimeout(request.timer);
  if (request.granted) {
    running--;
    grantNext();
  } else {
    queue.splice(queue.indexOf(request), 1);
  }
}

/**
 * Runs `start` once a slot is free (at once if one is). Returns a function that gives the slot
 * back, or withdraws the request if it is still waiting (calling it again does nothing), and
 * whether the request waits for a slot.
 */
export function requestBootSlot(start: () => void): { release: () => void; waiting: boolean } {
  const request: Request = { start, granted: false, done: false };
  queue.push(request);
  grantNext();
  return { release: () => finish(request), waiting: !request.granted };
}
