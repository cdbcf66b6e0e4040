// The kernel command line a page's terminal boots with: the image's, with its console options
// replaced. The shell goes on hvc0, the virtio console, whose size follows the terminal's; the
// UART stays the kernel's first console, for anything printed before hvc0 exists. Readers want
// the prompt, not the boot log: `quiet` keeps warnings and panics only. Snapshots are taken
// with it too, so a restored machine's shell is where a booted one's would be.
export function terminalCmdline(imageCmdline: string): string {
  return `${imageCmdline.replace(/(^|\s)console=\S+/g, '')} console=ttyS0 console=hvc0 quiet`.trim();
}
