// A writer for the "newc" cpio format the kernel unpacks as its initramfs. The kernel accepts
// several archives one after another, so files a page wants in the guest are appended to the
// image's initramfs as one more archive: they exist before /init starts, nothing is typed.
// (Linux, Documentation/driver-api/early-userspace/buffer-format.rst.)

export interface CpioFile {
  /** Absolute path in the guest, e.g. /root/hello.py. */
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  data: Uint8Array;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const encoder = new TextEncoder();

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Builds a newc archive with `files` and every parent folder they need, ending in the trailer. */
export function writeCpio(files: CpioFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  let inode = 0x100000; // away from the image's own entries
  const push = (bytes: Uint8Array) => {
    parts.push(bytes);
    length += bytes.length;
    const pad = (4 - (length % 4)) % 4;
    if (pad) {
      parts.push(new Uint8Array(pad));
      length += pad;
    }
  };
  const folders = new Set<string>();
  for (const file of files) {
    const segments = file.path.replace(/^\/+/, '').split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  const emit = (name: string, mode: number, data: Uint8Array) => {
    const nameBytes = encoder.encode(`${name}\0`);
    const fields = [inode++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
    const header = encoder.encode(`070701${fields.map(hex8).join('')}`);
    const headerAndName = new Uint8Array(header.length + nameBytes.length);
    headerAndName.set(header);
    headerAndName.set(nameBytes, header.length);
    push(headerAndName);
    if (data.length) push(data);
  };
  for (const folder of [...folders].sort()) emit(folder, S_IFDIR | 0o755, new Uint8Array(0));
  for (const file of files)
    emit(file.path.replace(/^\/+/, ''), S_IFREG | (file.mode & 0o7777), file.data);
  emit('TRAILER!!!', 0, new Uint8Array(0));
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
