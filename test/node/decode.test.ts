// The decoder against an independent reference: GNU objdump (Debian's binutils-riscv64-linux-gnu)
// disassembles every 16-bit encoding and a large sample of 32-bit ones; the hart's decoder must
// agree on the operation and on every operand field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../src/engine/bus.js';
import { Hart, type DecodedInstruction } from '../../src/engine/hart.js';
import { F, X, mnemonic } from '../../src/engine/disassemble.js';
import { Op } from '../../src/engine/cpu/ops.js';

const reg = (name: string): number => {
  const i = X.indexOf(name);
  return i >= 0 ? i : F.indexOf(name);
};

interface Line {
  address: number;
  mnemonic: string;
  operands: string[];
}

/** Disassembles `bytes` with objdump (rv64gc, no aliases): one Line per instruction. */
function objdump(bytes: Uint8Array): Line[] {
  const dir = mkdtempSync(join(tmpdir(), 'decode-'));
  const file = join(dir, 'code.bin');
  writeFileSync(file, bytes);
  const result = spawnSync(
    'riscv64-linux-gnu-objdump',
    ['-D', '-b', 'binary', '-m', 'riscv:rv64', '-M', 'no-aliases', file],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  assert.equal(
    result.status,
    0,
    `objdump failed (install binutils-riscv64-linux-gnu): ${result.stderr ?? result.error}`,
  );
  const lines: Line[] = [];
  for (const text of result.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+[0-9a-f]+\s+(\S+)\s*(.*)$/.exec(text);
    if (!m) continue;
    lines.push({
      address: parseInt(m[1], 16),
      mnemonic: m[2],
      operands: m[3]
        ? m[3]
            .replace(/\s*#.*$/, '')
            .split(',')
            .map((s) => s.trim())
        : [],
    });
  }
  return lines;
}

const hart = await Hart.create({ ramBase: 0x8000_0000, ramSize: 1 << 20, bus: new Bus() });

/** "imm(reg)" → [imm, reg] */
const memOperand = (text: string): [number, number] => {
  const m = /^(-?\w+)\((\w+)\)$/.exec(text);
  assert.ok(m, `memory operand ${text}`);
  return [Number(m[1]), reg(m[2])];
};

interface Expected {
  op: Op;
  rd?: number;
  rs1?: number;
  rs2?: number;
  imm?: number;
}

/** What the hart must decode a compressed instruction to, from objdump's reading of it. */
function expectedCompressed(line: Line): Expected | 'illegal' {
  const { mnemonic: name, operands: o, address } = line;
  const num = (s: string) => Number(s);
  const target = (s: string) => parseInt(s, 16) - address;
  switch (name) {
    case '.2byte':
    case 'c.unimp':
      return 'illegal';
    case 'c.addi4spn':
      return { op: Op.ADDI, rd: reg(o[0]), rs1: 2, imm: num(o[2]) };
    case 'c.fld':
    case 'c.lw':
    case 'c.ld':
    case 'c.fldsp':
    case 'c.lwsp':
    case 'c.ldsp': {
      const [imm, rs1] = memOperand(o[1]);
      const op = {
        'c.fld': Op.FLD,
        'c.lw': Op.LW,
        'c.ld': Op.LD,
        'c.fldsp': Op.FLD,
        'c.lwsp': Op.LW,
        'c.ldsp': Op.LD,
      }[name];
      return { op, rd: reg(o[0]), rs1, imm };
    }
    case 'c.fsd':
    case 'c.sw':
    case 'c.sd':
    case 'c.fsdsp':
    case 'c.swsp':
    case 'c.sdsp': {
      const [imm, rs1] = memOperand(o[1]);
      const op = {
        'c.fsd': Op.FSD,
        'c.sw': Op.SW,
        'c.sd': Op.SD,
        'c.fsdsp': Op.FSD,
        'c.swsp': Op.SW,
        'c.sdsp': Op.SD,
      }[name];
      return { op, rs2: reg(o[0]), rs1, imm };
    }
    case 'c.nop':
      return { op: Op.ADDI, rd: 0, rs1: 0, imm: o.length ? num(o[0]) : 0 };
    case 'c.addi':
      return { op: Op.ADDI, rd: reg(o[0]), rs1: reg(o[0]), imm: num(o[1]) };
    case 'c.addiw':
      return { op: Op.ADDIW, rd: reg(o[0]), rs1: reg(o[0]), imm: num(o[1]) };
    case 'c.li':
      return { op: Op.ADDI, rd: reg(o[0]), rs1: 0, imm: num(o[1]) };
    case 'c.addi16sp':
      return { op: Op.ADDI, rd: 2, rs1: 2, imm: num(o[1]) };
    case 'c.lui':
      return { op: Op.LUI, rd: reg(o[0]), imm: (num(o[1]) << 12) | 0 };
    case 'c.srli':
    case 'c.srai':
    case 'c.slli':
    case 'c.andi': {
      const op = { 'c.srli': Op.SRLI, 'c.srai': Op.SRAI, 'c.slli': Op.SLLI, 'c.andi': Op.ANDI }[
        name
      ];
      return { op, rd: reg(o[0]), rs1: reg(o[0]), imm: num(o[1]) };
    }
    case 'c.srli64':
    case 'c.srai64':
    case 'c.slli64': {
      const op = { 'c.srli64': Op.SRLI, 'c.srai64': Op.SRAI, 'c.slli64': Op.SLLI }[name];
      return { op, rd: reg(o[0]), rs1: reg(o[0]), imm: 0 };
    }
    case 'c.sub':
    case 'c.xor':
    case 'c.or':
    case 'c.and':
    case 'c.subw':
    case 'c.addw': {
      const op = {
        'c.sub': Op.SUB,
        'c.xor': Op.XOR,
        'c.or': Op.OR,
        'c.and': Op.AND,
        'c.subw': Op.SUBW,
        'c.addw': Op.ADDW,
      }[name];
      return { op, rd: reg(o[0]), rs1: reg(o[0]), rs2: reg(o[1]) };
    }
    case 'c.j':
      return { op: Op.JAL, rd: 0, imm: target(o[0]) };
    case 'c.beqz':
      return { op: Op.BEQ, rs1: reg(o[0]), rs2: 0, imm: target(o[1]) };
    case 'c.bnez':
      return { op: Op.BNE, rs1: reg(o[0]), rs2: 0, imm: target(o[1]) };
    case 'c.jr':
      return { op: Op.JALR, rd: 0, rs1: reg(o[0]), imm: 0 };
    case 'c.jalr':
      return { op: Op.JALR, rd: 1, rs1: reg(o[0]), imm: 0 };
    case 'c.mv':
      return { op: Op.ADD, rd: reg(o[0]), rs1: 0, rs2: reg(o[1]) };
    case 'c.add':
      return { op: Op.ADD, rd: reg(o[0]), rs1: reg(o[0]), rs2: reg(o[1]) };
    case 'c.ebreak':
      return { op: Op.EBREAK };
  }
  throw new Error(`no expectation for objdump's ${name} ${o.join(',')}`);
}

function check(d: DecodedInstruction, e: Expected, what: string): void {
  const got = { op: mnemonic(d.op), rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm };
  const want = {
    op: mnemonic(e.op),
    rd: e.rd ?? d.rd,
    rs1: e.rs1 ?? d.rs1,
    rs2: e.rs2 ?? d.rs2,
    imm: e.imm ?? d.imm,
  };
  assert.deepEqual(got, want, what);
}

test('every 16-bit encoding decodes as objdump reads it (RV64C, reserved ones illegal)', () => {
  const halves: number[] = [];
  for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) halves.push(h);
  const bytes = new Uint8Array(halves.length * 2);
  halves.forEach((h, i) => {
    bytes[2 * i] = h & 0xff;
    bytes[2 * i + 1] = h >> 8;
  });
  const lines = objdump(bytes);
  assert.equal(lines.length, halves.length);
  let legal = 0;
  for (const line of lines) {
    const raw = halves[line.address / 2];
    const d = hart.decode(raw);
    const what = `0x${raw.toString(16).padStart(4, '0')}: objdump says ${line.mnemonic} ${line.operands.join(',')}`;
    let expected = expectedCompressed(line);
    // binutils prints these, but the ISA reserves them (unprivileged ISA, RVC: "C.ADDI4SPN,
    // C.ADDI16SP and C.LUI are only valid when the immediate is not zero").
    if (
      expected !== 'illegal' &&
      (line.mnemonic === 'c.addi16sp' ||
        line.mnemonic === 'c.lui' ||
        line.mnemonic === 'c.addi4spn') &&
      expected.imm === 0
    ) {
      expected = 'illegal';
    }
    if (expected === 'illegal') {
      assert.equal(d.op, Op.ILLEGAL, what);
    } else {
      legal++;
      assert.equal(d.length, 2, what);
      check(d, expected, what);
    }
  }
  assert.ok(legal > 40000, `only ${legal} legal compressed encodings`);
});

test('32-bit encodings name the same instruction as objdump', () => {
  // Every major opcode of RV64GC with pseudo-random other bits, plus fixed system instructions.
  const opcodes = [
    0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f,
    0x53, 0x63, 0x67, 0x6f, 0x73,
  ];
  const words: number[] = [
    0x00000073, 0x00100073, 0x30200073, 0x10200073, 0x10500073, 0x12000073, 0x0000100f,
  ];
  let seed = 0x12345678;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (const opcode of opcodes) {
    for (let i = 0; i < 1500; i++) words.push(((random() ^ (random() << 16)) & ~0x7f) | opcode);
  }
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w >>> 0, true));
  const lines = objdump(bytes);
  assert.equal(lines.length, words.length);
  let compared = 0;
  for (const line of lines) {
    const raw = words[line.address / 4] >>> 0;
    const d = hart.decode(raw);
    const what = `0x${raw.toString(16).padStart(8, '0')}: objdump says ${line.mnemonic} ${line.operands.join(',')}`;
    if (line.mnemonic === '.4byte') {
      // FENCE and FENCE.I ignore their unused fields (unprivileged ISA, "Memory Ordering" and
      // Zifencei: reserved for future use, base implementations shall ignore them); binutils does not.
      if (d.op === Op.FENCE || d.op === Op.FENCE_I) continue;
      assert.equal(d.op, Op.ILLEGAL, what);
      continue;
    }
    if (d.op === Op.ILLEGAL) continue; // an extension beyond RV64GC that binutils knows (Zb*, Zfh, V, ...)
    let name = line.mnemonic.replace(/\.(aq|rl|aqrl)$/, '');
    if (name.startsWith('fence') && name !== 'fence.i') name = 'fence'; // fence.tso and pause are fences
    assert.equal(mnemonic(d.op), name, what);
    assert.equal(d.length, 4, what);
    compared++;
  }
  assert.ok(compared > 12000, `only ${compared} instructions compared`);
});
