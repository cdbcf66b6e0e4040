// How `run` and `shell` say the machine started: restored from a snapshot (the image's, or a
// folder's given with --state), or booted cold, and why. A snapshot that cannot be restored is
// not fatal for the image's own (the worker boots cold instead, and the CLI says so once), but
// it is for --state: the user asked for that machine, and a fresh one is not it.
import type { LoadedBootImage } from '../engine/node/images.js';
import type { MachineThread } from '../engine/node/machine-thread.js';

export interface MachineStart {
  restored: boolean;
  /** Why the snapshot could not be restored: the machine boots cold instead. */
  failure?: { code: string; message: string };
}

/**
 * Resolves at the thread's 'booted' event (the machine exists and runs), which comes after its
 * 'restore-failed' if any; undefined if the machine failed or stopped first, or after
 * `timeoutMs` (the caller's own wait for the prompt then reports it).
 */
export function machineStart(
  thread: MachineThread,
  timeoutMs: number,
): Promise<MachineStart | undefined> {
  return new Promise((resolve) => {
    let failure: MachineStart['failure'];
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const off = thread.on((event) => {
      if (event.type === 'restore-failed') failure = { code: event.code, message: event.message };
      else if (event.type === 'booted') done({ restored: event.restored, failure });
      else if (event.type === 'error' || event.type === 'exit') done(undefined);
    });
    function done(start: MachineStart | undefined) {
      clearTimeout(timer);
      off();
      resolve(start);
    }
  });
}

/**
 * What to say (one line, with its code) about a snapshot that could not be restored, and whether
 * that ends the command: it does when the snapshot was the one --state `state` asked for.
 */
export function restoreFailure(
  command: string,
  failure: NonNullable<MachineStart['failure']>,
  state: string | undefined,
): { line: string; fatal: boolean } {
  const { code, message } = failure;
  return state === undefined
    ? {
        line: `linux-terminal ${command}: the image's snapshot could not be restored, so the machine boots cold instead: ${message} [${code}]`,
        fatal: false,
      }
    : {
        line: `linux-terminal ${command}: the snapshot in ${state} could not be restored: ${message} [${code}]`,
        fatal: true,
      };
}

/** Why the image's snapshot is not used, said once when the user's options are the cause. */
export function reportSnapshotSkipped(command: string, image: LoadedBootImage): void {
  const option =
    image.snapshotSkipped === 'memory'
      ? ['--memory', 'memory size']
      : image.snapshotSkipped === 'append'
        ? ['--append', 'kernel command line']
        : undefined;
  if (!option) return;
  console.error(
    `linux-terminal ${command}: the image's snapshot has its own ${option[1]}, so ${option[0]} boots the kernel instead (cold); drop ${option[0]} to start from the snapshot`,
  );
}

/** One phrase for --stats: how the machine started. */
export function describeStart(
  image: LoadedBootImage,
  start: MachineStart | undefined,
  state: string | undefined,
): string {
  if (start?.restored)
    return state === undefined
      ? "restored from the image's snapshot"
      : `restored from the snapshot in ${state}`;
  if (start?.failure)
    return `booted cold: the snapshot could not be restored [${start.failure.code}]`;
  switch (image.snapshotSkipped) {
    case 'cold':
      return 'booted cold (--cold)';
    case 'memory':
      return 'booted cold (--memory: the snapshot has its own)';
    case 'append':
      return 'booted cold (--append: the snapshot has its own)';
    case 'network':
      return 'booted cold (--network: the snapshot has no network device)';
  }
  return image.image ? 'booted cold (the image has no snapshot)' : 'booted cold (--kernel)';
}
