// Files and folders a build has made but not finished (a scratch folder, a blob or manifest
// being written under a temporary name), so that an interrupted build (Ctrl-C, SIGTERM) removes
// them rather than leaving them to fill the output folder.
import { rmSync } from 'node:fs';

export class Leftovers {
  private readonly paths = new Set<string>();

  /** `path` is being made: remove it if the build stops now. */
  track(path: string): void {
    this.paths.add(path);
  }

  /** `path` is finished (renamed into place) or removed already. */
  release(path: string): void {
    this.paths.delete(path);
  }

  /** Removes everything unfinished; synchronous, for a signal handler about to exit. */
  removeAll(): void {
    for (const path of this.paths) rmSync(path, { recursive: true, force: true });
    this.paths.clear();
  }
}
