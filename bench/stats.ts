export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

/** Nearest-rank percentiles, in the unit of the samples, rounded to 0.1. */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return round(sorted[rank - 1]!);
  };
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100), count: sorted.length };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
