// The instructions of a function body (WebAssembly Core Specification 2.0, 5.4 "Instructions"),
// with named labels: a branch names the block it leaves and the writer counts the depth.
import { ByteWriter, I64, type ValueType } from './wasm-encoder.js';

/** Opcodes the translator uses. */
export const enum Opcode {
  Unreachable = 0x00,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  Drop = 0x1a,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I32Load = 0x28,
  I64Load = 0x29,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32GeS = 0x4e,
  I32LeU = 0x4d,
  I32GeU = 0x4f,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32And = 0x71,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I32WrapI64 = 0xa7,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32Mul = 0x6c,
  I32Xor = 0x73,
  I32Or = 0x72,
  I64Extend32S = 0xc4,
  I64GtU = 0x56,
  I64LeU = 0x58,
  F64Eq = 0x61,
  F64Ne = 0x62,
  F64Lt = 0x63,
  F64Gt = 0x64,
  F64Neg = 0x9a,
  F64Sqrt = 0x9f,
  F64Add = 0xa0,
  F64Sub = 0xa1,
  F64Mul = 0xa2,
  F64Div = 0xa3,
  I64ReinterpretF64 = 0xbd,
  F64ReinterpretI64 = 0xbf,
}

/** Block types: no result, or one value. */
export const VOID = 0x40;

export class CodeWriter extends ByteWriter {
  private readonly labels: (string | undefined)[] = [];

  constructor() {
    super(16 * 1024); // a unit's body is a few KiB
  }

  op(code: Opcode): this {
    this.byte(code);
    return this;
  }

  /** Opens a block (forward branches go to its end) named `label`. */
  block(label?: string, type: number = VOID): this {
    this.byte(Opcode.Block);
    this.byte(type);
    this.labels.push(label);
    return this;
  }

  /** Opens a loop (branches go back to its start) named `label`. */
  loop(label?: string): this {
    this.byte(Opcode.Loop);
    this.byte(VOID);
    this.labels.push(label);
    return this;
  }

  /** Opens an if on the i32 on the stack, with a result of `type` or none. */
  if(type: number = VOID): this {
    this.byte(Opcode.If);
    this.byte(type);
    this.labels.push(undefined);
    return this;
  }

  else(): this {
    this.byte(Opcode.Else);
    return this;
  }

  end(): this {
    this.byte(Opcode.End);
    this.labels.pop();
    return this;
  }

  private depth(label: string): number {
    const at = this.labels.lastIndexOf(label);
    if (at < 0) throw new Error(`no enclosing label ${label}`);
    return this.labels.length - 1 - at;
  }

  br(label: string): this {
    this.byte(Opcode.Br);
    this.u32(this.depth(label));
    return this;
  }

  brIf(label: string): this {
    this.byte(Opcode.BrIf);
    this.u32(this.depth(label));
    return this;
  }

  /** br_table over `targets` (by label), `fallback` for anything else. */
  brTable(targets: string[], fallback: string): this {
    this.byte(Opcode.BrTable);
    this.u32(targets.length);
    for (const t of targets) this.u32(this.depth(t));
    this.u32(this.depth(fallback));
    return this;
  }

  call(index: number): this {
    this.byte(Opcode.Call);
    this.u32(index);
    return this;
  }

  get(local: number): this {
    this.byte(Opcode.LocalGet);
    this.u32(local);
    return this;
  }

  set(local: number): this {
    this.byte(Opcode.LocalSet);
    this.u32(local);
    return this;
  }

  tee(local: number): this {
    this.byte(Opcode.LocalTee);
    this.u32(local);
    return this;
  }

  i32(value: number): this {
    this.byte(Opcode.I32Const);
    this.s32(value);
    return this;
  }

  i64(value: bigint | number): this {
    this.byte(Opcode.I64Const);
    this.s64(typeof value === 'number' && !Number.isSafeInteger(value) ? BigInt(value) : value);
    return this;
  }

  f64(value: number): this {
    this.byte(0x44); // f64.const
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    this.append(bytes);
    return this;
  }

  /** A memory access with alignment hint `align` (log2 bytes) and a constant `offset`. */
  memory(code: Opcode, align: number, offset = 0): this {
    this.byte(code);
    this.u32(align);
    this.u32(offset);
    return this;
  }

  /** The default value type of this writer's registers. */
  static readonly register: ValueType = I64;
}
