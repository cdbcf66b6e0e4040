// When guest output reaches the screen. xterm.js draws a terminal in the animation frame after
// it was written to, and a first draw costs several milliseconds of layout: twelve terminals
// written in one frame would draw together in a single long task. So output goes to one terminal
// per frame, taking turns: with twelve busy terminals each is written every twelfth frame (a
// fifth of a second). One busy terminal alone is written every frame (xterm.js then parses it
// in slices of its own).

/** Terminals written per animation frame: three made a 60 ms task in bench:page, one none. */
const TERMINALS_PER_FRAME = 1;

export interface Screen {
  /** Writes `data`; `parsed` runs once xterm.js has taken it in. */
  write(data: string, parsed: () => void): void;
}

interface Waiting {
  pieces: string[];
  parsed: (chars: number) => void;
}

const waiting = new Map<Screen, Waiting>();
let frame = 0;
let fallback: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  cancelAnimationFrame(frame);
  clearTimeout(fallback);
  frame = 0;
  fallback = undefined;
  let written = 0;
  // Map order is insertion order, and a written screen leaves the map: the next frame starts
  // with the screens not written in this one.
  for (const [screen, { pieces, parsed }] of waiting) {
    if (written++ === TERMINALS_PER_FRAME) break;
    waiting.delete(screen);
    const data = pieces.join('');
    screen.write(data, () => parsed(data.length));
  }
  if (waiting.size > 0) schedule();
}

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(flush);
  // A hidden page gets no animation frames: its output still flows, four times a second.
  fallback = setTimeout(flush, 250);
}

/** Queues `data` for `screen`; `parsed(chars)` reports each piece xterm.js has taken in. */
export function queueOutput(screen: Screen, data: string, parsed: (chars: number) => void): void {
  const entry = waiting.get(screen);
  if (entry) entry.pieces.push(data);
  else waiting.set(screen, { pieces: [data], parsed });
  schedule();
}

/** Writes what is waiting for `screen` now, without waiting for its turn. */
export function drawNow(screen: Screen): void {
  const entry = waiting.get(screen);
  if (!entry) return;
  waiting.delete(screen);
  const data = entry.pieces.join('');
  screen.write(data, () => entry.parsed(data.length));
}

/** Drops what is waiting for `screen` (its machine is gone). */
export function forgetScreen(screen: Screen): void {
  waiting.delete(screen);
}
