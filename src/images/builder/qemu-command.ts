// The QEMU command line that boots an unpacked image (unpack-image.ts) on QEMU's virt board as the
// engine boots it: the same kernel, command line and memory, the disks as virtio block devices
// whose writes stay in QEMU (snapshot=on, like the engine's copy-on-write overlay), and an
// entropy device (the engine's board has one; without it getrandom() may wait seconds). The
// reference the benchmarks and the image recipes compare the engine against.
import type { UnpackedImage } from './unpack-image.js';

/** Arguments for qemu-system-riscv64; the console is the serial port on stdio. */
export function qemuVirtArgs(image: UnpackedImage, cmdline = image.manifest.cmdline): string[] {
  const args = ['-M', 'virt', '-m', `${image.manifest.memoryMiB}M`, '-nographic', '-no-reboot'];
  args.push('-kernel', image.kernel, '-append', cmdline);
  if (image.initrd) args.push('-initrd', image.initrd);
  image.disks.forEach((file, i) => {
    args.push('-drive', `file=${file},format=raw,if=none,id=disk${i},snapshot=on`);
    args.push('-device', `virtio-blk-device,drive=disk${i}`);
  });
  args.push('-device', 'virtio-rng-device');
  return args;
}
