// The hart's own decoder (cpu/decode.ts, exported as decodeInto) for code that runs beside the
// hart: a second instance of the hart's module over a small memory of its own, so that the
// codegen thread decodes exactly as the interpreter does without a second decoder to keep true.
import type { DecodedInstruction } from '../hart.js';

/** The decoded entry at `base` (cpu/decode.ts's layout of one decode-cache entry). */
export function readDecoded(bytes: Uint8Array, base: number): DecodedInstruction {
  const word = (at: number) =>
    (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  return {
    raw: word(base),
    op: bytes[base + 4],
    rd: bytes[base + 5],
    rs1: bytes[base + 6],
    rs2: bytes[base + 7],
    rs3: bytes[base + 8],
    rm: bytes[base + 9],
    length: bytes[base + 10],
    imm: word(base + 12) | 0,
  };
}

/**
 * `decode` with its answers kept by instruction bits (a program repeats the same words many
 * times), at most 65,536 of them before they are forgotten.
 */
export function memoisedDecoder(
  decode: (raw: number) => DecodedInstruction,
): (raw: number) => DecodedInstruction {
  const seen = new Map<number, DecodedInstruction>();
  return (raw) => {
    let d = seen.get(raw);
    if (!d) {
      if (seen.size >= 1 << 16) seen.clear();
      d = decode(raw);
      seen.set(raw, d);
    }
    return d;
  };
}

/** Pages of memory the decoder's instance gets: the module's data and the scratch entry fit. */
const DECODER_PAGES = 4;

/** A decode function backed by an instance of `hart` (the compiled hart.wasm). */
export function instructionDecoder(hart: WebAssembly.Module): (raw: number) => DecodedInstruction {
  const memory = new WebAssembly.Memory({ initial: DECODER_PAGES, maximum: DECODER_PAGES });
  // The module asks for a table (translated units are called through it); none is called here.
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
  const unused = () => {
    throw new Error('the decoder instance runs no guest');
  };
  const instance = new WebAssembly.Instance(hart, {
    env: { memory, table },
    host: { mmioRead: unused, mmioWrite: unused, time: unused },
  });
  const decodeInto = instance.exports.decodeInto as (raw: number) => void;
  const scratch = (instance.exports.DECODE_SCRATCH as WebAssembly.Global).value as number;
  const bytes = new Uint8Array(memory.buffer);
  return (raw) => {
    decodeInto(raw >>> 0);
    return readDecoded(bytes, scratch);
  };
}
