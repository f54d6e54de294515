// Shared benchmark helpers: time a workload and its same-run baseline, print rates and their ratio.
// Benchmarks report; they never fail on a number (tests never assert timings).
import { performance } from "node:perf_hooks";

export interface Timing {
  seconds: number;
  /** Units of work per second (`units` / seconds). */
  rate: number;
}

/** Runs `work` `repeat` times (after one warm-up) and keeps the fastest, to damp noise from other processes. */
export async function time(units: number, work: () => unknown, repeat = 3): Promise<Timing> {
  await work();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await work();
    best = Math.min(best, performance.now() - t0);
  }
  const seconds = best / 1000;
  return { seconds, rate: units / seconds };
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k`;
  return rate.toFixed(1);
}

/** Prints one benchmark line: workload vs baseline, as rates in `unit`/s and the ratio workload/baseline. */
export function report(
  name: string,
  unit: string,
  subject: Timing,
  baseline: Timing,
  baselineName: string,
): void {
  const ratio = subject.rate / baseline.rate;
  console.log(
    `${name}: ${formatRate(subject.rate)} ${unit}/s (${(subject.seconds * 1000).toFixed(1)} ms) | ` +
      `baseline ${baselineName}: ${formatRate(baseline.rate)} ${unit}/s | ratio ${ratio.toFixed(2)}x`,
  );
}
