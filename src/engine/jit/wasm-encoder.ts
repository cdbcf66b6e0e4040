// A small WebAssembly binary encoder: just what translated units need (WebAssembly Core
// Specification 2.0, "Binary Format"). A unit is one module with one function that imports the
// hart's memory and its runtime helpers; the code is written straight into a byte buffer.

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export type ValueType = typeof I32 | typeof I64 | typeof F64;

/** A growable byte buffer with the encodings the binary format uses. */
export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  byte(b: number): void {
    if (this.length === this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = b;
  }

  private reserve(more: number): void {
    let size = this.bytes.length;
    while (size < this.length + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Unsigned LEB128 of a non-negative 32-bit integer. */
  u32(value: number): void {
    let v = value >>> 0;
    do {
      const b = v & 0x7f;
      v >>>= 7;
      this.byte(v === 0 ? b : b | 0x80);
    } while (v !== 0);
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(value: number): void {
    let v = value | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  /** Signed LEB128 of a 64-bit integer (a number must be a safe integer). */
  s64(value: bigint | number): void {
    if (typeof value === 'number') {
      // Most constants are small: arithmetic on numbers, not BigInt.
      let v = value;
      for (;;) {
        const b = ((v % 128) + 128) % 128;
        v = (v - b) / 128;
        const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
        this.byte(done ? b : b | 0x80);
        if (done) return;
      }
    }
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  name(text: string): void {
    const encoded = new TextEncoder().encode(text);
    this.u32(encoded.length);
    this.append(encoded);
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export interface FunctionType {
  params: ValueType[];
  results: ValueType[];
}

export interface ImportedFunction {
  module: string;
  name: string;
  type: FunctionType;
}

/** A function of the module: its locals beyond the parameters, and its body. */
export interface FunctionCode {
  locals: ValueType[];
  body: Uint8Array;
}

/**
 * Encodes a module: imported memory `env.memory` (the hart's), imported functions (indices 0…k-1),
 * and `functions`, all of type `type`, exported as `${prefix}0`, `${prefix}1`…
 */
export function encodeModule(options: {
  memoryPages: number;
  imports: ImportedFunction[];
  type: FunctionType;
  functions: FunctionCode[];
  prefix: string;
}): Uint8Array {
  const out = new ByteWriter();
  out.append(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const types = [...options.imports.map((i) => i.type), options.type];
  const own = types.length - 1;
  const first = options.imports.length;
  section(out, 1, (s) => {
    s.u32(types.length);
    for (const t of types) {
      s.byte(0x60);
      s.u32(t.params.length);
      for (const p of t.params) s.byte(p);
      s.u32(t.results.length);
      for (const r of t.results) s.byte(r);
    }
  });
  section(out, 2, (s) => {
    s.u32(options.imports.length + 1);
    s.name('env');
    s.name('memory');
    s.byte(0x02); // memory
    s.byte(0x01); // limits with a maximum
    s.u32(options.memoryPages);
    s.u32(options.memoryPages);
    options.imports.forEach((i, index) => {
      s.name(i.module);
      s.name(i.name);
      s.byte(0x00); // function
      s.u32(index);
    });
  });
  section(out, 3, (s) => {
    s.u32(options.functions.length);
    for (let k = 0; k < options.functions.length; k++) s.u32(own);
  });
  section(out, 7, (s) => {
    s.u32(options.functions.length);
    options.functions.forEach((_, k) => {
      s.name(`${options.prefix}${k}`);
      s.byte(0x00);
      s.u32(first + k);
    });
  });
  section(out, 10, (s) => {
    s.u32(options.functions.length);
    for (const f of options.functions) {
      const head = new ByteWriter();
      // Locals, run-length encoded by type.
      const runs: [number, ValueType][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      head.u32(runs.length);
      for (const [count, t] of runs) {
        head.u32(count);
        head.byte(t);
      }
      s.u32(head.length + f.body.length + 1);
      s.append(head.result());
      s.append(f.body);
      s.byte(0x0b); // end
    }
  });
  return out.result();
}

function section(out: ByteWriter, id: number, write: (s: ByteWriter) => void): void {
  const s = new ByteWriter();
  write(s);
  const bytes = s.result();
  out.byte(id);
  out.u32(bytes.length);
  out.append(bytes);
}
