// A line of the element's own on the terminal (a dropped file written, or why not), dim, above
// the line the cursor is on: the prompt and what the reader typed are drawn again below it, where
// the shell, which knows nothing of the note, goes on echoing.
import type { Terminal } from '@xterm/xterm';

const DIM = '\x1b[2m';
const NORMAL = '\x1b[22m';

/** `text` without control characters: a file's name must not drive the terminal. */
function printable(text: string): string {
  // C0, DEL and C1 controls (escape sequences begin with them).
  return [...text].map((c) => (/\p{Cc}/u.test(c) ? '?' : c)).join('');
}

/** Writes `text` as a note, after what the terminal has been given to draw so far. */
export function writeNote(terminal: Terminal, text: string): void {
  const note = `${DIM}${printable(text)}${NORMAL}`;
  // In write's callback the buffer holds everything written before: the cursor is where it ends.
  terminal.write('', () => {
    const buffer = terminal.buffer.active;
    const y = buffer.baseY + buffer.cursorY;
    const line = buffer.getLine(y);
    // A line that wraps from or onto another is not redrawn whole: the note goes below it.
    if (!line || line.isWrapped || buffer.getLine(y + 1)?.isWrapped) {
      terminal.write(`${buffer.cursorX > 0 ? '\r\n' : ''}${note}\r\n`);
      return;
    }
    const current = line.translateToString(true);
    // Clear the line, the note in its place, then the line again below with the cursor back in
    // its column (CHA, 1-based).
    terminal.write(`\r\x1b[2K${note}\r\n${current}\x1b[${buffer.cursorX + 1}G`);
  });
}
