// Figures over repeated runs, as the benchmarks print them: the median (one slow or one lucky run
// does not move it) with the spread (min–max), which says how noisy the machine was.

/** BENCH_RUNS, or `fallback`: how many times each side of a benchmark runs. */
export function benchRuns(fallback = 5): number {
  const runs = Number(process.env.BENCH_RUNS ?? fallback);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(
      `BENCH_RUNS must be a whole number of runs, 1 or more, not '${process.env.BENCH_RUNS}'`,
    );
    process.exit(2);
  }
  return runs;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** "median (min–max)", each with `digits` decimals. */
export function spread(values: number[], digits = 3): string {
  const f = (n: number) => n.toFixed(digits);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}
