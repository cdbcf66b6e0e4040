// The console session's reading of a shell's output, chunk by chunk: what exec() streams and
// returns must be the guest's bytes however the console cuts them (the terminal turns each \n into
// \r\n; the session turns it back, also when \r and \n arrive in different chunks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleSession } from '../../src/engine/console-session.js';

/** Lets the session look at what has arrived so far before the next chunk comes. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A shell that answers each command line with `printed` (as a terminal with onlcr shows it),
 * then the session's end marker and a prompt, cut into chunks at every `cutAt` match.
 */
async function execAgainstShell(printed: string, cutAt: RegExp) {
  const sent: string[] = [];
  const session = new ConsoleSession((text) => sent.push(text));
  const booted = session.ready(5_000);
  session.receive('linux-terminal:~# ');
  await nextTurn();
  session.receive('linux-terminal:~# ');
  await booted;

  const streamed: string[] = [];
  const done = session.exec('the command', { onChunk: (text) => streamed.push(text) });
  await nextTurn();
  const marker = /printf '%s%d\\n\S*' (\S+) \$\?/.exec(sent.at(-1)!)![1];
  const console = `${printed.replace(/\n/g, '\r\n')}${marker}0\r\nlinux-terminal:~# `;
  for (const chunk of console.split(cutAt)) {
    session.receive(chunk);
    await nextTurn();
  }
  return { result: await done, streamed: streamed.join('') };
}

test('a \\r\\n cut between two chunks becomes \\n in the streamed and the returned output', async () => {
  const printed = Array.from({ length: 200 }, (_, i) => `${i + 1}\n`).join('');
  // Every chunk ends in \r and the next one starts with \n.
  const { result, streamed } = await execAgainstShell(printed, /(?<=\r)/);
  assert.equal(streamed, printed);
  assert.equal(result.output, printed);
  assert.equal(result.exitCode, 0);
});

test("the guest's own \\r survive, at the end of a chunk too", async () => {
  const printed = 'progress 10%\rprogress 100%\r\ndone\r';
  const { result, streamed } = await execAgainstShell(printed, /(?<=\r)/);
  assert.equal(streamed, printed);
  assert.equal(result.output, printed);
});

test('output cut at every byte reads back whole', async () => {
  const printed = 'a\tb\n\n\rc\r\r\nlast line\n';
  const { result, streamed } = await execAgainstShell(printed, /(?=[\s\S])/);
  assert.equal(streamed, printed);
  assert.equal(result.output, printed);
});
