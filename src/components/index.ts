// The package entry: the elements, registered as <linux-terminal>, <linux-file> and <linux-snippet>.
import './linux-terminal/define.js';
import './linux-file/define.js';
import './linux-snippet/define.js';

export { LinuxTerminal } from './linux-terminal/linux-terminal.js';
export { LinuxFile } from './linux-file/linux-file.js';
export {
  LinuxSnippet,
  type LinuxSnippetDoneDetail,
  type SnippetState,
} from './linux-snippet/linux-snippet.js';
export type { ShellOptions, ShellResult } from './linux-terminal/interactive-shell.js';
export type { EngineErrorCode } from '../engine/protocol.js';
export type { FileErrorCode } from '../engine/guest-files.js';
export type { FileOptions, ReadFileOptions } from './linux-terminal/file-types.js';
export { builtInImages } from '../images/index.js';
export { configure, type LinuxTerminalConfig } from '../offline/configure.js';
export {
  precache,
  type PrecacheOptions,
  type PrecacheProgress,
  type PrecacheResult,
} from '../offline/precache.js';
