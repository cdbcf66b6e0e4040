// The host end of the exec() channel: requests wait for the agent's hello and go one at a time,
// replies are decoded however split they arrive, output is cut at maxOutput, and a cancelled
// command is killed in the guest without stalling the ones after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CANCEL_GRACE_MS,
  CommandChannel,
  MAX_OUTPUT_LIMIT,
  MAX_REQUEST_BYTES,
} from '../../src/engine/command-channel.js';
import { toBase64 } from '../../src/engine/base64.js';

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const b64 = (s: string | Uint8Array) => toBase64(typeof s === 'string' ? encoder.encode(s) : s);
const request = (id: string, command: string, max = 16 << 20) => `${id} ${max} ${b64(command)}\n`;
/** The agent's reply: a header line, then the output's bytes as they are. */
function answer(id: string, status: number, output: string | Uint8Array): Uint8Array {
  const bytes = typeof output === 'string' ? encoder.encode(output) : output;
  const header = encoder.encode(`${id} ${status} ${bytes.length}\n`);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

function channel() {
  const sent: string[] = [];
  const commands = new CommandChannel((data) => sent.push(text(data)));
  const reply = (s: string | Uint8Array) =>
    commands.receive(typeof s === 'string' ? encoder.encode(s) : s);
  return { commands, sent, reply };
}

test('requests wait for the hello, then go one at a time, each after the last reply', async () => {
  const { commands, sent, reply } = channel();
  const one = commands.run('echo one');
  const two = commands.run('echo two');
  assert.deepEqual(sent, []);
  reply('lt-agent re');
  assert.deepEqual(sent, []);
  reply('ady\n');
  assert.deepEqual(sent, [request('c1', 'echo one')]);
  reply(answer('c1', 0, 'one\n'));
  assert.deepEqual(await one, { exitCode: 0, output: 'one\n', truncated: false });
  assert.deepEqual(sent, [request('c1', 'echo one'), request('c2', 'echo two')]);
  reply(answer('c2', 0, 'two\n'));
  assert.equal((await two).output, 'two\n');
});

test('a reply split anywhere (mid-header, mid-output, mid-character) is read whole', async () => {
  const { commands, reply } = channel();
  reply('lt-agent ready\r\n');
  const result = commands.run('false');
  // Output is bytes as they are: newlines and header-like text inside it are output.
  const bytes = new Uint8Array([
    ...encoder.encode('noise that is not a reply\n'),
    ...answer('c1', 1, 'héllo\nc1 0 3\nwörld\n'),
  ]);
  for (let i = 0; i < bytes.length; i += 3) commands.receive(bytes.subarray(i, i + 3));
  assert.deepEqual(await result, {
    exitCode: 1,
    output: 'héllo\nc1 0 3\nwörld\n',
    truncated: false,
  });
});

test('an empty output is an empty string', async () => {
  const { commands, reply } = channel();
  reply('lt-agent ready\n');
  const result = commands.run(':');
  reply('c1 0 0\n');
  assert.deepEqual(await result, { exitCode: 0, output: '', truncated: false });
});

test('output is cut at maxOutput and marked truncated; exactly maxOutput is not', async () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  const cut = commands.run('yes', { maxOutput: 4 });
  assert.equal(sent[0], request('c1', 'yes', 4));
  // The agent sends limit + 1 bytes when there was more.
  reply(answer('c1', 141, 'y\ny\ny'));
  assert.deepEqual(await cut, { exitCode: 141, output: 'y\ny\n', truncated: true });
  const exact = commands.run('echo abc', { maxOutput: 4 });
  reply(answer('c2', 0, 'abc\n'));
  assert.deepEqual(await exact, { exitCode: 0, output: 'abc\n', truncated: false });
  // An agent that sends more than asked still cannot make the host keep it.
  const flood = commands.run('cat big', { maxOutput: 10 });
  reply(answer('c3', 0, new Uint8Array(1 << 20).fill(0x61)));
  assert.deepEqual(await flood, { exitCode: 0, output: 'a'.repeat(10), truncated: true });
});

test('a large reply streams through in pieces, byte for byte', async () => {
  const { commands, reply } = channel();
  reply('lt-agent ready\n');
  const data = new Uint8Array(5 << 20).map((_, i) => 0x21 + (((i * 2654435761) >>> 24) % 94));
  const result = commands.run('cat data', { maxOutput: 8 << 20 });
  const line = answer('c1', 0, data);
  const started = performance.now();
  for (let i = 0; i < line.length; i += 4096) commands.receive(line.subarray(i, i + 4096));
  const { output } = await result;
  const ms = performance.now() - started;
  assert.ok(output === text(data), 'the output differs from what was sent');
  // Linear, not quadratic: 5 MB in well under a second.
  assert.ok(ms < 2000, `decoding took ${ms.toFixed(0)} ms`);
});

test('a cancelled running command is killed in the guest; its late reply is dropped', async () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  const abort = new AbortController();
  const slow = commands.run('sleep 100', { signal: abort.signal });
  const next = commands.run('echo next');
  assert.equal(sent.length, 1);
  abort.abort(new Error('gave up'));
  await assert.rejects(slow, /gave up/);
  assert.equal(sent[1], 'c1 kill\n');
  reply('c1 137 0\n');
  assert.equal(sent[2], request('c2', 'echo next'));
  reply(answer('c2', 0, 'next\n'));
  assert.equal((await next).output, 'next\n');
});

test('a cancelled waiting command is never sent', async () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  const abort = new AbortController();
  const first = commands.run('echo first');
  const dropped = commands.run('echo dropped', { signal: abort.signal });
  abort.abort();
  await assert.rejects(dropped);
  reply(answer('c1', 0, 'first\n'));
  await first;
  const third = commands.run('echo third');
  assert.deepEqual(sent, [request('c1', 'echo first'), request('c3', 'echo third')]);
  reply(answer('c3', 0, 'third\n'));
  assert.equal((await third).output, 'third\n');
});

test('when a killed command never replies, the channel moves on after the grace', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  const abort = new AbortController();
  const stuck = commands.run('stuck', { signal: abort.signal });
  const next = commands.run('echo next');
  reply('c1 0 6\nstu'); // part of a reply, then silence
  abort.abort();
  await assert.rejects(stuck);
  t.mock.timers.tick(CANCEL_GRACE_MS);
  assert.equal(sent[2], request('c2', 'echo next'));
  // The rest of the stale reply is read past, then the next reply is read.
  reply('ck\n');
  reply(answer('c2', 0, 'next\n'));
  assert.equal((await next).output, 'next\n');
});

test('maxOutput is a whole number of bytes for the agent, whatever the page passes', () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  const limits = [Infinity, NaN, -5, 12.7];
  for (const maxOutput of limits) void commands.run('true', { maxOutput }).catch(() => {});
  for (let i = 0; i < limits.length; i++) reply(answer(`c${i + 1}`, 0, ''));
  assert.deepEqual(
    sent.map((line) => line.split(' ')[1]),
    [String(MAX_OUTPUT_LIMIT), String(16 << 20), '0', '12'],
  );
});

test('a command too large for the console input is refused with a code', async () => {
  const { commands, reply } = channel();
  reply('lt-agent ready\n');
  await assert.rejects(commands.run('x'.repeat(MAX_REQUEST_BYTES)), { code: 'command-too-large' });
});

test('base64 of large data matches Node', () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
  assert.equal(toBase64(data), Buffer.from(data).toString('base64'));
});
