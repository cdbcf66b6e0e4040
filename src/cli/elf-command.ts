// `linux-terminal elf FILE [--max-instructions N] [--trace] [--no-jit] [--stats]`: runs a
// bare-metal RISC-V program until it reports through `tohost`; prints PASS or FAIL <n> and exits
// 0 or 1.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runBareMetal } from '../engine/bare-metal.js';
import { ElfError } from '../engine/elf.js';
import { describeTranslator } from './translator-stats.js';

export const elfUsage = `usage: linux-terminal elf FILE [--max-instructions N] [--trace] [--no-jit] [--stats]

Loads a RISC-V ELF at its physical addresses (RAM at 0x80000000), starts the hart in machine mode
at its entry point and runs until the program stores to its \`tohost\` symbol:
1 means PASS, (n << 1) | 1 means FAIL n.

  --max-instructions N   give up after N instructions (default 100000000)
  --trace                print pc, instruction bits and disassembly for every step (interpreted:
                         the translator is off)
  --no-jit               interpret every instruction: no translation of hot code to WebAssembly
  --stats                print on stderr the instructions retired, MIPS, and the translator's
                         units compiled, compile time, share of the instructions retired in
                         translated code, and cache evictions (or that it is off)
`;

export async function elfCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'max-instructions': { type: 'string' },
        trace: { type: 'boolean', default: false },
        'no-jit': { type: 'boolean', default: false },
        stats: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`linux-terminal elf: ${(error as Error).message}\n\n${elfUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(elfUsage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`linux-terminal elf: expected one ELF file\n\n${elfUsage}`);
    return 2;
  }
  const limitText = values['max-instructions'];
  const maxInstructions = limitText === undefined ? undefined : Number(limitText);
  if (
    maxInstructions !== undefined &&
    !(Number.isSafeInteger(maxInstructions) && maxInstructions > 0)
  ) {
    console.error(
      `linux-terminal elf: --max-instructions needs a positive whole number, not '${limitText}'`,
    );
    return 2;
  }
  const [file] = positionals;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    console.error(
      `linux-terminal elf: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
    return 2;
  }
  try {
    const trace = values.trace ? (line: string) => process.stdout.write(`${line}\n`) : undefined;
    const started = performance.now();
    const result = await runBareMetal(bytes, { maxInstructions, trace, jit: !values['no-jit'] });
    if (values.stats && result.outcome !== 'error') {
      const seconds = (performance.now() - started) / 1000;
      const { instructions, jit } = result;
      console.error(
        `${instructions.toLocaleString('en')} instructions in ${seconds.toFixed(2)} s, ${(Number(instructions) / seconds / 1e6).toFixed(1)} MIPS`,
      );
      console.error(describeTranslator(jit, instructions));
    }
    switch (result.outcome) {
      case 'pass':
        console.log('PASS');
        return 0;
      case 'fail':
        console.log(`FAIL ${result.testCase}`);
        return 1;
      case 'limit':
        console.error(
          `linux-terminal elf: ${file} did not report through tohost within ${result.instructions} instructions (pc 0x${result.pc.toString(16)}); raise --max-instructions if it needs longer`,
        );
        return 1;
      case 'error':
        console.error(`linux-terminal elf: ${file}: ${result.message}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ElfError) {
      console.error(`linux-terminal elf: ${file}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
