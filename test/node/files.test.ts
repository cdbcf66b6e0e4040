// Files in and out of the guest on the real busybox image, headless: the engine in a worker
// thread, the command channel (hvc1) and the image's lt-agent. 50 MB go in and come back byte for
// byte; a missing folder, a folder, a missing file and a disk too small each give their code; and
// a write that fails leaves neither the file nor its temporary behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread } from '../../src/engine/node/machine-thread.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function withMachine(body: (machine: MachineThread) => Promise<void>): Promise<void> {
  const machine = new MachineThread(await loadBootImage({}));
  try {
    // The first request waits for the agent's hello (a restore's resume).
    assert.equal((await machine.exec('echo up', { timeout: 120_000 })).output, 'up\n');
    await body(machine);
  } finally {
    await machine.terminate();
  }
}

test('50 MB of random bytes go in and come back with the same SHA-256', async () => {
  await withMachine(async (machine) => {
    // /tmp is a tmpfs: the guest's 128 MiB hold it, its 16 MiB disk would not.
    const data = randomBytes(50_000_000);
    assert.equal(await machine.writeFile('/tmp/big', data, { timeout: 300_000 }), '/tmp/big');
    const { output } = await machine.exec('sha256sum /tmp/big', { timeout: 60_000 });
    assert.equal(output.split(' ')[0], sha256(data), 'the guest has other bytes');
    const back = await machine.readFile('/tmp/big', { timeout: 300_000 });
    assert.equal(back.length, data.length);
    assert.equal(sha256(back), sha256(data), 'other bytes came back');
  });
});

test('relative paths start at /root; text, empty files and modes are kept', async () => {
  await withMachine(async (machine) => {
    const text = new TextEncoder().encode('héllo\nwörld\n');
    assert.equal(await machine.writeFile('notes.txt', text), '/root/notes.txt');
    assert.deepEqual(await machine.readFile('/root/notes.txt'), text);
    assert.equal((await machine.writeFile('/root/empty', new Uint8Array(0))).length, 11);
    assert.equal((await machine.readFile('empty')).length, 0);
    // A replaced file keeps its mode (a script stays executable); a new one is 0644.
    await machine.exec('printf old > /root/run.sh && chmod 755 /root/run.sh');
    await machine.writeFile('run.sh', new TextEncoder().encode('echo new\n'));
    const { output } = await machine.exec('stat -c %a run.sh notes.txt; ./run.sh');
    assert.equal(output, '755\n644\nnew\n');
    // A kernel file, whose size is known only by reading it.
    assert.match(new TextDecoder().decode(await machine.readFile('/proc/cpuinfo')), /rv64/);
  });
});

test('a missing folder, a folder, a missing file, a device and /proc each give their code', async () => {
  await withMachine(async (machine) => {
    const data = new Uint8Array([1, 2, 3]);
    await assert.rejects(machine.writeFile('/root/no/such/folder/file', data), {
      code: 'file-not-found',
      message: /The folder \/root\/no\/such\/folder does not exist in the guest; create it/,
    });
    await assert.rejects(machine.writeFile('/root', data), {
      code: 'is-a-directory',
      message: /\/root is a folder in the guest/,
    });
    await assert.rejects(machine.readFile('/root/not-there'), {
      code: 'file-not-found',
      message: /\/root\/not-there does not exist in the guest/,
    });
    await assert.rejects(machine.readFile('/'), { code: 'is-a-directory' });
    await assert.rejects(machine.readFile('/dev/null'), { code: 'not-a-file' });
    await assert.rejects(machine.writeFile('/proc/version', data), {
      code: 'permission-denied',
      message: /the folder \/proc takes no new files/,
    });
    await assert.rejects(machine.writeFile('', data), { code: 'bad-path' });
    await assert.rejects(machine.writeFile('/root/a\0b', data), { code: 'bad-path' });
    // The channel is still in step after each refusal.
    assert.equal((await machine.exec('echo ok')).output, 'ok\n');
  });
});

test('a file too large for the disk is refused whole: no file and no temporary file remain', async () => {
  await withMachine(async (machine) => {
    // The busybox root disk is a 16 MiB ext2, /root on it.
    const before = (await machine.exec('ls -a /root')).output;
    const data = randomBytes(20_000_000);
    await assert.rejects(machine.writeFile('/root/too-big', data, { timeout: 300_000 }), {
      code: 'no-space',
      message:
        /The guest's disk has no room for \/root\/too-big \(19 MiB\), and nothing was written/,
    });
    assert.equal((await machine.exec('ls -a /root')).output, before);
    // The space is free again: a file that fits is written whole.
    const fits = randomBytes(4_000_000);
    await machine.writeFile('/root/fits', fits, { timeout: 120_000 });
    assert.equal((await machine.exec('sha256sum /root/fits')).output.split(' ')[0], sha256(fits));
    // An existing file that a failed write would replace stays as it was.
    await assert.rejects(machine.writeFile('/root/fits', data, { timeout: 300_000 }), {
      code: 'no-space',
    });
    assert.equal(sha256(await machine.readFile('/root/fits')), sha256(fits));
  });
});
