// Running the host commands an image build needs: checking that they are installed, running them
// with their output in a log, and reporting progress. Errors carry a code (BuildError).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export class BuildError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Whether `command` is installed (e2fsprogs' tools are in /usr/sbin, off a user's PATH on Debian). */
export function onPath(command) {
  return (
    spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v '${command}'`], {
      stdio: 'ignore',
    }).status === 0
  );
}

/**
 * Runs a command to completion; its output goes to `log` (or is returned with `capture`: its
 * stdout, or its stderr with `capture: 'stderr'`).
 */
export function run(command, args, { cwd, env, log, capture, input } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    input,
    maxBuffer: 256 * 2 ** 20,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const output = Buffer.concat([
    result.stdout ?? Buffer.alloc(0),
    result.stderr ?? Buffer.alloc(0),
  ]);
  if (log) writeFileSync(log, `$ ${command} ${args.join(' ')}\n${output}`, { flag: 'a' });
  if (result.error || result.status !== 0) {
    const tail = output.toString().trimEnd().split('\n').slice(-25).join('\n');
    throw new BuildError(
      'IMAGES-COMMAND',
      `'${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`})` +
        `${log ? `; full output in ${log}` : ''}:\n${tail}`,
    );
  }
  return capture === 'stderr' ? result.stderr : capture ? result.stdout : undefined;
}

/** Runs `action` (which may return a promise) between two progress lines. */
export function step(title, action) {
  const started = performance.now();
  process.stdout.write(`images: ${title}...\n`);
  const done = (result) => {
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`images: ${title}: done in ${seconds.toFixed(0)} s\n`);
    return result;
  };
  const result = action();
  return result instanceof Promise ? result.then(done) : done(result);
}

export const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export const packageVersion = (pkg) =>
  run('dpkg-query', ['-W', '-f=${Version}', pkg], { capture: true }).toString();
