// The guest memory sizes every part accepts: the image builder, the manifest check, the element,
// the CLI and the board all use these, so a size one accepts is never refused by another.
// The top is what fits a 32-bit wasm memory beside the hart's own state (hart.ts, MAX_RAM); the
// bottom is the least a Linux kernel with a root shell boots in.

export const MIN_MEMORY_MIB = 32;
export const MAX_MEMORY_MIB = 1920;

/** Why `value` is not a guest memory size in MiB, or undefined when it is one. */
export function memorySizeProblem(value: unknown): string | undefined {
  return Number.isInteger(value) &&
    (value as number) >= MIN_MEMORY_MIB &&
    (value as number) <= MAX_MEMORY_MIB
    ? undefined
    : `must be a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB}, not ${JSON.stringify(value)}`;
}
