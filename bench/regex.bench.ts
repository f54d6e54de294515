// Regex queries on RE2 (re2js, what regexpOf compiles) against JavaScript's backtracking RegExp measured in the
// same run: the cost on safe patterns over 20,000 short metadata values and over one 1 MB value, as ratios;
// then the catastrophic patterns, where RegExp's time grows 4x per 2 characters and RE2's stays linear.
import { performance } from "node:perf_hooks";
import { regexpOf } from "../src/queries/regexPattern.ts";

const VALUES = Array.from(
  { length: 20_000 },
  (_, i) => `scan_${i} of sample ${i % 97} at beamline ${i % 13}-ID ${"x".repeat(i % 40)}`,
);
const SAFE = ["^scan_1\\d+ of", "sample (12|34) at", "beamline [0-9]+-ID", "x{30}$", "nomatch"];
const LONG = `${"lorem ipsum dolor ".repeat(60_000)}sample 34 at`;

interface Matcher {
  test(text: string): boolean;
}

/** The best of `rounds` timings of `work`, in ms. */
function best(rounds: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

function scan(matchers: Matcher[], texts: string[]): number {
  let hits = 0;
  for (const matcher of matchers) for (const text of texts) if (matcher.test(text)) hits++;
  return hits;
}

function compare(label: string, texts: string[], caseSensitive: boolean): void {
  const native = SAFE.map((pattern) => new RegExp(pattern, caseSensitive ? "u" : "iu"));
  const re2 = SAFE.map((pattern) => regexpOf(pattern, caseSensitive));
  if (scan(native, texts) !== scan(re2, texts)) throw new Error(`${label}: RE2 and RegExp disagree`);
  const baseline = best(7, () => scan(native, texts));
  const ours = best(7, () => scan(re2, texts));
  console.log(
    `${label.padEnd(44)} RegExp ${baseline.toFixed(1).padStart(7)} ms  RE2 ${ours.toFixed(1).padStart(7)} ms  ratio ${(ours / baseline).toFixed(1)}x`,
  );
}

export async function run(): Promise<void> {
  compare("5 safe patterns x 20,000 short values", VALUES, true);
  compare("5 safe patterns x 20,000 short values (i)", VALUES, false);
  compare("5 safe patterns x one 1 MB value", [LONG], true);
  for (const [pattern, char, suffix] of [
    ["^(x+x+)+y$", "x", ""],
    ["(a|aa)+$", "a", "!"],
  ] as const) {
    const native = new RegExp(pattern, "u");
    const re2 = regexpOf(pattern, true);
    const times = [20, 22, 24].map((n) => best(1, () => native.test(`${char.repeat(n)}${suffix}`)));
    const linear = best(3, () => re2.test(`${char.repeat(100_000)}${suffix}`));
    console.log(
      `${pattern.padEnd(12)} RegExp on 20/22/24 chars: ${times.map((t) => `${t.toFixed(1)} ms`).join(" / ")};  RE2 on 100,000 chars: ${linear.toFixed(1)} ms`,
    );
  }
}
