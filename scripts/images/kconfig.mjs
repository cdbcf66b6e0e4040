// Kconfig fragments (the kernel's and BusyBox's): reading them, merging several in order, and
// checking that a built .config has every option they set (kconfig drops options whose
// dependencies are missing, silently).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from './commands.mjs';

/** The options of a kconfig file as [symbol, value]; "# CONFIG_X is not set" is value 'n'. */
export function parseKconfig(text) {
  const options = [];
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (set) options.push([set[1], set[2]]);
    else if (unset) options.push([unset[1], 'n']);
  }
  return options;
}

/** The options of the fragment files, in order; a later file's value for a symbol wins. */
export function mergedFragments(fragments) {
  const merged = new Map();
  for (const path of fragments) {
    for (const [symbol, value] of parseKconfig(readFileSync(path, 'utf8'))) {
      merged.delete(symbol);
      merged.set(symbol, value);
    }
  }
  return [...merged];
}

/** Fragment options whose value differs in `config` (a .config text), as "CONFIG_X=v (is w)". */
export function optionsNotApplied(fragment, config) {
  const values = new Map(parseKconfig(config));
  return fragment
    .filter(([symbol, value]) => (values.get(symbol) ?? 'n') !== value)
    .map(([symbol, value]) => `${symbol}=${value} (is ${values.get(symbol) ?? 'n'})`);
}

/** Throws unless the .config in `tree` has every option of `fragments`. */
export function checkBuiltConfig(tree, fragments) {
  const config = join(tree, '.config');
  const lost = existsSync(config)
    ? optionsNotApplied(mergedFragments(fragments), readFileSync(config, 'utf8'))
    : ['(no .config)'];
  if (lost.length) {
    throw new BuildError(
      'IMAGES-STALE',
      `${tree} was not built with ${fragments.join(' + ')}; run without --no-build:\n  ${lost.join('\n  ')}`,
    );
  }
}
