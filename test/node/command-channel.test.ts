// The host end of the command channel: requests wait for the agent's hello and go one at a time,
// replies are decoded however split they arrive, output is cut at maxOutput, and a cancelled
// command is killed in the guest without stalling the ones after it. File requests (protocol 2):
// refused for an older agent, a put's bytes fed as the console makes room, and given up without
// the stream losing step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CANCEL_GRACE_MS,
  CommandChannel,
  FEED_INTERVAL_MS,
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

// --- files (protocol 2) --------------------------------------------------------------------------

/** A channel whose console takes at most `room()` bytes at a time, recording what it took. */
function slowChannel(room: { bytes: number }) {
  const taken: Uint8Array[] = [];
  const commands = new CommandChannel(
    (data) => {
      taken.push(data.slice());
      room.bytes -= data.length;
    },
    () => room.bytes,
  );
  const all = () => Buffer.concat(taken);
  return { commands, taken, all };
}

test('an agent of protocol 1 gets no file requests: they reject with agent-too-old', async () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready\n');
  assert.equal(commands.protocol, 1);
  const put = commands.put('/root/a', new Uint8Array([1, 2, 3]));
  const get = commands.get('/root/a', 100);
  const cwd = commands.cwd();
  const exec = commands.run('echo still');
  for (const request of [put, get, cwd])
    await assert.rejects(request, {
      code: 'agent-too-old',
      message: /speaks protocol 1, and files need protocol 2: rebuild the image/,
    });
  // Nothing of them reached the agent; exec goes on as before.
  assert.deepEqual(sent, [request('c4', 'echo still')]);
  reply(answer('c4', 0, 'still\n'));
  assert.equal((await exec).output, 'still\n');
});

test('a put sends its line, its bytes and its end; a get and a cwd read their replies', async () => {
  const { commands, sent, reply } = channel();
  reply('lt-agent ready 2\n');
  assert.equal(commands.protocol, 2);
  const put = commands.put('/root/ü', encoder.encode('data\nc9 0 0\n'));
  assert.deepEqual(sent, [`c1 put 12 ${b64('/root/ü')}\n`, 'data\nc9 0 0\n', 'c1 end\n']);
  reply('c1 0 0\n');
  assert.deepEqual(await put, { status: 0, body: new Uint8Array(0), length: 0 });
  const get = commands.get('/root/ü', 100);
  assert.equal(sent[3], `c2 get ${b64('/root/ü')}\n`);
  const bytes = new Uint8Array(70).map((_, i) => (i * 37) & 0xff);
  reply(answer('c2', 0, bytes));
  assert.deepEqual((await get).body, bytes);
  const missing = commands.get('/root/x', 100);
  reply(answer('c3', 2, '/root/x does not exist'));
  assert.deepEqual(await missing, {
    status: 2,
    body: encoder.encode('/root/x does not exist'),
    length: 22,
  });
  const cwd = commands.cwd();
  assert.equal(sent.at(-1), 'c4 cwd\n');
  reply(answer('c4', 0, '/root/work'));
  assert.equal(text((await cwd).body), '/root/work');
  // A file longer than the reader keeps is read past whole, and the channel stays in step.
  const large = commands.get('/root/large', 10);
  reply(answer('c5', 0, new Uint8Array(1000)));
  const { body, length } = await large;
  assert.deepEqual([body.length, length], [0, 1000]);
});

test("a put's bytes go out as the console makes room, and the next request waits behind them", async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const room = { bytes: 0 };
  const { commands, taken, all } = slowChannel(room);
  commands.receive(encoder.encode('lt-agent ready 2\n'));
  const data = new Uint8Array(10_000).map((_, i) => (i * 7) & 0xff);
  const put = commands.put('/tmp/f', data);
  const exec = commands.run('echo next');
  assert.equal(taken.length, 0, 'nothing goes while the console is full');
  room.bytes = 4096;
  t.mock.timers.tick(FEED_INTERVAL_MS);
  assert.equal(all().length, 4096, 'no more than the console takes');
  // The guest drains the console; each offer sends what fits.
  const header = `c1 put 10000 ${b64('/tmp/f')}\n`;
  const whole = Buffer.concat([Buffer.from(header), data, Buffer.from('c1 end\n')]);
  for (let offers = 0; all().length < whole.length && offers < 100; offers++) {
    room.bytes = 3000;
    t.mock.timers.tick(FEED_INTERVAL_MS);
  }
  assert.ok(all().equals(whole), 'the bytes went out whole and in order');
  assert.ok(commands.busy);
  commands.receive(encoder.encode('c1 0 0\n'));
  assert.equal((await put).status, 0);
  // The exec goes only now, after the put's reply.
  t.mock.timers.tick(FEED_INTERVAL_MS);
  assert.equal(text(all().subarray(whole.length)), request('c2', 'echo next'));
  commands.receive(answer('c2', 0, 'next\n'));
  assert.equal((await exec).output, 'next\n');
  assert.equal(commands.busy, false);
});

test('a put given up while its bytes go out still sends them all, then kill, not end', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const room = { bytes: 100 };
  const { commands, all } = slowChannel(room);
  commands.receive(encoder.encode('lt-agent ready 2\n'));
  const abort = new AbortController();
  const data = new Uint8Array(1000).fill(0x61);
  const put = commands.put('/tmp/f', data, { signal: abort.signal });
  abort.abort(new Error('gave up'));
  await assert.rejects(put, /gave up/);
  assert.ok(commands.busy, 'its bytes are still going out: no save now');
  for (let offers = 0; all().length < 1000 && offers < 100; offers++) {
    room.bytes = 100;
    t.mock.timers.tick(FEED_INTERVAL_MS);
  }
  room.bytes = 1000;
  t.mock.timers.tick(FEED_INTERVAL_MS);
  assert.match(text(all()), /^c1 put 1000 \S+\na{1000}c1 kill\n$/);
  // The agent's reply to the abandoned write is read past; the next request goes after it.
  const next = commands.run('echo next');
  commands.receive(encoder.encode('c1 125 8\ngiven '));
  commands.receive(encoder.encode('up'));
  t.mock.timers.tick(FEED_INTERVAL_MS);
  assert.match(text(all()), /c1 kill\nc2 \d+ \S+\n$/);
  commands.receive(answer('c2', 0, 'next\n'));
  assert.equal((await next).output, 'next\n');
});

test('the agent protocol is part of the saved channel; states saved before it are protocol 1', () => {
  const a = new CommandChannel(() => {});
  a.receive(encoder.encode('lt-agent ready 2\n'));
  const state = a.saveState();
  assert.equal(state.agentVersion, 2);
  const b = new CommandChannel(() => {});
  b.restoreState(structuredClone(state));
  assert.equal(b.protocol, 2);
  const old: Partial<typeof state> = { ...state };
  delete old.agentVersion;
  const c = new CommandChannel(() => {});
  c.restoreState(old as typeof state);
  assert.equal(c.protocol, 1);
  for (const agentVersion of [0, 1.5, '2', 1e9])
    assert.throws(
      () => c.restoreState({ ...state, agentVersion: agentVersion as number }),
      /command-channel state: agentVersion must be an integer/,
    );
});
