// Attribute values a page can get wrong (`rows="abc"`, `memory="lots"`, `boot="warm"`): each is
// read once, and a bad one falls back to the default with a sentence saying so, never an
// exception mid-boot.

export const DEFAULT_ROWS = 24;
/** More rows than any screen shows; xterm.js allocates a buffer line per row. */
const MAX_ROWS = 500;

export interface AttributeReading<T> {
  value: T;
  /** Why the page's value was not used; undefined when it was fine (or unset). */
  problem?: string;
}

/** `rows`: a whole number from 1 to 500; 24 when unset or invalid. `written`: the attribute's text. */
export function readRows(
  rows: number | undefined,
  written: string | null = null,
): AttributeReading<number> {
  if (rows === undefined || rows === null) return { value: DEFAULT_ROWS };
  if (Number.isInteger(rows) && rows >= 1 && rows <= MAX_ROWS) return { value: rows };
  return {
    value: DEFAULT_ROWS,
    problem: `rows="${written ?? rows}" is not a whole number from 1 to ${MAX_ROWS}: the terminal has ${DEFAULT_ROWS} rows. Set rows to a number such as 24.`,
  };
}

/** `memory`: a whole number of MiB (the engine checks its range); the image's default when invalid. */
export function readMemory(
  memory: number | undefined,
  written: string | null = null,
): AttributeReading<number | undefined> {
  if (memory === undefined || memory === null) return { value: undefined };
  if (Number.isInteger(memory) && memory > 0) return { value: memory };
  return {
    value: undefined,
    problem: `memory="${written ?? memory}" is not a whole number of MiB: the machine gets the image's default. Set memory to a number such as 256.`,
  };
}

export type BootMode = 'snapshot' | 'cold';

/** `boot`: `snapshot` (the default) or `cold`; anything else is read as `snapshot`. */
export function readBoot(boot: string | undefined | null): AttributeReading<BootMode> {
  if (boot === undefined || boot === null || boot === 'snapshot') return { value: 'snapshot' };
  if (boot === 'cold') return { value: 'cold' };
  return {
    value: 'snapshot',
    problem: `boot="${boot}" is neither "snapshot" nor "cold": the machine restores the image's snapshot when it has one. Set boot to "cold" to boot the kernel.`,
  };
}

export type JitMode = 'on' | 'off';

/** `jit`: `on` (the default: hot guest code is translated to wasm) or `off`; anything else is `on`. */
/** `network`: off (no network device at all), or `fetch` (docs/network.md). */
export type NetworkMode = 'off' | 'fetch';

/** A misspelt value leaves the network off: a machine never reaches out unless clearly asked. */
export function readNetwork(network: string | undefined | null): AttributeReading<NetworkMode> {
  if (network === undefined || network === null) return { value: 'off' };
  if (network === 'fetch') return { value: 'fetch' };
  return {
    value: 'off',
    problem: `network="${network}" is not "fetch": the machine has no network. Set network="fetch" to let the guest's HTTP requests go out through the browser's fetch().`,
  };
}

export function readJit(jit: string | undefined | null): AttributeReading<JitMode> {
  if (jit === undefined || jit === null || jit === 'on') return { value: 'on' };
  if (jit === 'off') return { value: 'off' };
  return {
    value: 'on',
    problem: `jit="${jit}" is neither "on" nor "off": the machine translates hot code. Set jit to "off" to interpret every instruction.`,
  };
}
