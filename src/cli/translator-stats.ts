// The translator's line in --stats (run, elf): how much it compiled, what that cost, and how much
// of the guest's work ran in translated code rather than in the interpreter.
import type { JitStats } from '../engine/jit/translator.js';

/**
 * One line: units compiled (and how many of them in a codegen thread) and the hot entries they
 * serve (one unit per page of a batch), compile time, the share
 * of `retired` instructions (those retired since the machine was created, the span the
 * translator counts over) that ran translated and how many ran per call into translated code,
 * cache evictions and pages of translated code the guest wrote; "translator: off" when `jit` is
 * undefined (--no-jit).
 */
export function describeTranslator(jit: JitStats | undefined, retired: bigint): string {
  if (!jit) return 'translator: off';
  const share = retired > 0n ? (jit.translatedInstructions / Number(retired)) * 100 : 0;
  const perCall = jit.unitCalls > 0 ? jit.translatedInstructions / jit.unitCalls : 0;
  return (
    `translator: ${jit.unitsCompiled.toLocaleString('en')} units compiled ` +
    `for ${jit.entriesCompiled.toLocaleString('en')} entries in ${jit.compileMs.toFixed(1)} ms ` +
    `(${jit.unitsOffThread.toLocaleString('en')} in a codegen thread); ` +
    `${share.toFixed(1)}% of instructions in translated code, ${perCall.toFixed(1)} per call; ` +
    `${jit.evictions.toLocaleString('en')} evictions, ${jit.invalidations.toLocaleString('en')} pages rewritten`
  );
}
