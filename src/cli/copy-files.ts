// `run --copy-in HOST:GUEST` and `--copy-out GUEST:HOST`: files between the host and the guest,
// through the guest's agent (engine/guest-files.ts), not its shell. Every path is checked before
// the machine starts, so a missing file ends the run at once and names itself.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_FILE_BYTES, defaultFileTimeout, formatBytes } from '../engine/guest-files.js';
import type { MachineThread } from '../engine/node/machine-thread.js';

/** A copy the user asked for, its paths resolved: `spec` is how it was given. */
export interface FileCopy {
  option: '--copy-in' | '--copy-out';
  spec: string;
  host: string;
  guest: string;
}

export class CopyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CopyError';
  }
}

/**
 * The copies of `--copy-in` (HOST:GUEST) and `--copy-out` (GUEST:HOST), checked: the guest's path
 * is the side without a colon (a host path may have one), a guest path ending in / gets the host
 * file's name, and a host folder the guest file's. Throws a CopyError naming the first that
 * cannot be done.
 */
export function parseCopies(copyIn: string[] = [], copyOut: string[] = []): FileCopy[] {
  const copies: FileCopy[] = [];
  for (const spec of copyIn) {
    const at = spec.lastIndexOf(':');
    const host = spec.slice(0, at);
    let guest = spec.slice(at + 1);
    if (at <= 0 || guest === '') throw badSpec('--copy-in', spec, 'HOST:GUEST');
    const stat = statSync(host, { throwIfNoEntry: false });
    if (!stat)
      throw new CopyError(
        'file-not-found',
        `--copy-in ${spec}: there is no file ${host} on this computer; check the path`,
      );
    if (!stat.isFile())
      throw new CopyError(
        'not-a-file',
        `--copy-in ${spec}: ${host} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; copy files one by one (or a tar of the folder)`,
      );
    if (stat.size > MAX_FILE_BYTES)
      throw new CopyError(
        'file-too-large',
        `--copy-in ${spec}: ${host} is ${formatBytes(stat.size)}, more than the ${formatBytes(MAX_FILE_BYTES)} one copy carries; split it`,
      );
    if (guest.endsWith('/')) guest += basename(host);
    copies.push({ option: '--copy-in', spec, host, guest });
  }
  for (const spec of copyOut) {
    const at = spec.indexOf(':');
    const guest = spec.slice(0, at);
    let host = spec.slice(at + 1);
    if (at <= 0 || host === '' || guest.endsWith('/'))
      throw badSpec('--copy-out', spec, 'GUEST:HOST (GUEST a file)');
    if (host.endsWith('/') || statSync(host, { throwIfNoEntry: false })?.isDirectory())
      host = join(host, basename(guest));
    const folder = dirname(resolve(host));
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
      throw new CopyError(
        'file-not-found',
        `--copy-out ${spec}: there is no folder ${folder} on this computer to copy into; create it first`,
      );
    copies.push({ option: '--copy-out', spec, host, guest });
  }
  return copies;
}

function badSpec(option: string, spec: string, form: string): CopyError {
  return new CopyError(
    'bad-option',
    `${option} ${spec}: give ${form}, for example ${option === '--copy-in' ? 'data.csv:/root/data.csv' : '/root/out.txt:out.txt'}`,
  );
}

/** Copies one file into the guest, whole or not at all; throws a CopyError. */
export async function copyIn(thread: MachineThread, copy: FileCopy): Promise<void> {
  let data: Uint8Array;
  try {
    data = readFileSync(copy.host);
  } catch (error) {
    throw new CopyError(
      'file-error',
      `${copy.option} ${copy.spec}: ${copy.host} could not be read (${(error as Error).message})`,
    );
  }
  await transfer(copy, () =>
    thread.writeFile(copy.guest, data, { timeout: defaultFileTimeout(data.length) }),
  );
}

/** Copies one file out of the guest; throws a CopyError. */
export async function copyOut(thread: MachineThread, copy: FileCopy): Promise<void> {
  const data = await transfer(copy, () =>
    thread.readFile(copy.guest, { timeout: defaultFileTimeout() }),
  );
  try {
    writeFileSync(copy.host, data);
  } catch (error) {
    throw new CopyError(
      'file-error',
      `${copy.option} ${copy.spec}: ${copy.host} could not be written (${(error as Error).message})`,
    );
  }
}

/** The guest's side of a copy, its failure named after the copy. */
async function transfer<T>(copy: FileCopy, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { code = 'file-error', message } = error as Error & { code?: string };
    throw new CopyError(code, `${copy.option} ${copy.spec}: ${message}`);
  }
}
