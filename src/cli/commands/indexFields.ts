// `databroker index [--catalog URI] [--root-map OLD=NEW] [--file-root DIR] [--quiet] [--json]`: computes the
// statistics search into data needs of every field not indexed yet (external detector data read through the
// handlers; arrays stored before per-event sums were kept), descriptor by descriptor, each committed as it is
// done: a stopped index resumes where it stopped. Progress (fields, runs, ETA) on stderr; a summary names
// every field that failed (exit 1), the others indexed all the same. Never creates a catalog.
import type { Command } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { indexFields } from "../../broker/indexFields.ts";
import { catalogKindOf } from "../../storage/catalogs/catalogKinds.ts";
import { type CatalogChoice, catalogUriOf, withCatalogOption } from "../catalogOption.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withRootMapOption,
} from "../fileRootOptions.ts";
import { indexFailureLine, indexSummaryLine } from "../indexReport.ts";
import { plural } from "../plural.ts";
import { FIELDS, Progress, progressModeFor } from "../progress.ts";

interface IndexFlags extends FileRootFlags {
  catalog: CatalogChoice;
  rootMap?: Record<string, string>;
  quiet?: boolean;
  json?: boolean;
}

async function indexCommand(flags: IndexFlags): Promise<void> {
  // A read-only open first: a catalog that is not there is "no catalog at ...", never made by an index.
  await (await Broker.open(flags.catalog, { readOnly: true })).close();
  const broker = await Broker.open(flags.catalog, { rootMap: flags.rootMap, ...brokerFileOptions(flags) });
  const started = performance.now();
  let runs = { runsDone: 0, runs: 0 };
  const progress = new Progress({
    label: "index",
    mode: progressModeFor(flags.quiet || flags.json),
    unit: FIELDS,
    detail: () => `${runs.runsDone} of ${plural(runs.runs, "run")} done`,
  });
  try {
    const summary = await indexFields(broker, {
      onProgress: (now) => {
        if (now.fieldsDone === 0 && now.runsDone === 0) progress.start(now.fields);
        runs = now;
        progress.moveTo(now.fieldsDone);
      },
      onFailure: (failure) => {
        if (!flags.json) progress.log(`databroker index: ${indexFailureLine(failure)}`);
      },
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds })}\n`);
    else console.log(indexSummaryLine(summary, seconds));
    if (summary.indexed > 0 && catalogKindOf(catalogUriOf(flags.catalog) ?? "")?.name === "file")
      console.error(
        "databroker index: a files catalog keeps statistics in memory only: they are gone when this command " +
          "ends; serve it with `databroker serve --index` to search into its external data",
      );
    if (summary.failed.length > 0) process.exitCode = 1;
  } finally {
    progress.stop();
    await broker.close();
  }
}

export function registerIndex(program: Command): void {
  withRootMapOption(withFileRootOptions(withCatalogOption(program.command("index"), "index")))
    .description(
      "compute the statistics search into data needs (min, max, per-event sums and means, shape) of every " +
        "field not indexed yet: external detector data read through the handlers, and arrays stored before " +
        "those statistics were kept. Each descriptor is committed as it is done: run it again to resume.",
    )
    .option("--quiet", "no progress (a bar on a terminal, a line every 10 s otherwise)")
    .option("--json", "print the summary as one JSON object (and no progress)")
    .action(indexCommand);
}
