// A flattened device tree (DTB) writer: the board describes itself to the kernel with it
// (Devicetree Specification v0.4, chapter 5, "Flattened Devicetree (DTB) Format").

/** A property value: a cell list (u32, big-endian), a string, a string list, or raw bytes. */
export type FdtValue = number[] | string | string[] | Uint8Array | true;

export interface FdtNode {
  name: string;
  props?: Record<string, FdtValue>;
  children?: FdtNode[];
}

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;

/** A 64-bit quantity as two cells, high first. */
export function u64Cells(value: number): number[] {
  return [Math.floor(value / 2 ** 32), value >>> 0];
}

class ByteWriter {
  private bytes = new Uint8Array(4096);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes);
    this.bytes = next;
  }

  u32(value: number): void {
    this.reserve(4);
    new DataView(this.bytes.buffer).setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  align4(): void {
    while (this.length % 4) this.raw(new Uint8Array(1));
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

const utf8 = new TextEncoder();

function encodeValue(value: FdtValue): Uint8Array {
  if (value === true) return new Uint8Array(0); // an empty property: its presence is the value
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return utf8.encode(`${value}\0`);
  if (value.length > 0 && typeof value[0] === 'string')
    return utf8.encode((value as string[]).map((s) => `${s}\0`).join(''));
  const cells = value as number[];
  const out = new Uint8Array(cells.length * 4);
  const view = new DataView(out.buffer);
  cells.forEach((c, i) => view.setUint32(i * 4, c >>> 0));
  return out;
}

/** Serialises `root` into a DTB blob. */
export function encodeFdt(root: FdtNode, bootCpu = 0): Uint8Array {
  const struct = new ByteWriter();
  const strings = new ByteWriter();
  const stringOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let offset = stringOffsets.get(name);
    if (offset === undefined) {
      offset = strings.length;
      strings.raw(utf8.encode(`${name}\0`));
      stringOffsets.set(name, offset);
    }
    return offset;
  };
  const emit = (node: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.raw(utf8.encode(`${node.name}\0`));
    struct.align4();
    for (const [name, value] of Object.entries(node.props ?? {})) {
      const data = encodeValue(value);
      struct.u32(FDT_PROP);
      struct.u32(data.length);
      struct.u32(nameOffset(name));
      struct.raw(data);
      struct.align4();
    }
    for (const child of node.children ?? []) emit(child);
    struct.u32(FDT_END_NODE);
  };
  emit(root);
  struct.u32(FDT_END);

  const reserveMapOffset = HEADER_SIZE; // 8-byte aligned
  const reserveMapSize = 16; // just the terminating empty entry
  const structOffset = reserveMapOffset + reserveMapSize;
  const stringsOffset = structOffset + struct.length;
  const total = stringsOffset + strings.length;
  const out = new Uint8Array(Math.ceil(total / 8) * 8);
  const view = new DataView(out.buffer);
  const header = [
    FDT_MAGIC,
    out.length,
    structOffset,
    stringsOffset,
    reserveMapOffset,
    17,
    16,
    bootCpu,
    strings.length,
    struct.length,
  ];
  header.forEach((value, i) => view.setUint32(i * 4, value));
  out.set(struct.result(), structOffset);
  out.set(strings.result(), stringsOffset);
  return out;
}
