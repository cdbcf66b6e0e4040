// `image build --snapshot`: boots a built image headless as a page's terminal would (the same
// kernel command line), waits for its shell prompt, runs the warm-up commands through the
// image's agent (so the page cache holds what readers use first), waits until the guest is idle,
// and stores the snapshot in the image. Then it restores that snapshot once and records the RAM
// chunks the guest touched on its way back to the prompt, in order: the working set a reader's
// restore prefetches. Node only.
import { terminalCmdline } from '../../engine/board/console-cmdline.js';
import { type ImageRequest, loadBootImage } from '../../engine/node/images.js';
import { SHELL_PROMPT } from '../../engine/console-session.js';
import { MachineThread, type ThreadEvent } from '../../engine/node/machine-thread.js';
import { GuestShell } from '../../engine/node/guest-shell.js';
import { MAX_HOT_CODE, type SnapshotManifest } from '../../engine/snapshot/snapshot-manifest.js';
import { sha256Hex } from '../../engine/image/blob-fetcher.js';
import { PAGE_SIZE } from '../../engine/page-map.js';
import { ImageBuildError } from './image-build-error.js';
import { addSnapshotToImage } from './snapshot-files.js';

export interface ImageSnapshotOptions {
  /** Commands run (through the agent, one after another) before the snapshot is taken. */
  warm?: string[];
  /** How long booting, warming and restoring may take in all (ms). */
  timeoutMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** How long the guest must have been idle before its snapshot is taken. */
const IDLE_MS = 1000;
/** After the prompt of a restore, how long its working set goes on being recorded. */
const RECORD_AFTER_PROMPT_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves with the 'booted' event once the console shows a shell prompt. Nothing is typed: the
 * shell is left exactly as a reader's terminal finds it (a headless session would turn echo off).
 */
function prompt(
  thread: MachineThread,
  timeoutMs: number,
): Promise<Extract<ThreadEvent, { type: 'booted' }>> {
  return new Promise((resolve, reject) => {
    const decoder = new TextDecoder();
    let tail = '';
    let booted: Extract<ThreadEvent, { type: 'booted' }> | undefined;
    let failure: Extract<ThreadEvent, { type: 'restore-failed' }> | undefined;
    const timer = setTimeout(
      () =>
        done(
          new ImageBuildError(
            'snapshot-no-prompt',
            `no shell prompt within ${Math.round(timeoutMs / 1000)} s`,
          ),
        ),
      timeoutMs,
    );
    const off = thread.on((event) => {
      if (event.type === 'booted') booted = event;
      else if (event.type === 'restore-failed') failure = event;
      else if (event.type === 'output') {
        tail = (tail + decoder.decode(event.data, { stream: true })).slice(-256);
        if (SHELL_PROMPT.test(tail) && booted) done();
      } else if (event.type === 'exit' || event.type === 'error')
        done(
          new ImageBuildError(
            'snapshot-no-prompt',
            `the guest stopped before its prompt (${JSON.stringify(event).slice(0, 200)})`,
          ),
        );
    });
    function done(error?: Error) {
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else if (failure)
        reject(
          new ImageBuildError('snapshot-not-restored', `${failure.message} [${failure.code}]`),
        );
      else resolve(booted!);
    }
  });
}

async function waitIdle(thread: MachineThread, deadline: number): Promise<void> {
  for (;;) {
    const { idleMs } = await thread.status();
    if (idleMs >= IDLE_MS) return;
    if (performance.now() > deadline)
      throw new ImageBuildError('snapshot-not-idle', 'the guest did not settle (it kept running)');
    await sleep(Math.max(50, IDLE_MS - idleMs));
  }
}

/** A snapshot just taken, its blobs, and the image it was taken on. */
export interface ColdSnapshot {
  snapshot: SnapshotManifest;
  blobs: Map<string, Uint8Array>;
  /** The image's name (its manifest's), for a snapshot.json. */
  imageName: string;
}

/**
 * Boots the image of `request` cold with a page terminal's command line, waits for its prompt,
 * runs lt-resume once and the warm-up commands, waits until the guest is idle, and saves it.
 * `deadline` is a performance.now() time.
 */
export async function snapshotColdBoot(
  request: ImageRequest,
  options: ImageSnapshotOptions,
  deadline: number,
): Promise<ColdSnapshot> {
  const log = options.log ?? (() => {});
  const left = () => Math.max(1, deadline - performance.now());
  const image = await loadBootImage({ ...request, cold: true });
  const booted = new MachineThread({ ...image, cmdline: terminalCmdline(image.cmdline) });
  try {
    await prompt(booted, left());
    log('snapshot: at the prompt');
    // lt-resume runs once before the snapshot, so that its pages are in the guest's page cache.
    const now = Date.now();
    for (const command of [
      `PATH=/sbin:/usr/sbin:/usr/local/sbin:$PATH lt-resume ${Math.floor(now / 1000)} 0 ${'00'.repeat(32)} || true`,
      ...(options.warm ?? []),
    ]) {
      const result = await booted.exec(command, { timeout: left() }).catch((error: Error) => {
        throw new ImageBuildError(
          'snapshot-warm-up-failed',
          `the warm-up command '${command}' did not finish: ${error.message}`,
        );
      });
      if (result.exitCode !== 0)
        throw new ImageBuildError(
          'snapshot-warm-up-failed',
          `the warm-up command '${command}' failed (${result.exitCode}): ${result.output}`,
        );
    }
    await waitIdle(booted, deadline);
    const taken = await booted.save().catch((error: Error & { code?: string }) => {
      throw new ImageBuildError(
        'snapshot-not-restored',
        `the machine could not be saved: ${error.message} [${error.code}]`,
      );
    });
    return { ...taken, imageName: image.image?.name ?? 'image' };
  } finally {
    await booted.terminate();
  }
}

/** What a restore touches first: RAM chunks and, finer, pages, each in the order first touched. */
export interface WorkingSet {
  chunks: number[];
  pages: number[];
  /** The pages the warm-up commands touched beyond `pages`, in that order. */
  warmPages: number[];
  /** Where the code hot by then starts (RAM offsets): the snapshot's hotCode. */
  hotCode: number[];
}

/**
 * Restores the snapshot that `request` names (the image's own, or a folder's with `state`),
 * recording page by page, and returns what the guest touched until its prompt, a moment after,
 * and through a reader's first moves (a line typed at the prompt that runs a program, an exec()):
 * the pages a reader's restore has before it runs. Then the warm-up commands run again: their
 * chunks join the working set's, and their pages make the warm pack, which a restore fetches while
 * the reader looks at the prompt. The shell's fork and exec paths, the agent's, and the page cache
 * and code the warm-up warmed are in RAM pages a restore would otherwise fetch chunk by chunk on
 * demand (busybox's first typed command: 44 chunks of 64 KiB for a few pages of each).
 */
export async function recordWorkingSet(
  request: ImageRequest,
  deadline: number,
  warm: string[] = [],
): Promise<WorkingSet> {
  const restoring = await loadBootImage(request);
  const shell = new GuestShell(restoring, { recordPages: true });
  const restored = shell.thread;
  try {
    const left = Math.max(1, deadline - performance.now());
    const { restored: fromSnapshot } = await prompt(restored, left).catch((error: Error) => {
      throw new ImageBuildError(
        'snapshot-not-restored',
        `the snapshot just taken does not restore: ${error.message}`,
      );
    });
    if (!fromSnapshot)
      throw new ImageBuildError(
        'snapshot-not-restored',
        'the snapshot just taken was not restored',
      );
    await sleep(RECORD_AFTER_PROMPT_MS);
    const timeout = () => Math.max(1, deadline - performance.now());
    // What a headless session types first (stty), and a command run through the shell and
    // through the agent: every session does as much, so these pages go in the first pack (in
    // the warm pack, a reader's first command would wait for all of Python's pages).
    await shell.ready(timeout());
    await shell.exec('true', { timeoutMs: timeout() });
    await restored.exec('true', { timeout: timeout() });
    const { touchedPages } = await restored.status();
    for (const command of warm) await restored.exec(command, { timeout: timeout() });
    const after = await restored.status();
    return {
      chunks: after.touched,
      pages: touchedPages,
      warmPages: after.touchedPages.slice(touchedPages.length),
      // What a reader's first moves and the warm-up made hot, and only that (the machine the
      // snapshot was taken on had translated its boot too): a restore translates it at once.
      hotCode: after.hotCode,
    };
  } finally {
    await restored.terminate();
  }
}

/**
 * `snapshot` with its working set, the working set's pages again as one blob (added to `blobs`),
 * which a restore fetches first, in one request, before the guest runs, and the warm-up's pages
 * as another, which it fetches next.
 */
export async function withWorkingSet(
  snapshot: SnapshotManifest,
  blobs: Map<string, Uint8Array>,
  workingSet: WorkingSet,
): Promise<SnapshotManifest> {
  const { chunkSize, chunks } = snapshot.ram;
  const packOf = async (pages: number[]) => {
    const pack = new Uint8Array(pages.length * PAGE_SIZE);
    pages.forEach((page, i) => {
      const chunk = blobs.get(chunks[Math.floor((page * PAGE_SIZE) / chunkSize)]!)!;
      const at = (page * PAGE_SIZE) % chunkSize;
      pack.set(chunk.subarray(at, at + PAGE_SIZE), i * PAGE_SIZE);
    });
    const sha256 = await sha256Hex(pack);
    blobs.set(sha256, pack);
    return { size: pack.length, sha256 };
  };
  const withPack: SnapshotManifest = {
    ...snapshot,
    hotCode: workingSet.hotCode.slice(0, MAX_HOT_CODE),
    workingSet: workingSet.chunks,
    workingSetPages: workingSet.pages,
    workingSetPack: await packOf(workingSet.pages),
  };
  if (withPack.hotCode!.length === 0) delete withPack.hotCode;
  if (workingSet.warmPages.length === 0) return withPack;
  return {
    ...withPack,
    warmPages: workingSet.warmPages,
    warmPack: await packOf(workingSet.warmPages),
  };
}

/** Adds a snapshot to the image at `manifestPath` (rewritten as version 2); returns it. */
export async function snapshotImage(
  manifestPath: string,
  options: ImageSnapshotOptions = {},
): Promise<SnapshotManifest> {
  const log = options.log ?? (() => {});
  const deadline = performance.now() + (options.timeoutMs ?? 600_000);
  const taken = await snapshotColdBoot({ image: manifestPath }, options, deadline);
  await addSnapshotToImage(manifestPath, taken.snapshot, taken.blobs);
  log(`snapshot: ${taken.snapshot.ram.chunks.filter(Boolean).length} RAM chunks stored`);

  const workingSet = await recordWorkingSet({ image: manifestPath }, deadline, options.warm);
  const snapshot = await withWorkingSet(taken.snapshot, taken.blobs, workingSet);
  await addSnapshotToImage(manifestPath, snapshot, taken.blobs);
  log(
    `snapshot: working set of ${workingSet.chunks.length} RAM chunks, ${workingSet.pages.length} pages packed`,
  );
  return snapshot;
}
