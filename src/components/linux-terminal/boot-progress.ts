// Progress drawn in the terminal while the machine boots, from the engine's progress messages:
// one line, rewritten in place, and erased before the guest's first output so the guest's
// screen starts clean.

/** Return to column 0 of the line and erase it (ECMA-48 CR, then EL with Ps=2: the whole line). */
const ERASE_LINE = '\r\x1b[2K';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The progress line's text for a phase; no escape sequences. */
export function progressText(phase: 'download' | 'boot', loaded: number, total: number): string {
  if (phase === 'boot') return 'Booting Linux…';
  // Before the first blob is in (the loader reports whole blobs), the size is not known yet.
  if (total === 0) return 'Downloading image…';
  return `Downloading image… ${mebibytes(loaded)} of ${mebibytes(total)} MB`;
}

/** The progress line while other terminals on the page start first (boot-gate.ts). */
export const WAITING_TEXT = 'Waiting for other terminals to start…';

/** What to write to draw (or redraw) the progress line, cut to the terminal's width. */
export function drawProgress(text: string, cols: number): string {
  return `${ERASE_LINE}${DIM}${text.slice(0, Math.max(1, cols - 1))}${RESET}`;
}

/** What to write before the guest's first output: the progress line gone, the cursor at its start. */
export const ERASE_PROGRESS = ERASE_LINE;
