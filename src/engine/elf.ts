// A reader for the ELF files the bare-metal runner loads: 64-bit little-endian RISC-V executables
// (loadable segments at their physical addresses, and the symbol table for `tohost`).

export class ElfError extends Error {
  constructor(
    readonly code: 'not-elf' | 'not-riscv64' | 'truncated',
    message: string,
  ) {
    super(message);
    this.name = 'ElfError';
  }
}

export interface ElfSegment {
  /** Physical load address. */
  paddr: number;
  /** Bytes from the file; the rest up to memsz is zero. */
  data: Uint8Array;
  memsz: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  symbols: Map<string, number>;
}

const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;

export function parseElf(bytes: Uint8Array): ElfImage {
  if (
    bytes.length < 64 ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    throw new ElfError('not-elf', 'not an ELF file (no \\x7fELF signature)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== 2 || bytes[5] !== 1) {
    throw new ElfError('not-riscv64', 'not a 64-bit little-endian ELF file; the runner needs RV64');
  }
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) {
    throw new ElfError('not-riscv64', `ELF machine is ${machine}, not RISC-V (${EM_RISCV})`);
  }
  const u64 = (offset: number): number => {
    if (offset + 8 > bytes.length) throw new ElfError('truncated', 'the ELF file is truncated');
    return Number(view.getBigUint64(offset, true));
  };
  const u32 = (offset: number): number => {
    if (offset + 4 > bytes.length) throw new ElfError('truncated', 'the ELF file is truncated');
    return view.getUint32(offset, true);
  };
  const u16 = (offset: number): number => view.getUint16(offset, true);
  const entry = u64(24);
  const phoff = u64(32);
  const shoff = u64(40);
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (u32(ph) !== PT_LOAD) continue;
    const offset = u64(ph + 8);
    const paddr = u64(ph + 24);
    const filesz = u64(ph + 32);
    const memsz = u64(ph + 40);
    if (offset + filesz > bytes.length)
      throw new ElfError('truncated', 'a loadable segment lies beyond the end of the ELF file');
    segments.push({ paddr, data: bytes.subarray(offset, offset + filesz), memsz });
  }

  const symbols = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (u32(sh + 4) !== SHT_SYMTAB) continue;
    const offset = u64(sh + 24);
    const size = u64(sh + 32);
    const link = u32(sh + 40);
    const entsize = u64(sh + 56) || 24;
    const strtab = u64(shoff + link * shentsize + 24);
    for (let s = offset; s + entsize <= offset + size; s += entsize) {
      const name = readString(bytes, strtab + u32(s));
      if (name) symbols.set(name, u64(s + 8));
    }
  }
  return { entry, segments, symbols };
}

function readString(bytes: Uint8Array, offset: number): string {
  let end = offset;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(offset, end));
}
