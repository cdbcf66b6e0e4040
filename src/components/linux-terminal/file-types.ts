// The options of LinuxTerminal.writeFile(), readFile() and download() (files in and out of the
// guest through its agent: src/engine/guest-files.ts, docs/files.md).

export interface FileOptions {
  /**
   * Milliseconds before the call rejects with code `timeout`, counted from the call (waiting for
   * the machine to be ready and for earlier requests counts too). Default: 120 000, and for a
   * write one more second per MB. A write given up before its last byte reached the guest is not
   * kept there: the file stays as it was.
   */
  timeout?: number;
}

export interface ReadFileOptions extends FileOptions {
  /** `utf8`: resolve to the file's text (decoded as UTF-8) instead of its bytes. */
  encoding?: 'utf8';
}
