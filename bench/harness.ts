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

export interface Latency {
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Runs `work(i)` `repeats` times after 10 warm-up calls and returns its latency percentiles in ms. */
export async function latency(work: (i: number) => unknown, repeats: number): Promise<Latency> {
  for (let i = 0; i < 10; i++) await work(i);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await work(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}
