// src/engine/cpu/softfloat.ts against the RISC-V F and D instructions, bit for bit: result and
// fflags. The vectors in test/fixtures/softfloat/ were recorded from the real instructions under
// qemu-riscv64 (regenerate with scripts/gen-fp-vectors/run.sh); the hand-written cases below
// spell out the edge cases the module exists to get right.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtureDir = new URL('../fixtures/softfloat/', import.meta.url);

// Exports take and return raw encodings: u32 as a JS number, u64/i64 as a BigInt.
type Value = number | bigint;
type SoftFloat = Record<string, (...args: Value[]) => Value> & { fflags: WebAssembly.Global };

let softfloat: SoftFloat;

function readFileOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

before(async () => {
  let wasm: Uint8Array<ArrayBuffer> | undefined;
  let diagnostics = '';
  const argv = 'src/engine/cpu/softfloat.ts --runtime stub -O3 --outFile softfloat.wasm'.split(' ');
  const { error } = await asc.main([...argv, '--baseDir', repoRoot], {
    // Compile this module alone: the project's asconfig.json would add the hart's entry and flags.
    readFile: (name, baseDir) =>
      name === 'asconfig.json' ? null : readFileOrNull(path.resolve(baseDir, name)),
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) wasm = contents as Uint8Array<ArrayBuffer>;
    },
    stdout: asc.createMemoryStream(),
    stderr: asc.createMemoryStream((chunk) => (diagnostics += chunk.toString())),
  });
  assert.ifError(error);
  assert.equal(diagnostics, '', 'softfloat.ts must compile at -O3 without warnings');
  assert.ok(wasm, 'the compiler produced no binary');
  const imports = { env: { abort: () => assert.fail('softfloat called abort') } };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports);
  softfloat = instance.exports as unknown as SoftFloat;
});

/** Calls an export with fflags cleared; returns the result as an unsigned BigInt and the flags. */
function run(op: string, args: Value[]): { result: bigint; flags: number } {
  softfloat.fflags.value = 0;
  const raw = softfloat[op](...args);
  const result = typeof raw === 'number' ? BigInt(raw >>> 0) : BigInt.asUintN(64, raw);
  return { result, flags: softfloat.fflags.value as number };
}

const hex = (x: Value, digits: number) => x.toString(16).padStart(digits, '0');

// --- Vectors and how one is checked ---

/** One expected outcome: hex fields as written in the fixtures, and where it came from. */
interface Vector {
  file: string;
  line: number;
  op: string;
  rm: string;
  operands: string[];
  result: string;
  flags: string;
}

// FMSUB, FNMSUB and FNMADD are what the hart builds from mulAdd by flipping operand signs.
const fusedVariants: Record<string, (a: Value, b: Value, c: Value) => Value[]> = {
  msub: (a, b, c) => [a, b, negate(c)],
  nmsub: (a, b, c) => [negate(a), b, c],
  nmadd: (a, b, c) => [negate(a), b, negate(c)],
};

function negate(x: Value): Value {
  return typeof x === 'number' ? (x ^ 0x80000000) >>> 0 : x ^ (1n << 63n);
}

/** An 8-digit operand is a binary32 (a number); 16 digits are a binary64 or integer (BigInt). */
const parseOperand = (digits: string): Value =>
  digits.length === 8 ? Number.parseInt(digits, 16) : BigInt(`0x${digits}`);

function check(v: Vector): string | null {
  const [prefix, suffix] = [v.op.slice(0, 3), v.op.slice(4)];
  let operands = v.operands.map(parseOperand);
  let op = v.op;
  if (suffix in fusedVariants) {
    operands = fusedVariants[suffix](operands[0], operands[1], operands[2]);
    op = `${prefix}_mulAdd`;
  }
  const args = v.rm === '-' ? operands : [...operands, Number(v.rm)];
  const { result, flags } = run(op, args);
  const expected = BigInt(`0x${v.result}`);
  const expectedFlags = Number.parseInt(v.flags, 16);
  if (result === expected && flags === expectedFlags) return null;
  return (
    `${v.file}:${v.line} ${v.op} rm=${v.rm} (${v.operands.join(', ')}): ` +
    `expected ${v.result} flags ${v.flags}, got ${hex(result, v.result.length)} flags ${hex(flags, 2)}`
  );
}

// --- Hand-written cases ---
// <export> <rm> <operands> -> <result> <flags> # why. Operands and results are hex encodings
// (8 digits: binary32; 16: binary64 or a 64-bit integer); rm '-' for ops that do not round.

const handWritten = `
f32_add    RNE 3f800000 33800000 -> 3f800000 NX    # 1 + 2^-24 is a tie: RNE keeps the even 1
f32_add    RUP 3f800000 33800000 -> 3f800001 NX    # ... RUP rounds it up
f32_add    RMM 3f800000 33800000 -> 3f800001 NX    # ... RMM rounds it away from zero
f32_div    RTZ 3f800000 40400000 -> 3eaaaaaa NX    # 1/3 truncated
f32_div    RDN bf800000 40400000 -> beaaaaab NX    # -1/3 rounded down grows in magnitude
f64_sub    RNE 3ff0000000000000 3ff0000000000000 -> 0000000000000000 -  # x - x is +0
f64_sub    RDN 3ff0000000000000 3ff0000000000000 -> 8000000000000000 -  # ... but -0 rounding down
f32_add    RNE 80000000 80000000 -> 80000000 -     # -0 + -0 is -0
f32_sqrt   RNE 80000000 -> 80000000 -              # sqrt(-0) is -0
f32_mul    RNE 7f7fffff 40000000 -> 7f800000 OF,NX # overflow rounds to infinity
f32_mul    RTZ 7f7fffff 40000000 -> 7f7fffff OF,NX # ... or to the largest finite under RTZ
f64_mul    RUP ffefffffffffffff 4000000000000000 -> ffefffffffffffff OF,NX # ... and -max under RUP
f32_mul    RNE 00800000 3f000000 -> 00400000 -     # an exact subnormal result raises nothing
f32_mul    RNE 007fffff 3f000000 -> 00400000 UF,NX # an inexact one underflows
f64_to_f32 RNE 380fffffff800000 -> 00800000 NX    # rounds up to 2^emin unbounded: not tiny, no UF
f64_to_f32 RTZ 380fffffff800000 -> 007fffff UF,NX # the same value truncated stays tiny
f32_mul    RNE 00000001 3f000000 -> 00000000 UF,NX # half the smallest subnormal ties to 0
f32_mul    RUP 00000001 3f000000 -> 00000001 UF,NX # ... and rounds back up under RUP
f32_add    RNE 7f800000 ff800000 -> 7fc00000 NV    # inf - inf: the canonical NaN
f64_div    RNE 0000000000000000 0000000000000000 -> 7ff8000000000000 NV # 0/0
f64_div    RNE 3ff0000000000000 0000000000000000 -> 7ff0000000000000 DZ # 1/0
f64_sqrt   RNE bff0000000000000 -> 7ff8000000000000 NV # sqrt(-1)
f32_mul    RNE ffc12345 3f800000 -> 7fc00000 -     # a quiet NaN becomes the canonical NaN, quietly
f32_add    RNE 7f800001 3f800000 -> 7fc00000 NV    # a signalling NaN raises NV
f32_mulAdd RNE 7f800000 00000000 7fc00000 -> 7fc00000 NV # inf * 0 is invalid despite a qNaN addend
f64_mulAdd RNE 3ff0000000000001 3ff0000000000001 bff0000000000002 -> 3970000000000000 - # one rounding keeps 2^-104
f32_mulAdd RNE 3f800000 3f800000 bf800000 -> 00000000 - # exact cancellation is +0
f32_mulAdd RDN 3f800000 3f800000 bf800000 -> 80000000 - # ... or -0 rounding down
f32_eq     -   7fc00000 3f800000 -> 0 -            # feq is quiet for a quiet NaN
f32_eq     -   7f800001 3f800000 -> 0 NV           # ... but not for a signalling one
f32_lt     -   7fc00000 3f800000 -> 0 NV           # flt signals for any NaN
f64_eq     -   8000000000000000 0000000000000000 -> 1 - # -0 == +0
f64_lt     -   8000000000000000 0000000000000000 -> 0 - # -0 < +0 is false
f32_min    -   00000000 80000000 -> 80000000 -     # min(+0, -0) is -0
f32_max    -   80000000 00000000 -> 00000000 -     # max(-0, +0) is +0
f64_min    -   7ff8000000000000 3ff0000000000000 -> 3ff0000000000000 - # min(NaN, x) is x
f64_max    -   3ff0000000000000 7ff0000000000001 -> 3ff0000000000000 NV # max(x, sNaN) is x, with NV
f32_min    -   ffc00001 7f800001 -> 7fc00000 NV    # two NaNs give the canonical NaN
f32_classify - ff800000 -> 1 -                     # fclass bit 0: -inf
f64_classify - 0000000000000001 -> 20 -            # fclass bit 5: +subnormal
f32_classify - 7f800001 -> 100 -                   # fclass bit 8: signalling NaN
f32_to_i32 RNE 7fc00000 -> 000000007fffffff NV     # NaN converts to the largest i32
f32_to_u32 RNE 7fc00000 -> ffffffffffffffff NV     # ... and to u32 max, sign-extended like FCVT.WU
f64_to_i32 RNE 41e0000000000000 -> 000000007fffffff NV # 2^31 saturates
f64_to_i32 RTZ c1e0000000100000 -> ffffffff80000000 NX # -2^31 - 0.5 truncates into range
f64_to_i32 RTZ c1e0000000200000 -> ffffffff80000000 NV # -2^31 - 1 saturates, NV without NX
f32_to_u32 RNE bf000000 -> 0000000000000000 NX     # -0.5 rounds to 0: inexact, not invalid
f32_to_u32 RNE bf800000 -> 0000000000000000 NV     # -1 is out of range
f64_to_i64 RNE 4004000000000000 -> 0000000000000002 NX # 2.5 ties to even
f64_to_i64 RMM 4004000000000000 -> 0000000000000003 NX # ... or away under RMM
f64_to_u64 RNE 43f0000000000000 -> ffffffffffffffff NV # 2^64 saturates
f32_to_i64 RNE ff800000 -> 8000000000000000 NV     # -inf gives the smallest i64
i32_to_f32 RNE 0000000001000001 -> 4b800000 NX     # 2^24 + 1 is a tie in binary32
i32_to_f32 RNE 12345678ffffffff -> bf800000 -      # the 32-bit forms read only the low word
u64_to_f64 RNE ffffffffffffffff -> 43f0000000000000 NX # u64 max rounds up to 2^64
i64_to_f64 RNE 8000000000000000 -> c3e0000000000000 -  # i64 min is exact
f32_to_f64 -   7f800001 -> 7ff8000000000000 NV     # a signalling NaN widens to the canonical NaN
f32_to_f64 -   00000001 -> 36a0000000000000 -      # a binary32 subnormal widens exactly
f64_to_f32 RNE 7fefffffffffffff -> 7f800000 OF,NX  # narrowing past binary32's range overflows
`;

const modeNumber: Record<string, string> = {
  RNE: '0',
  RTZ: '1',
  RDN: '2',
  RUP: '3',
  RMM: '4',
  '-': '-',
};
const flagBits: Record<string, number> = { NV: 0x10, DZ: 0x08, OF: 0x04, UF: 0x02, NX: 0x01 };

describe('softfloat: hand-written edge cases', () => {
  handWritten
    .trim()
    .split('\n')
    .forEach((text, i) => {
      const [spec, why] = text.split(' # ');
      const [op, rm, ...rest] = spec.trim().split(/ +/);
      const arrow = rest.indexOf('->');
      const flags =
        rest[arrow + 2] === '-'
          ? 0
          : rest[arrow + 2].split(',').reduce((sum, f) => sum | flagBits[f], 0);
      const vector: Vector = {
        file: 'hand-written',
        line: i + 1,
        op,
        rm: modeNumber[rm],
        operands: rest.slice(0, arrow),
        result: rest[arrow + 1],
        flags: hex(flags, 2),
      };
      test(`${op}: ${why.trim()}`, () => assert.equal(check(vector), null));
    });
});

// --- Recorded vectors ---

function loadVectors(dir: URL): Map<string, Vector[]> {
  const byOp = new Map<string, Vector[]>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const lines = readFileSync(new URL(file, dir), 'utf8').split('\n');
    let section: Vector[] = [];
    let op = '';
    lines.forEach((text, i) => {
      if (text === '' || text.startsWith('#')) return;
      if (text.startsWith('[')) {
        op = text.slice(1, -1);
        section = byOp.get(op) ?? [];
        byOp.set(op, section);
        return;
      }
      const [rm, ...rest] = text.split(' ');
      section.push({
        file,
        line: i + 1,
        op,
        rm,
        operands: rest.slice(0, -2),
        result: rest.at(-2)!,
        flags: rest.at(-1)!,
      });
    });
  }
  return byOp;
}

// SOFTFLOAT_VECTORS=<dir> checks another set instead, e.g. a deeper one the generator made with a
// larger scale (see scripts/gen-fp-vectors/gen-fp-vectors.c).
const vectorDir = process.env.SOFTFLOAT_VECTORS
  ? new URL(`file://${process.env.SOFTFLOAT_VECTORS.replace(/\/?$/, '/')}`)
  : fixtureDir;

describe('softfloat: vectors recorded from RISC-V F/D instructions', () => {
  const byOp = loadVectors(vectorDir);
  test('every exported operation has vectors', () => {
    const untested = Object.keys(softfloat).filter(
      (name) => name !== 'fflags' && name !== 'memory' && !byOp.has(name),
    );
    assert.deepEqual(untested, []);
  });
  for (const [op, vectors] of byOp) {
    test(`${op} (${vectors.length} vectors)`, () => {
      const failures = vectors.map(check).filter((f) => f !== null);
      assert.equal(
        failures.length,
        0,
        `${failures.length} of ${vectors.length} failed:\n${failures.slice(0, 20).join('\n')}`,
      );
    });
  }
});
