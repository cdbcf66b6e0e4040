// The host end of the exec() channel: requests wait for the agent's hello, replies find their
// request by id whatever order and however split they arrive in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandChannel, toBase64 } from '../../src/engine/command-channel.js';

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const b64 = (s: string) => toBase64(encoder.encode(s));

test('requests are held until the agent says it is ready, then sent in order', () => {
  const sent: string[] = [];
  const channel = new CommandChannel((data) => sent.push(text(data)));
  void channel.run('echo one');
  void channel.run('echo two');
  assert.deepEqual(sent, []);
  channel.receive(encoder.encode('lt-agent re'));
  assert.deepEqual(sent, []);
  channel.receive(encoder.encode('ady\n'));
  assert.deepEqual(sent, [`c1 ${b64('echo one')}\n`, `c2 ${b64('echo two')}\n`]);
  void channel.run('echo three');
  assert.equal(sent.length, 3);
});

test('replies resolve their own request, with exit status and output', async () => {
  const channel = new CommandChannel(() => {});
  channel.receive(encoder.encode('lt-agent ready\r\n'));
  const first = channel.run('true');
  const second = channel.run('false');
  const reply = `c2 1 ${b64('no\n')}\nnoise that is not a reply\nc1 0 ${b64('héllo\n')}\n`;
  // Split mid-line and mid-character: the channel decodes a stream.
  const bytes = encoder.encode(reply);
  channel.receive(bytes.subarray(0, 7));
  channel.receive(bytes.subarray(7));
  assert.deepEqual(await second, { exitCode: 1, output: 'no\n' });
  assert.deepEqual(await first, { exitCode: 0, output: 'héllo\n' });
});

test('an empty output is an empty string', async () => {
  const channel = new CommandChannel(() => {});
  channel.receive(encoder.encode('lt-agent ready\n'));
  const result = channel.run(':');
  channel.receive(encoder.encode('c1 0 \n'));
  assert.deepEqual(await result, { exitCode: 0, output: '' });
});

test('base64 of large data matches Node', () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
  assert.equal(toBase64(data), Buffer.from(data).toString('base64'));
});
