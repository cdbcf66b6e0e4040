// The record of a persisted session (docs/persistence.md): the disks as last stored, and the whole
// machine as last saved, with the disks it was saved with. The machine is resumed, on its own
// disks, unless the guest flushed its disks after the save: what it made durable then must not be
// lost, so the kernel boots on the latest disks instead. Both name their blobs by SHA-256, like an image's snapshot
// (snapshot-manifest.ts), whose checks they share.
import {
  type SnapshotDisk,
  type SnapshotManifest,
  snapshotProblem,
} from '../snapshot/snapshot-manifest.js';
import { type BlobRef, isBlobRef } from '../image/blob-ref.js';
import { MIN_MEMORY_MIB } from '../memory-size.js';

export const SESSION_FORMAT = 'linux-terminal-session';
export const SESSION_VERSION = 1;

export interface SessionRecord {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_VERSION;
  /** The kernel of the image the session runs (SHA-256): another image's session is discarded. */
  kernel: string;
  /** Each disk as last stored: its fingerprint (which image disk) and the pages written. */
  disks: SnapshotDisk[];
  /** The machine as last saved, its disks as they were then (`machine.disks`). */
  machine?: SnapshotManifest;
  /**
   * The terminal's screen when `machine` was saved (xterm.js's serialize addon: text and escape
   * sequences, scrollback included), UTF-8: written back before the resumed machine's output.
   */
  screen?: BlobRef;
  /** The guest flushed its disks after `machine` was saved: it is not resumed. */
  flushedSinceMachine?: boolean;
  /** When it was last written (ms since the epoch). */
  savedAt: number;
}

/** The record in `text`, checked; throws a sentence when it is not one this engine reads. */
export function parseSessionRecord(text: string): SessionRecord {
  const record = JSON.parse(text) as SessionRecord;
  if (record?.format !== SESSION_FORMAT || record.version !== SESSION_VERSION)
    throw new Error('it is not a session record of this version');
  if (typeof record.kernel !== 'string' || !Array.isArray(record.disks))
    throw new Error('its kernel or disks are missing');
  // The disks are checked as a snapshot's are: a snapshot of them with no RAM.
  const disks = snapshotProblem({
    state: { size: 1, sha256: record.kernel },
    memoryMiB: MIN_MEMORY_MIB,
    ram: { chunkSize: 1 << 20, chunks: new Array<null>(MIN_MEMORY_MIB).fill(null) },
    disks: record.disks,
    workingSet: [],
    kernel: record.kernel,
  });
  const problem =
    disks ??
    (record.machine && snapshotProblem(record.machine, 'machine.')) ??
    (record.screen !== undefined && !isBlobRef(record.screen)
      ? 'its screen is not a blob'
      : undefined);
  if (problem) throw new Error(problem);
  return record;
}
