/// <reference lib="webworker" />
// The engine's Worker entry: fetches and verifies the image, restores its snapshot (or the page's
// saved state) or boots the virt board, and runs it, relaying console output out and keystrokes
// in; saves the running machine as a bundle on request. The main thread never runs the emulator.
import { terminalCmdline } from './board/console-cmdline.js';
import { CommandError } from './command-channel.js';
import { toBase64 } from './base64.js';
import { hartWasmUrl } from './hart.js';
import { SHELL_PROMPT } from './console-session.js';
import { writeCpio } from './cpio.js';
import { BlobFetcher } from './image/blob-fetcher.js';
import { fetchManifest, loadManifestImage, manifestDisks } from './image/load-image.js';
import type { ImageManifest } from './image/manifest.js';
import { CodegenClient, type Codegen, type CodegenReply } from './jit/codegen.js';
import { FileRequests } from './file-requests.js';
import { MachineHost, hostFailure } from './machine-host.js';
import {
  type EngineErrorCode,
  type EngineMessage,
  type HostMessage,
  OUTPUT_WINDOW,
} from './protocol.js';
import { Persistence, SCREEN_TIMEOUT_MS, type SessionStart } from './persist/persistence.js';
import { lockSession } from './persist/session-lock.js';
import { openSessionStore } from './persist/session-store.js';
import type { ChunkSource } from './snapshot/lazy-ram.js';
import { packSnapshot, unpackSnapshot } from './snapshot/snapshot-bundle.js';
import type { SnapshotManifest } from './snapshot/snapshot-manifest.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from './snapshot/snapshot-file.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const encoder = new TextEncoder();
let size = { cols: 80, rows: 24 };
/** Console output goes to `onOutput`, set by boot() (it watches for prompts). */
let onOutput: (bytes: Uint8Array) => void = () => {};
// exec() calls wait in the host's command channel until the guest's agent says it is ready, so
// one sent before the machine exists is not lost.
const host = new MachineHost(
  new BlobFetcher(),
  {
    output: (bytes) => onOutput(bytes),
    diskError: (code, message) => fail(code, message, false),
    execResult: (id, { exitCode, output, truncated }) => {
      persistence?.activity();
      post({ type: 'exec-result', id, exitCode, output, truncated });
    },
    execError: (id, code, message) => post({ type: 'exec-error', id, code, message }),
    warning: (code, message) => fail(code, message, false),
  },
  startCodegen,
);

/**
 * The codegen thread (jit/codegen.ts), a Worker of this Worker. Until it has loaded, requests
 * wait in its message queue; if it fails, the translator writes its code here.
 */
function startCodegen(): Codegen {
  const worker = new Worker(new URL('./jit/codegen-worker.js', import.meta.url), {
    type: 'module',
    name: 'linux-terminal codegen',
  });
  const client = new CodegenClient((request) => worker.postMessage(request));
  worker.onmessage = (event: MessageEvent<CodegenReply | { loaded: string[] }>) => {
    if ('loaded' in event.data) post({ type: 'loaded', urls: event.data.loaded });
    else client.receive(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    client.fail(new Error(event.message || 'the codegen worker failed'));
  };
  return client;
}
const commands = host.commands;
/** writeFile() and readFile(): the bytes cross to and from the page transferred, not copied. */
const files = new FileRequests(host, (answer, transfer) => scope.postMessage(answer, transfer));
/** Whether the machine runs (created, and not stopped yet): what a save needs. */
let running = false;
/** After a restore: whether lt-resume has renewed the guest (typed input waits for it). */
let resumeDone = false;
/** The image's name: the label of a saved bundle. */
let imageName = '';

function post(message: EngineMessage): void {
  scope.postMessage(message);
}

/** Output characters posted and not yet drawn by the screen (see OUTPUT_WINDOW). */
let undrawn = 0;

function postOutput(data: string): void {
  post({ type: 'output', data });
  undrawn += data.length;
  if (undrawn > OUTPUT_WINDOW) host.machine?.hold();
}

// What this Worker loaded (its script, the chunks it imports, the hart), for the service worker
// to keep when the page was not under its control yet.
post({
  type: 'loaded',
  urls: [
    scope.location.href,
    hartWasmUrl.href,
    ...performance.getEntriesByType('resource').map((entry) => entry.name),
  ],
});

/** Reports an error; `fatal` when the machine is gone or never started. */
function fail(code: EngineErrorCode, message: string, fatal = true): void {
  post({ type: 'error', code, message, fatal });
}

/** How long placing one page file may take before it is reported and the boot goes on. */
const FILE_TIMEOUT_MS = 60_000;

/** Writes the page's files into the guest through its agent. */
async function writeFiles(files: { path: string; mode: number; content: string }[]) {
  for (const file of files) {
    const quoted = `'${file.path.replace(/'/g, `'\\''`)}'`;
    const data = toBase64(encoder.encode(file.content));
    // A refused command (command-too-large) is reported like a failed one; the next file goes on.
    const { exitCode, output } = await commands
      .run(
        `mkdir -p "$(dirname ${quoted})" && echo ${data} | base64 -d > ${quoted} && chmod ${file.mode.toString(8)} ${quoted}`,
        // `ready` waits for the files: an agent that never answers must not hold it for ever.
        { signal: AbortSignal.timeout(FILE_TIMEOUT_MS) },
      )
      .catch((error: Error) => ({ exitCode: -1, output: error.message }));
    if (exitCode !== 0)
      fail('internal', `The file ${file.path} could not be placed in the guest: ${output}`, false);
  }
}

type BootMessage = Extract<HostMessage, { type: 'boot' }>;

/**
 * Creates the machine from a snapshot, if there is one to restore: the page's bundle (`state`),
 * else the image's own unless the page asked for a cold boot or another memory size (a snapshot
 * is of one size). Returns whether it did. A snapshot that cannot be restored is reported (not
 * fatal) and nothing of it runs: host.restore() throws before the machine exists.
 */
async function restore(
  message: BootMessage,
  manifest: ImageManifest,
  manifestUrl: URL,
): Promise<boolean> {
  const { snapshot } = manifest;
  const fromImage =
    snapshot &&
    message.boot !== 'cold' &&
    // The image's snapshot has no network device: a network means a boot.
    message.network === undefined &&
    (message.memoryMiB === undefined || message.memoryMiB === snapshot.memoryMiB);
  if (!message.state && !fromImage) return false;
  const from = message.state ? 'state' : 'image';
  post({ type: 'progress', phase: 'boot', loaded: 0, total: 1 });
  const image = { name: manifest.name, kernel: manifest.kernel, disks: manifest.disks };
  const disks = manifestDisks(manifest, manifestUrl);
  try {
    if (message.state) {
      // Every blob is in the bundle, checked against its name; restore() checks the snapshot
      // was taken on this image's kernel and disks.
      const bundle = await unpackSnapshot(message.state);
      await host.restore({
        snapshot: bundle.manifest,
        image,
        blobs: bundle.blobs,
        disks,
        jit: message.jit,
        network: message.network,
      });
    } else {
      // RAM comes chunk by chunk as the guest touches it, from the image's blobs: no kernel.
      const blobs = new URL(manifest.blobs, manifestUrl).href;
      await host.restore({ snapshot: snapshot!, image, blobs, disks, jit: message.jit });
    }
    return true;
  } catch (error) {
    const { code, message } = hostFailure(error);
    post({
      type: 'restore-failed',
      from,
      code,
      message: `The ${from === 'state' ? 'saved state' : "image's snapshot"} could not be restored, so the machine boots cold instead: ${message}`,
    });
    return false;
  }
}

/** The persisted session (the element's `persist`), once opened. */
let persistence: Persistence | undefined;

/** Screens asked of the page (`screen-wanted`), by request id. */
const screens = new Map<number, (data: string | undefined) => void>();
let nextScreen = 1;

/**
 * The page's screen, asked now: the output posted before this request is on it (the page draws
 * messages in order), and Persistence gives up waiting after a while.
 */
function askScreen(): Promise<string | undefined> {
  const id = nextScreen++;
  post({ type: 'screen-wanted', id });
  return new Promise<string | undefined>((resolve) => {
    screens.set(id, resolve);
    setTimeout(() => resolve(undefined), SCREEN_TIMEOUT_MS);
  }).finally(() => screens.delete(id));
}

/**
 * Opens the session stored under `key`, if this tab can have it (session-lock.ts), and says
 * where it starts from. A session that cannot be stored here at all runs in memory, said once.
 */
async function openSession(key: string, manifest: ImageManifest): Promise<SessionStart> {
  if (!(await lockSession(key).catch(() => true))) {
    fail(
      'session-locked',
      "This terminal's saved session is open in another tab: this one runs in memory and saves nothing (close the other tab to keep working on the saved session)",
      false,
    );
    return { kind: 'none' };
  }
  try {
    const store = await openSessionStore(key);
    persistence = await Persistence.open(
      store,
      {
        kernel: manifest.kernel,
        disks: manifest.disks,
        imageBlobs: new Set(manifest.snapshot?.ram.chunks.filter((name) => name !== null)),
        snapshot: manifest.snapshot,
      },
      {
        stored: (bytes, kind, machine, ms) => post({ type: 'storage', bytes, kind, machine, ms }),
        problem: (code, message) => fail(code, message, false),
      },
      { screen: askScreen },
    );
    return await persistence.start();
  } catch (error) {
    persistence = undefined;
    fail(
      'storage-failed',
      `This terminal's session cannot be stored in this browser (${(error as Error)?.message ?? error}); it runs in memory`,
      false,
    );
    return { kind: 'none' };
  }
}

/** Resumes the session's saved machine; false (said) when it cannot be. */
async function resumeSession(
  snapshot: SnapshotManifest,
  message: BootMessage,
  manifest: ImageManifest,
  manifestUrl: URL,
): Promise<boolean> {
  post({ type: 'progress', phase: 'boot', loaded: 0, total: 1 });
  const blobs = new URL(manifest.blobs, manifestUrl);
  const fromImage: ChunkSource = (sha256, size, urgent) =>
    host.fetcher.get(new URL(`${sha256}.gz`, blobs), { sha256, size }, { urgent });
  try {
    await host.restore({
      snapshot,
      image: { name: manifest.name, kernel: manifest.kernel, disks: manifest.disks },
      blobs: persistence!.source(fromImage),
      disks: manifestDisks(manifest, manifestUrl),
      jit: message.jit,
      network: message.network,
    });
    return true;
  } catch (error) {
    fail(
      'session-damaged',
      `The saved machine could not be resumed (${hostFailure(error).message}), so it boots again on its saved disks`,
      false,
    );
    return false;
  }
}

/** The session's stored disks, for a cold boot on them; none (said) when they cannot be read. */
async function sessionDisks(): Promise<Map<number, Uint8Array>[] | undefined> {
  try {
    const disks = await persistence!.storedDisks();
    return disks.kind === 'disks' ? disks.pages : undefined;
  } catch (error) {
    await persistence!.discard();
    fail(
      'session-damaged',
      `The saved session's disks cannot be read (${(error as Error)?.message ?? error}), so it was deleted and the machine starts afresh`,
      false,
    );
    return undefined;
  }
}

/** Answers `persist`: the disks' pages and the machine stored, as far as they can be. */
async function persistNow(id: number): Promise<void> {
  if (persistence && running) {
    await persistence.flushDisks();
    await persistence.saveMachine();
  }
  post({ type: 'persisted', id });
}

async function boot(message: BootMessage): Promise<void> {
  const manifestUrl = new URL(message.image);
  // The manifest first: a restore needs neither the kernel nor the initramfs.
  const manifest = await fetchManifest(manifestUrl, undefined, host.fetcher.timeouts);
  imageName = manifest.name;
  size = { cols: message.cols, rows: message.rows };
  // A persisted session: its machine is resumed as it was (the page's files and script are in it
  // already), or, if its disks changed since it was saved, the kernel boots on its disks (never
  // the image's snapshot, whose RAM knows nothing of them).
  const session =
    message.persist === undefined
      ? ({ kind: 'none' } as const)
      : await openSession(message.persist, manifest);
  let resumed = false;
  let diskPages: Map<number, Uint8Array>[] | undefined;
  if (session.kind === 'machine') {
    resumed = await resumeSession(session.snapshot, message, manifest, manifestUrl);
    // The screen the reader left, drawn before anything the resumed machine prints.
    const screen = resumed ? await persistence!.savedScreen() : undefined;
    if (screen) post({ type: 'saved-screen', data: screen });
    if (!resumed) diskPages = await sessionDisks();
  } else if (session.kind === 'disks') diskPages = session.pages;
  const restored = resumed || (!diskPages && (await restore(message, manifest, manifestUrl)));
  const files = resumed ? [] : (message.files ?? []);
  // Page files go into the initramfs when the machine boots with one (they exist before init
  // runs), otherwise (a restored machine, an image without one) through the command channel
  // before the script's first line.
  let filesByChannel = files;
  if (!restored) {
    const image = await loadManifestImage(manifest, manifestUrl, host.fetcher, (loaded, total) =>
      post({ type: 'progress', phase: 'download', loaded, total }),
    );
    if (image.initrd) filesByChannel = [];
    post({ type: 'progress', phase: 'boot', loaded: 0, total: 1 });
    await host.boot({
      kernel: image.kernel,
      initrd: image.initrd && withFiles(image.initrd, files),
      memoryMiB: message.memoryMiB ?? image.memoryMiB,
      disks: image.disks,
      cmdline: terminalCmdline(image.cmdline),
      jit: message.jit,
      network: message.network,
      // What a save names the snapshot's kernel and disks by.
      image: { name: manifest.name, kernel: manifest.kernel, disks: manifest.disks },
      diskPages,
    });
  }
  persistence?.attach(host);
  const decoder = new TextDecoder();
  let tail = '';
  let ready = false;
  let filesPlaced = false;
  // A resumed session ran its script already.
  const script = resumed
    ? []
    : (message.script ?? '').split('\n').filter((line) => line.trim() !== '');
  let redrawWait: ReturnType<typeof setTimeout> | undefined;
  // The next line of the script, as if typed at this prompt.
  const typeNextLine = (): void => {
    clearTimeout(redrawWait);
    redrawWait = undefined;
    const line = script.shift();
    if (line !== undefined) host.input(encoder.encode(`${line}\r`));
  };
  onOutput = (bytes) => {
    const data = decoder.decode(bytes, { stream: true });
    postOutput(data);
    if (ready && script.length === 0) return;
    tail = (tail + data).slice(-256);
    if (!SHELL_PROMPT.test(tail)) return;
    tail = '';
    if (!ready) {
      ready = true;
      // The console takes its size from a configuration change, once the guest listens. The
      // shell answers the SIGWINCH by redrawing its prompt: the script waits for that redraw
      // (or half a second), or the redraw would land in the middle of the first typed line.
      // (A restored shell redrew its prompt for the host's own size change: see resumeGuest.)
      host.resize(size.cols, size.rows);
      // `ready` means the page's files are in place: a page that sends a line at `ready` may
      // run them at once. After a restore the prompt takes input at once, but what is typed
      // reaches the shell, and the script starts, only once lt-resume has renewed the guest's
      // clock and random state (its exec() requests wait for that in the host already).
      const placed = writeFiles(filesByChannel);
      void placed.then(() => post({ type: 'ready', restored, resumed }));
      void Promise.all([placed, host.resumed]).then(() => {
        filesPlaced = true;
        if (script.length > 0) redrawWait = setTimeout(typeNextLine, 500);
      });
      return;
    }
    // A prompt before the page's files are in place and a restored guest renewed (the redraw)
    // types nothing yet.
    if (filesPlaced) typeNextLine();
  };
  running = true;
  const ran = host.run().finally(() => (running = false));
  void host.resumed?.then(() => (resumeDone = true));
  const exit = await ran;
  if (exit.reason === 'panic') {
    // A panic after a failed disk read is reported as that disk error (disk-failures.ts).
    const { code, message } = host.panicFailure(exit);
    fail(code, message);
  } else if (exit.reason === 'poweroff' || exit.reason === 'reboot') {
    // The element ends this Worker at `exit`: the session's disks are stored first.
    await persistence?.poweredOff();
    post({ type: 'exit', reason: exit.reason });
  }
}

/**
 * Answers `save`: the running machine as a snapshot bundle, or why it cannot be saved. The
 * machine runs on as soon as its state is copied (takeSnapshot), while the bundle is packed.
 */
async function save(id: number): Promise<void> {
  try {
    if (!running)
      throw Object.assign(new Error('the machine is not running: it cannot be saved'), {
        code: 'stopped',
      });
    const { manifest, blobs } = await host.save();
    // A buffer of its own (packSnapshot's output), handed over whole.
    const bundle = (await packSnapshot(
      { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, image: imageName, ...manifest },
      blobs,
    )) as Uint8Array<ArrayBuffer>;
    scope.postMessage({ type: 'saved', id, bundle } satisfies EngineMessage, [bundle.buffer]);
  } catch (error) {
    post({ type: 'save-error', id, ...saveFailure(error) });
  }
}

/** The code and sentence for a save that failed. */
function saveFailure(error: unknown): { code: EngineErrorCode | 'stopped'; message: string } {
  if (error instanceof CommandError && error.code === 'busy')
    return {
      code: 'busy',
      message:
        'The machine cannot be saved while an exec() command or a file transfer is queued or running: wait for every exec(), writeFile() and readFile() to settle, then save.',
    };
  if (!running || (error as { code?: unknown }).code === 'stopped')
    return {
      code: 'stopped',
      message: 'The machine stopped before it could be saved: restart it, then save.',
    };
  return hostFailure(error);
}

/** The image's initramfs with the page's files appended as one more archive. */
function withFiles(
  initrd: Uint8Array,
  files: { path: string; mode: number; content: string }[],
): Uint8Array {
  if (files.length === 0) return initrd;
  const extra = writeCpio(
    files.map((f) => ({ path: f.path, mode: f.mode, data: encoder.encode(f.content) })),
  );
  // Archives are concatenated on a 4-byte boundary.
  const start = Math.ceil(initrd.length / 4) * 4;
  const out = new Uint8Array(start + extra.length);
  out.set(initrd);
  out.set(extra, start);
  return out;
}

scope.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'boot':
      boot(message).catch((error: unknown) => {
        const { code, message } = hostFailure(error);
        fail(code, message);
      });
      break;
    case 'input':
      persistence?.activity();
      if (host.resumed && !resumeDone) {
        // Held until the restored guest's clock and random state are renewed (a few hundred ms).
        const data = encoder.encode(message.data);
        void host.resumed.then(() => host.input(data));
      } else host.input(encoder.encode(message.data));
      break;
    case 'output-ack':
      undrawn -= message.chars;
      // Resumed at half the window, so that the screen always has output queued to draw.
      if (undrawn <= OUTPUT_WINDOW / 2) host.machine?.resume();
      break;
    case 'resize':
      size = { cols: message.cols, rows: message.rows };
      host.resize(message.cols, message.rows);
      break;
    case 'exec':
      host.exec(message.id, message.command, message.maxOutput);
      break;
    case 'exec-cancel':
      host.cancelExec(message.id);
      break;
    case 'write-file':
    case 'read-file':
    case 'file-cancel':
      files.handle(message);
      break;
    case 'save':
      void save(message.id);
      break;
    case 'persist':
      void persistNow(message.id);
      break;
    case 'screen':
      screens.get(message.id)?.(message.data);
      break;
    case 'stats': {
      const hart = host.machine?.hart;
      const stats = hart && { instructions: Number(hart.instret), jit: hart.jitStats() };
      post({ type: 'stats', id: message.id, stats });
      break;
    }
  }
});
