// Booting a built image in Debian's QEMU (qemu-system-riscv64 -M virt, OpenSBI as firmware) and
// driving its shell over the serial console, to check an image apart from this project's engine.
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { BuildError } from './commands.mjs';

const { unpackImage } = await tsImport('../../src/images/builder/unpack-image.ts', import.meta.url);
const { qemuVirtArgs } = await tsImport(
  '../../src/images/builder/qemu-command.ts',
  import.meta.url,
);

/** Collects a child's output and waits for patterns in it, like expect(1). */
export class Transcript {
  constructor(child, logPath) {
    this.text = '';
    this.mark = 0; // patterns are looked for after the end of the previous match
    this.waiters = new Set();
    this.log = createWriteStream(logPath);
    const take = (chunk) => {
      this.text += chunk.toString('latin1');
      this.log.write(chunk);
      for (const waiter of this.waiters) waiter();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
  }

  /** Resolves with the match of `pattern` in what arrives after the last match. */
  expect(pattern, seconds, what) {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const match = pattern.exec(this.text.slice(this.mark));
        if (!match) return false;
        this.mark += match.index + match[0].length;
        finish();
        resolvePromise(match);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const tail = this.text.slice(-600);
        reject(
          new BuildError('IMAGES-QEMU', `no ${what} within ${seconds} s; last output:\n${tail}`),
        );
      }, seconds * 1000);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }
}

/**
 * Boots the image in `out` in QEMU with console `tty`, its disks as virtio block devices, and
 * drives a shell session; returns seconds to the prompt, and those that each of the `timed`
 * commands took (wall clock, from Enter to the next prompt).
 */
export async function bootInQemu({ out, tty, work, timed = [] }) {
  // QEMU boots files: the kernel, initramfs and disks put back together from the blobs.
  const files = join(work, 'qemu');
  rmSync(files, { recursive: true, force: true });
  const image = unpackImage(join(out, 'manifest.json'), files);
  const cmdline = image.manifest.cmdline.replace(/\bconsole=\S+/, `console=${tty}`);
  const args = qemuVirtArgs(image, cmdline);
  const started = performance.now();
  const qemu = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolveExit) =>
    qemu.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const session = new Transcript(qemu, join(work, `qemu-${tty}.log`));
  const prompt = /root@linux-terminal:[^\r\n]*# $/;
  const type = (text) => qemu.stdin.write(text);
  try {
    await session.expect(prompt, 120, 'shell prompt');
    const bootSeconds = (performance.now() - started) / 1000;
    type('uname -a; ls /; echo $((6*7))\r');
    // OpenSBI's console (hvc0) turns every \n into \r\n itself, so lines may end in \r\r\n.
    await session.expect(/\n42\r*\n/, 30, 'answer 42');
    await session.expect(prompt, 30, 'prompt after a command');
    const timings = [];
    for (const command of timed) {
      const typed = performance.now();
      type(`${command}\r`);
      await session.expect(prompt, 120, `prompt after ${command}`);
      timings.push([command, (performance.now() - typed) / 1000]);
    }
    type('sleep 100\r');
    await session.expect(/sleep 100\r*\n/, 30, 'echo of sleep 100');
    await new Promise((r) => setTimeout(r, 1000));
    type('\x03');
    await session.expect(prompt, 10, 'prompt after Ctrl-C on sleep 100');
    type('poweroff\r');
    let timer;
    const result = await Promise.race([
      exited,
      new Promise((r) => (timer = setTimeout(() => r(undefined), 30_000))),
    ]);
    clearTimeout(timer);
    if (!result) throw new BuildError('IMAGES-QEMU', 'QEMU did not exit within 30 s of poweroff');
    if (result.code !== 0)
      throw new BuildError('IMAGES-QEMU', `QEMU exited with ${result.code ?? result.signal}`);
    return { cmdline, bootSeconds, timings, transcript: session.text };
  } finally {
    qemu.kill();
    session.log.end();
    rmSync(files, { recursive: true, force: true });
  }
}
