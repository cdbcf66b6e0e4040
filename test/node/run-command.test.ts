// `linux-terminal run` as a user meets it: output and exit status, a clear error with a non-zero
// exit for every way a boot can go wrong, and files copied in and out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BlobServer } from './support/blob-server.js';
import { ownKernelAndInitrd, readBuiltImage } from './support/built-image.js';

const cli = fileURLToPath(new URL('../../bin/linux-terminal.js', import.meta.url));
const builtIn = readBuiltImage('busybox');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('prints the command output and exits with its status', () => {
  const result = run('--', 'echo hello from $(uname -m); exit 7');
  assert.equal(result.stdout, 'hello from riscv64\n');
  assert.equal(result.status, 7);
});

test('--stats reports boot time, instructions and MIPS on stderr', () => {
  const result = run('--stats', '--', 'true');
  assert.equal(result.status, 0);
  assert.match(
    result.stderr,
    /boot to prompt [\d.]+ s \([\d,]+ instructions\); total [\d.]+ s, [\d,]+ instructions, [\d.]+ MIPS/,
  );
});

test('--network fetch: the guest gets 10.0.2.15 by DHCP, booted cold; another network is refused', () => {
  const result = run(
    '--network',
    'fetch',
    '--stats',
    '--',
    'ip -4 addr show eth0 | grep -o "inet [0-9./]*"',
  );
  assert.equal(result.stdout, 'inet 10.0.2.15/24\n');
  assert.equal(result.status, 0);
  assert.match(
    result.stderr,
    /start: booted cold \(--network: the snapshot has no network device\)/,
  );
  const wisp = run('--network', 'wisp', '--', 'true');
  assert.equal(wisp.status, 2);
  assert.match(wisp.stderr, /--network takes 'fetch'/);
});

test('an unknown image name is a clear error', () => {
  const result = run('--image', 'no-such-image', '--', 'true');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /there is no built-in image 'no-such-image'/);
});

test('a corrupt blob is refused before it runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  cpSync(builtIn.dir, dir, { recursive: true });
  // Another content under the kernel's name: a well-formed gzip stream whose bytes hash wrong.
  const kernel = builtIn.blob(builtIn.manifest.kernel.sha256);
  kernel[kernel.length - 1] ^= 0xff;
  writeFileSync(join(dir, 'blobs', `${builtIn.manifest.kernel.sha256}.gz`), gzipSync(kernel));
  // Cold: a restore of the image's snapshot needs no kernel, and fetches none.
  const result = run('--image', join(dir, 'manifest.json'), '--cold', '--', 'true');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /is corrupt: its content hashes to [0-9a-f]{64}, not [0-9a-f]{64}/);
  assert.match(result.stderr, /\[chunk-hash-mismatch\]/);
});

test('a kernel that is not a RISC-V Linux Image is a clear error', () => {
  const result = run('--kernel', process.execPath, '--', 'true');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /not a RISC-V Linux Image/);
});

test('a kernel and initramfs of your own boot to their shell', () => {
  const { kernel, initrd } = ownKernelAndInitrd();
  const result = run('--kernel', kernel, '--initrd', initrd, '--', 'echo own $((6 * 7))');
  assert.equal(result.stdout, 'own 42\n');
  assert.equal(result.status, 0);
});

test('a kernel panic is reported with its message', () => {
  const append = 'console=ttyS0 root=/dev/vda rootfstype=ext2 init=/does/not/exist';
  const result = run('--append', append, '--', 'true');
  assert.equal(result.status, 3);
  assert.match(result.stderr, /the guest kernel panicked: Kernel panic - not syncing/);
});

test('a guest that never shows a prompt ends at the time limit', () => {
  // Everything after "--" on the kernel command line goes to init: here init just sleeps.
  const { kernel, initrd } = ownKernelAndInitrd();
  const append = 'console=ttyS0 rdinit=/bin/busybox -- sleep 1000';
  const result = run(
    '--kernel',
    kernel,
    '--initrd',
    initrd,
    '--append',
    append,
    '--timeout',
    '5',
    '--',
    'true',
  );
  assert.equal(result.status, 4);
  assert.match(result.stderr, /did not reach a shell prompt within 5 s/);
});

test('memory sizes out of range are refused', () => {
  for (const memory of ['8', '100000', 'lots']) {
    const result = run('--memory', memory, '--', 'true');
    assert.equal(result.status, 2, memory);
    assert.match(result.stderr, /--memory must be a whole number of MiB from 32 to 1920/);
  }
});

/** `linux-terminal run` in a child process that leaves this event loop free (for a server). */
function runAsync(...args: string[]) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'run', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise<{ status: number | null; stdout: string; stderr: string; seconds: number }>(
    (resolve) =>
      child.on('close', (status) => {
        clearTimeout(killer);
        resolve({ status, stdout, stderr, seconds: (performance.now() - started) / 1000 });
      }),
  );
}

test('a folder, a missing file or a URL it cannot read is named, with what to pass instead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'not-an-image-'));
  const cases: [string[], RegExp][] = [
    [
      ['--kernel', dir],
      /--kernel .* is a folder; pass the kernel Image file itself \[not-a-file\]/,
    ],
    [
      ['--kernel', join(dir, 'Image')],
      /--kernel .*Image: there is no such file.*\[file-not-found\]/,
    ],
    [
      ['--kernel', ownKernelAndInitrd().kernel, '--initrd', dir],
      /--initrd .* is a folder; pass the initramfs file itself \[not-a-file\]/,
    ],
    [['--image', dir], /--image .* is a folder with no manifest.json in it.*\[image-is-a-folder\]/],
    [
      ['--image', builtIn.dir],
      /is a folder; pass the image's manifest: --image .*dist\/manifest\.json \[image-is-a-folder\]/,
    ],
    [
      ['--image', 'ftp://example.com/manifest.json'],
      /ftp: URLs cannot be read; pass a built-in image name .* or an http\(s\):\/\/ URL \[url-unsupported\]/,
    ],
    [
      ['--image', join(dir, 'manifest.json')],
      /there is no such file; check the path to the image's manifest\.json.*\[file-not-found\]/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = run(...args, '--', 'true');
    assert.equal(result.status, 2, args.join(' '));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  }
  // A file: URL is its path.
  const viaUrl = run('--image', pathToFileURL(builtIn.manifestPath).href, '--', 'echo ok');
  assert.equal(viaUrl.stdout, 'ok\n');
});

test('--timeout bounds the loading of the image: a server that never answers for the kernel', async () => {
  const server = await BlobServer.start();
  try {
    server.put('manifest.json', JSON.stringify(builtIn.manifest));
    for (const blob of [builtIn.manifest.kernel.sha256])
      server.put(`blobs/${blob}.gz`, readFileSync(builtIn.blobPath(blob)));
    server.hold(`blobs/${builtIn.manifest.kernel.sha256}.gz`); // never released
    const result = await runAsync(
      '--image',
      server.url('manifest.json').href,
      '--cold', // a restore fetches no kernel
      '--timeout',
      '4',
      '--',
      'true',
    );
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /the image did not load within 4 s \(--timeout\).*allow longer with --timeout SECONDS \[network-timeout\]/,
    );
    // The process ends at the limit: no request left running behind the error.
    assert.ok(result.seconds < 10, `exited after ${result.seconds} s`);
  } finally {
    await server.close();
  }
});

test('--command-timeout stops the command, says so and how to allow longer; none is no limit', () => {
  const stopped = run('--command-timeout', '2', '--', 'echo started; sleep 30; echo never');
  assert.equal(stopped.status, 4);
  assert.equal(stopped.stdout, 'started\n');
  assert.match(
    stopped.stderr,
    /the command did not finish within 2 s and was stopped; allow longer with --command-timeout SECONDS \(or none\) \[command-timeout\]/,
  );
  const unlimited = run('--command-timeout', 'none', '--', 'sleep 1; echo done');
  assert.equal(unlimited.stdout, 'done\n');
  assert.equal(unlimited.status, 0);
  const bad = run('--command-timeout', 'soon', '--', 'true');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--command-timeout needs a positive number of seconds or none/);
});

test('--help states both time limits', () => {
  const help = spawnSync(process.execPath, [cli, 'run', '--help'], { encoding: 'utf8' });
  assert.match(
    help.stdout,
    /--timeout SECONDS +give up if the image has not loaded and the shell prompt/,
  );
  assert.match(
    help.stdout,
    /--command-timeout SECONDS\n +stop COMMAND after this long \(default 600\); none or 0: no limit/,
  );
});

/** The built-in image plus a disk /dev/vdb whose middle 64 KiB chunk's blob is missing. */
function imageWithMissingChunk(): { manifestPath: string; missing: string } {
  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  cpSync(builtIn.dir, dir, { recursive: true });
  // A second disk (/dev/vdb) whose middle chunk's blob is missing: the kernel reads only its
  // start at boot (zeros, no partition table); the command reads the missing chunk raw.
  const missing = 'ab'.repeat(32);
  // No snapshot: it was taken with one disk (a restore would fail and boot cold anyway).
  const manifest = {
    ...builtIn.manifest,
    snapshot: undefined,
    disks: [
      ...builtIn.manifest.disks,
      { size: 3 * 65536, chunkSize: 65536, chunks: [null, missing, null] },
    ],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { manifestPath: join(dir, 'manifest.json'), missing };
}

test('a disk read that fails after the prompt is reported with its code, and the command goes on', () => {
  const { manifestPath, missing } = imageWithMissingChunk();
  const result = run(
    '--image',
    manifestPath,
    '--',
    'echo before; dd if=/dev/vdb bs=65536 skip=1 count=1 2>/dev/null | wc -c; echo after; exit 5',
  );
  assert.equal(result.status, 5, result.stderr);
  assert.match(result.stdout, /^before\n[^]*\n0\nafter\n$/);
  assert.match(
    result.stderr,
    new RegExp(`${missing}\\.gz does not exist \\(HTTP 404\\).*goes on \\[chunk-not-found\\]`),
  );
  assert.equal(result.stderr.match(/\[chunk-not-found\]/g)?.length, 1, 'said once');
});

test('in the shell, a failed disk read is reported and the session goes on', async () => {
  const { manifestPath } = imageWithMissingChunk();
  const child = spawn(process.execPath, [cli, 'shell', '--image', manifestPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const seen = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${text}' in ${stdout}`)), 60_000);
      const look = () => {
        if (!stdout.includes(text)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', look);
      look();
    });
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await seen('# ');
    child.stdin.write(
      'dd if=/dev/vdb bs=65536 skip=1 count=1 2>/dev/null | wc -c; echo after-$((6*7))\n',
    );
    await seen('after-42');
    child.stdin.write('\x01x'); // Ctrl-A X quits, even with stdin still open
    const quit = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref()),
    ]);
    assert.equal(quit, 0, stderr);
    assert.match(
      stderr,
      /does not exist \(HTTP 404\); the guest saw a disk read error \[chunk-not-found\]/,
    );
  } finally {
    child.kill('SIGKILL');
  }
});

test('a machine that dies after disk errors names the first of them as the likely cause', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  cpSync(builtIn.dir, dir, { recursive: true });
  // Chunk 0 of the root disk holds the superblock: without it the root cannot be mounted.
  const chunk = builtIn.manifest.disks[0].chunks[0]!;
  rmSync(join(dir, 'blobs', `${chunk}.gz`));
  // Cold: a restore of the image's snapshot would not read the superblock again.
  const result = run('--image', join(dir, 'manifest.json'), '--cold', '--', 'true');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /\[chunk-not-found\]\n/);
  assert.match(
    result.stderr,
    /this followed the disk error above \[chunk-not-found\], its likely cause/,
  );
});

test('a restore fetches no kernel; if it fails, the cold boot fetches it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  cpSync(builtIn.dir, dir, { recursive: true });
  const kernelBlob = join(dir, 'blobs', `${builtIn.manifest.kernel.sha256}.gz`);
  const kernel = readFileSync(kernelBlob);
  rmSync(kernelBlob);
  const restored = run('--image', join(dir, 'manifest.json'), '--', 'echo restored');
  assert.equal(restored.stdout, 'restored\n', restored.stderr);
  assert.equal(restored.status, 0);
  // A snapshot whose state blob is gone: the run says so and boots cold, with the kernel.
  writeFileSync(kernelBlob, kernel);
  rmSync(join(dir, 'blobs', `${builtIn.manifest.snapshot!.state.sha256}.gz`));
  const cold = run('--image', join(dir, 'manifest.json'), '--', 'echo cold');
  assert.equal(cold.stdout, 'cold\n', cold.stderr);
  assert.equal(cold.status, 0);
  assert.match(
    cold.stderr,
    /could not be restored, so the machine boots cold instead: .* \[chunk-not-found\]/,
  );
});

test('--copy-in puts files in the guest before the command, --copy-out brings them back after', () => {
  const dir = mkdtempSync(join(tmpdir(), 'copy-'));
  try {
    const data = randomBytes(300_000);
    writeFileSync(join(dir, 'in.bin'), data);
    const result = run(
      '--copy-in',
      `${join(dir, 'in.bin')}:/root/`,
      '--copy-in',
      `${join(dir, 'in.bin')}:second.bin`,
      '--copy-out',
      `/root/out.bin:${join(dir, 'back.bin')}`,
      '--copy-out',
      `second.bin:${dir}`,
      '--',
      'sha256sum in.bin second.bin | cut -c1-64; cp in.bin out.bin; exit 5',
    );
    // Copied out even though the command failed.
    assert.equal(result.status, 5, result.stderr);
    const digest = createHash('sha256').update(data).digest('hex');
    assert.equal(result.stdout, `${digest}\n${digest}\n`);
    assert.deepEqual(readFileSync(join(dir, 'back.bin')), data);
    assert.deepEqual(readFileSync(join(dir, 'second.bin')), data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be copied is status 2 with its code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'copy-'));
  try {
    // A missing host file: said before the machine starts, and the command does not run.
    const missing = run('--copy-in', `${join(dir, 'nope.txt')}:/root/`, '--', 'echo ran');
    assert.equal(missing.status, 2);
    assert.equal(missing.stdout, '');
    assert.match(
      missing.stderr,
      /--copy-in .*nope\.txt:\/root\/: there is no file .*nope\.txt on this computer; check the path \[file-not-found\]/,
    );
    // A guest folder that does not exist: the command does not run either.
    writeFileSync(join(dir, 'in.txt'), 'x');
    const noFolder = run('--copy-in', `${join(dir, 'in.txt')}:/root/no/in.txt`, '--', 'echo ran');
    assert.equal(noFolder.status, 2);
    assert.equal(noFolder.stdout, '');
    assert.match(
      noFolder.stderr,
      /The folder \/root\/no does not exist in the guest; create it first .* \[file-not-found\]/,
    );
    // A guest file that is not there: the command ran, the copy is said, and the status is 2.
    const notThere = run('--copy-out', `/root/nope:${dir}`, '--', 'echo ran');
    assert.equal(notThere.status, 2);
    assert.equal(notThere.stdout, 'ran\n');
    assert.match(
      notThere.stderr,
      /--copy-out \/root\/nope:.*: \/root\/nope does not exist in the guest.* \[file-not-found\]/,
    );
    // Half a spec is a bad option.
    const half = run('--copy-in', 'justone', '--', 'true');
    assert.equal(half.status, 2);
    assert.match(half.stderr, /--copy-in justone: give HOST:GUEST.* \[bad-option\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
