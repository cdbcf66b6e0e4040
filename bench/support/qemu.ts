// QEMU, the reference the CPU and boot benchmarks compare the engine against.
import { spawnSync } from 'node:child_process';

export const QEMU = 'qemu-system-riscv64';

/** Whether qemu-system-riscv64 runs here; if not, says so once (what to install). */
export function hasQemu(): boolean {
  if (spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  console.log(`${QEMU} is not installed (Debian package qemu-system-misc): no comparison`);
  return false;
}
