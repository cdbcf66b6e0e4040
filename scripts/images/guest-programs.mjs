// The C programs both images carry (src/images/guest/), cross-compiled with Debian's
// gcc-riscv64-linux-gnu against its libc6-dev-riscv64-cross.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './commands.mjs';
import { CROSS_COMPILE } from './kernel.mjs';

const guest = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/images/guest');

/**
 * Compiles src/images/guest/`name`.c to `output`. Static for an image without a shared C library
 * (busybox); otherwise dynamic, a few KB, and bookworm's cross glibc links what trixie's runs.
 * Stripped and without debug information, so the bytes depend on neither the source's path nor
 * the build's time.
 */
export function compileGuestProgram(name, output, { linkStatic = false, log } = {}) {
  run(
    `${CROSS_COMPILE}gcc`,
    [
      '-Os',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-s',
      ...(linkStatic ? ['-static'] : []),
      '-o',
      output,
      join(guest, `${name}.c`),
    ],
    { log },
  );
  return output;
}
