// The board's physical memory map, compatible with QEMU's `virt` machine so the same kernel and
// initramfs boot on both.
export const SYSCON_BASE = 0x0010_0000;
export const RTC_BASE = 0x0010_1000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;
export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x60_0000;
export const UART_BASE = 0x1000_0000;
export const UART_IRQ = 10;
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_STRIDE = 0x1000;
export const VIRTIO_SLOTS = 8;
export const VIRTIO_FIRST_IRQ = 1;
export const RAM_BASE = 0x8000_0000;
/** Where the kernel Image goes: RV64 kernels run 2 MiB into RAM (their header's text_offset). */
export const KERNEL_OFFSET = 0x20_0000;
export const TIMEBASE_HZ = 10_000_000;
