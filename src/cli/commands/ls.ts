// `databroker ls [--catalog URI] [--limit N] [--json]`: the runs of a catalog, newest first: uid, scan_id,
// start time, plan_name, events per stream and exit status; `--json` prints one JSON array of objects.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import { dateOf } from "../../documents/epochTime.ts";
import { ALL } from "../../queries/Query.ts";
import { FederationReport } from "../../storage/federation/FederationReport.ts";
import { openStore } from "../../storage/openStore.ts";
import { aligned } from "../alignedColumns.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { warnPartial } from "../warnPartial.ts";

export const DEFAULT_LIMIT = 25;

export interface RunListing {
  uid: string;
  scan_id: number | null;
  time: number;
  plan_name: string | null;
  streams: Record<string, number>;
  /** null while the run has no stop. */
  exit_status: string | null;
  /** In a federation: the sources holding the run (the one read first first). */
  sources?: string[];
}

export function listingOf(summary: RunSummary): RunListing {
  const { start, stop } = summary;
  return {
    uid: summary.uid,
    scan_id: typeof start.scan_id === "number" ? start.scan_id : null,
    time: start.time,
    plan_name: typeof start.plan_name === "string" ? start.plan_name : null,
    streams: summary.streams,
    exit_status: stop?.exit_status ?? null,
    ...(summary.sources && { sources: summary.sources }),
  };
}

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
function localTime(epochSeconds: number): string {
  const date = dateOf(epochSeconds);
  if (date === null) return "?";
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

function table(rows: RunListing[]): string {
  const cells = rows.map((row) => [
    row.uid,
    row.scan_id === null ? "-" : String(row.scan_id),
    localTime(row.time),
    row.plan_name ?? "-",
    Object.entries(row.streams)
      .map(([stream, events]) => `${stream}:${events}`)
      .join(" ") || "-",
    row.exit_status ?? "(no stop)",
    ...(row.sources ? [row.sources.join(",")] : []),
  ]);
  const header = ["uid", "scan_id", "time", "plan_name", "events", "exit_status"];
  // A federation's listing says where each run lives.
  if (rows.some((row) => row.sources)) header.push("source");
  return aligned([header, ...cells]).join("\n");
}

/**
 * Prints runs as `ls` does (what `search` prints too): one JSON array, or the table followed by how many
 * runs the limit left out (`countAll` is asked only then).
 */
export async function printRunListing(
  summaries: AsyncIterable<RunSummary>,
  options: { json?: boolean },
  countAll: () => Promise<number>,
): Promise<number> {
  const rows: RunListing[] = [];
  for await (const summary of summaries) rows.push(listingOf(summary));
  if (options.json) {
    console.log(JSON.stringify(rows));
    return rows.length;
  }
  console.log(table(rows));
  const total = await countAll();
  if (total > rows.length) console.log(`(${total - rows.length} more; use --limit)`);
  return rows.length;
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError("expected a whole number of 1 or more");
  return value;
}

export function registerLs(program: Command): void {
  withCatalogOption(program.command("ls"), "list")
    .description("list the runs of a catalog, newest first")
    .option("--limit <n>", "how many runs", positiveInteger, DEFAULT_LIMIT)
    .option("--json", "print one JSON array of objects")
    .action(async (options: { catalog: CatalogChoice; limit: number; json?: boolean }) => {
      const store = await openStore(options.catalog, { readOnly: true });
      const report = new FederationReport();
      try {
        await printRunListing(store.runs(ALL, { limit: options.limit, report }), options, () =>
          store.count(ALL, { report }),
        );
        warnPartial("ls", report);
      } finally {
        await store.close();
      }
    });
}
