// The typed message protocol between the element (main thread) and the engine's Worker.
// Both directions are plain structured-clonable objects discriminated by `type`.
import type { JitStats } from './jit/translator.js';
import type { ImageErrorCode } from './image/image-error.js';
import type { FileAnswer, FileRequest } from './file-requests.js';

/** Machine-readable error codes shown to page authors. */
export type EngineErrorCode =
  | ImageErrorCode
  | 'bad-kernel'
  | 'bad-memory-size'
  | 'image-too-large'
  | 'kernel-panic'
  | 'worker-crashed'
  | 'out-of-memory'
  /** A virtio device met a request it cannot serve and asked the driver to reset it (not fatal). */
  | 'device-fault'
  /** A restored guest's clock and random state could not be renewed (not fatal). */
  | 'snapshot-resume'
  /** saveState() of a machine that cannot be saved (not booted from an image). */
  | 'snapshot-unsupported'
  /** saveState() while an exec() is queued or running: its request cannot be saved. */
  | 'busy'
  /** `persist`: the browser's storage is full; the session runs on in memory (not fatal). */
  | 'storage-quota'
  /** `persist`: storing the session failed otherwise; it runs on in memory (not fatal). */
  | 'storage-failed'
  /** `persist`: the stored session was for another image version and was deleted (not fatal). */
  | 'session-discarded'
  /** `persist`: the stored session could not be resumed; the machine booted on its disks (not fatal). */
  | 'session-damaged'
  /** `persist`: another tab holds this key's session; this one runs in memory (not fatal). */
  | 'session-locked'
  | 'internal';

/** Messages the main thread sends to the Worker. */
export type HostMessage =
  | {
      type: 'boot';
      /** Absolute URL of the image manifest. */
      image: string;
      memoryMiB?: number;
      cols: number;
      rows: number;
      /** Files placed in the guest before its shell starts. */
      files?: { path: string; mode: number; content: string }[];
      /** Shell lines typed one by one, each at the next prompt, after boot. */
      script?: string;
      /**
       * `snapshot` (the default): restore the image's snapshot when it has one and `memoryMiB`
       * does not ask for another size; `cold`: boot the kernel.
       */
      boot?: 'snapshot' | 'cold';
      /** `false`: interpret every instruction (the element's `jit="off"`); the translator is on otherwise. */
      jit?: boolean;
      /**
       * `fetch`: the guest gets an eth0 whose HTTP requests this Worker's fetch() makes
       * (docs/network.md); the machine then boots (the image's snapshot has no network device).
       * None: no network device at all.
       */
      network?: 'fetch';
      /** A snapshot bundle (saveState()) to restore instead of the image's own snapshot. */
      state?: Uint8Array;
      /**
       * Keep the session under this key in the browser's storage (the element's `persist`):
       * resume what is stored, store the disks' flushes, and the machine on `persist` messages.
       */
      persist?: string;
    }
  | { type: 'input'; data: string }
  /**
   * The screen has drawn `chars` more characters of output: the Worker sends output only this
   * far ahead of the screen (OUTPUT_WINDOW), and holds the machine until it catches up.
   */
  | { type: 'output-ack'; chars: number }
  | { type: 'resize'; cols: number; rows: number }
  /** Runs a command through the command channel, apart from the interactive shell. */
  | { type: 'exec'; id: number; command: string; maxOutput?: number }
  /** Gives up exec `id` (its timeout passed): dropped if waiting, killed in the guest if running. */
  | { type: 'exec-cancel'; id: number }
  /** Files in and out of the guest (file-requests.ts). */
  | FileRequest
  /** Takes a snapshot of the running machine: answered by `saved` or `save-error`, same `id`. */
  | { type: 'save'; id: number }
  /** Asks for the machine's figures: answered by `stats`, same `id`. */
  | { type: 'stats'; id: number }
  /** Stores the persisted session now (the page is hidden or the element removed): `persisted`. */
  | { type: 'persist'; id: number }
  /**
   * Answer to `screen-wanted`: the terminal's screen, serialized (text and escape sequences that
   * redraw it, scrollback included); none when the element has no terminal.
   */
  | { type: 'screen'; id: number; data?: string };

/** What a running machine has done (the element's stats()). */
export interface MachineStats {
  /** Instructions the guest has retired since the machine was created or restored. */
  instructions: number;
  /** The translator's figures (jit/translator.ts JitStats); absent when it is off. */
  jit?: JitStats;
}

/**
 * How many characters of output may be on their way to the screen, not yet drawn, before the
 * Worker holds the guest: enough to keep xterm.js busy for a few frames, little enough that a
 * guest printing without end cannot fill the page's memory.
 */
export const OUTPUT_WINDOW = 1 << 20;

/** Messages the Worker sends to the main thread. */
export type EngineMessage =
  /**
   * First message: the engine's own files (the Worker script, the hart's wasm), for the service
   * worker to keep; loads of a Worker are not in the page's resource timing.
   */
  | { type: 'loaded'; urls: string[] }
  | { type: 'progress'; phase: 'download' | 'boot'; loaded: number; total: number }
  | { type: 'output'; data: string }
  /**
   * The shell prompt is up and the page's files are in place; `restored`: from a snapshot;
   * `resumed`: the persisted session's machine (a restore too).
   */
  | { type: 'ready'; restored: boolean; resumed?: boolean }
  /** Answer to `persist`: the session is stored as far as it could be. */
  | { type: 'persisted'; id: number }
  /**
   * A persisted session's machine is being saved: the screen as it is once the output sent
   * before this message is drawn, for the session to keep (answered by `screen`, same `id`).
   */
  | { type: 'screen-wanted'; id: number }
  /**
   * The resumed session's screen as it was saved: drawn before the resumed machine's output
   * (which comes after this message).
   */
  | { type: 'saved-screen'; data: string }
  /**
   * A persisted session was stored: the bytes it takes now, where, and whether the whole machine
   * was saved (else the disks' pages only).
   */
  | { type: 'storage'; bytes: number; kind: 'opfs' | 'indexeddb'; machine: boolean; ms: number }
  /**
   * A snapshot could not be restored (nothing of it ran) and the machine boots cold instead:
   * the image's own (`from: 'image'`) or the page's bundle (`from: 'state'`).
   */
  | { type: 'restore-failed'; from: 'image' | 'state'; code: EngineErrorCode; message: string }
  /** Answer to `save`: the snapshot bundle (docs/image-format.md, Snapshot bundles). */
  | { type: 'saved'; id: number; bundle: Uint8Array<ArrayBuffer> }
  /** `stopped`: the machine stopped before it could be saved. */
  | { type: 'save-error'; id: number; code: EngineErrorCode | 'stopped'; message: string }
  | { type: 'exec-result'; id: number; exitCode: number; output: string; truncated: boolean }
  /** Answers to file requests (file-requests.ts). */
  | FileAnswer
  /** Answer to `stats`; undefined figures when no machine runs. */
  | { type: 'stats'; id: number; stats?: MachineStats }
  /** The command channel refused exec `id` (`busy`, `command-too-large`). */
  | { type: 'exec-error'; id: number; code: string; message: string }
  | { type: 'exit'; reason: 'poweroff' | 'reboot' }
  /** `fatal`: the machine stopped (or never started); otherwise it runs on (a disk read failed). */
  | { type: 'error'; code: EngineErrorCode; message: string; fatal: boolean };
