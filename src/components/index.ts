// The package entry: the element class, registered as <linux-terminal>.
import './linux-terminal/define.js';

export { LinuxTerminal } from './linux-terminal/linux-terminal.js';
export type { EngineErrorCode } from '../engine/protocol.js';
