// Whole-process timings of the built command (dist/, as `npm ci` leaves it) against node's own start in the
// same run: `--help`, `ls` on a catalog of the reference data, and `ingest` of 100,000 single events against
// a bare node process that reads and JSON.parses the same file line by line.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { writeDocuments } from "../src/documents/formats/writeDocuments.ts";
import { dataPath } from "../test/support/sharedData.ts";
import { singleEventRun } from "./ingest.bench.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "bin", "databroker.js");
const REFERENCE = dataPath("apstools", "tests");

/** Wall seconds of one whole process; it must succeed. */
function wall(args: string[]): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Medians of `subject` and `baseline`, run in turn (A B A B ...), and the median of the pairs' ratios
 * baseline/subject: a pair shares the machine's mood of the moment, so its ratio drifts less than either time.
 */
function paired(subject: () => number, baseline: () => number, rounds: number): [number, number, number] {
  subject();
  baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(subject());
    b.push(baseline());
  }
  return [median(a), median(b), median(a.map((seconds, i) => b[i] / seconds))];
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;

export async function run(): Promise<void> {
  // The command as installed: built from the sources as they are now (JavaScript only; types are not run).
  const build = spawnSync(process.execPath, ["scripts/build.mjs", "--no-types"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("the build failed");
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-startup-"));
  try {
    const nodeStart = () => wall(["-e", "0"]);
    const [help, node1] = paired(() => wall([BIN, "--help"]), nodeStart, 15);
    console.log(`databroker --help: ${ms(help)} | node -e 0: ${ms(node1)} | over node: ${ms(help - node1)}`);

    const catalog = join(dir, "reference.db");
    wall([BIN, "ingest", REFERENCE, "--catalog", catalog]);
    const [ls, node2] = paired(() => wall([BIN, "ls", "--catalog", catalog]), nodeStart, 15);
    console.log(
      `databroker ls (reference catalog): ${ms(ls)} | node -e 0: ${ms(node2)} | over node: ${ms(ls - node2)}`,
    );

    const events = 100_000;
    const jsonl = join(dir, "run.jsonl");
    await writeDocuments(jsonl, singleEventRun(events), "jsonl");
    const bareParse = `for (const line of require("node:fs").readFileSync(${JSON.stringify(jsonl)}, "utf8").split("\\n")) if (line !== "") JSON.parse(line);`;
    let round = 0;
    const [ingest, parse, ratio] = paired(
      () => wall([BIN, "ingest", jsonl, "--catalog", join(dir, `ingest-${round++}.db`)]),
      () => wall(["-e", bareParse]),
      9,
    );
    console.log(
      `databroker ingest, ${events} events x 10 floats (whole process): ${ms(ingest)} | ` +
        `node reading + JSON.parse per line: ${ms(parse)} | ratio ${ratio.toFixed(2)}x (median of pairs)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
