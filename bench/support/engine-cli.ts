// The engine as a user starts it: the `linux-terminal` command in a process of its own, so that
// its figures have the same start (process launch) and end (process exit, or the same prompt) as
// QEMU's. That is the bundled command (bin/linux-terminal.js, dist/cli.js) when `npm run build`
// made it after the last change to the sources, else the sources through tsx, whose compiling
// adds to the start-up: `startupSeconds` measures what the start alone costs, to print beside.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface EngineCli {
  /** The program and the arguments before the subcommand's. */
  command: string;
  args: string[];
  /** Which build of the command this is, for the report. */
  label: string;
}

/** The newest modification time of the engine's and the CLI's code (.ts, and the hart's .wasm). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist') newest = Math.max(newest, newestSource(path));
    } else if (/\.(ts|wasm)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function engineCli(): EngineCli {
  const bundle = join(root, 'dist', 'cli.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(join(root, 'src')))
    return {
      command: process.execPath,
      args: [join(root, 'bin', 'linux-terminal.js')],
      label: 'bin/linux-terminal.js (the bundle, dist/cli.js)',
    };
  const main = JSON.stringify(join(root, 'src', 'cli', 'main.ts'));
  // `node -e SCRIPT A B` gives the script process.argv [node, A, B].
  const script = `import(${main}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;
  return {
    command: process.execPath,
    args: ['--import', 'tsx', '-e', script],
    label: 'the sources through tsx (dist/cli.js is missing or older than src/: npm run build)',
  };
}

/** Whether `linux-terminal SUBCOMMAND --help` lists `option` (e.g. --no-jit). */
export function cliSupports(cli: EngineCli, subcommand: string, option: string): boolean {
  const help = spawnSync(cli.command, [...cli.args, subcommand, '--help'], { encoding: 'utf8' });
  return new RegExp(`${option}\\b`).test(help.stdout ?? '');
}

/** Median wall seconds of `linux-terminal version`: the command's start-up and exit alone. */
export function startupSeconds(cli: EngineCli, runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(cli.command, [...cli.args, 'version'], { stdio: 'ignore' });
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}
