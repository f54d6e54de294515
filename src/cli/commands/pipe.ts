// `databroker pipe '<query>' --run <processor> [--param k=v]... [--catalog URI] [--to URI] [--once]`: applies a
// processor (src/pipelines) to every run the query selects that has no derived run from it yet, then follows
// new runs live until SIGINT/SIGTERM (`--once`: the completed runs, then exit). One stderr line per run; a
// failed run is reported and the others go on (exit 1); a bad processor, parameter or query is one line, exit 1.
import type { Command } from "commander";
import { localActor } from "../../access/AccessControl.ts";
import { Broker } from "../../broker/Broker.ts";
import { DatabrokerError } from "../../errors.ts";
import type { DerivedRunReport } from "../../pipelines/deriveRun.ts";
import { loadProcessor } from "../../pipelines/loadProcessor.ts";
import { Pipeline, type PipelineTotals } from "../../pipelines/Pipeline.ts";
import type { Processor, ProcessorParams } from "../../pipelines/Processor.ts";
import { paramsFromText } from "../../pipelines/processorParams.ts";
import { processors } from "../../pipelines/processors/index.ts";
import { parseQuery } from "../../queries/parseQuery.ts";
import type { Query } from "../../queries/Query.ts";
import { type CatalogChoice, catalogLabel, withCatalogOption } from "../catalogOption.ts";
import { cliMessageOf } from "../errors.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withRootMapOption,
  withTrustOption,
} from "../fileRootOptions.ts";
import { grouped, plural } from "../plural.ts";

interface PipeFlags extends FileRootFlags {
  catalog: CatalogChoice;
  run: string;
  param: string[];
  to?: CatalogChoice;
  once?: boolean;
  rootMap?: Record<string, string>;
}

/** What the command was asked to do, checked before any catalog is opened. */
interface PipeRequest {
  processor: Processor;
  params: ProcessorParams;
  query: Query;
}

const EXIT_USAGE = 1;
const EXIT_SOME_FAILED = 1;

function collect(text: string, previous: string[]): string[] {
  return [...previous, text];
}

async function requestOf(text: string, flags: PipeFlags): Promise<PipeRequest> {
  const processor = await loadProcessor(flags.run);
  return { processor, params: paramsFromText(processor, flags.param), query: parseQuery(text) };
}

function totalsLine(name: string, totals: PipelineTotals): string {
  const parts = [
    `${plural(totals.derived, "run")} derived`,
    `${grouped(totals.already)} already derived`,
    `${grouped(totals.failed)} failed`,
  ];
  if (totals.unfinished > 0)
    parts.push(`${grouped(totals.unfinished)} unfinished (the next pipe finishes them)`);
  if (totals.running > 0)
    parts.push(`${grouped(totals.running)} not stopped yet (left to a pipe without --once)`);
  return `pipe ${name}: ${parts.join(", ")}`;
}

async function pipe(request: PipeRequest, flags: PipeFlags): Promise<number> {
  const fileOptions = { ...brokerFileOptions(flags), rootMap: flags.rootMap };
  const separate = flags.to !== undefined && catalogLabel(flags.to) !== catalogLabel(flags.catalog);
  // A read-only open first: a catalog that is not there is "no catalog at ...", never made by a pipe.
  if (!separate) await (await Broker.open(flags.catalog, { readOnly: true })).close();
  const catalog = await Broker.open(flags.catalog, { ...fileOptions, readOnly: separate });
  const target = separate ? await Broker.open(flags.to as CatalogChoice) : catalog;
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const { processor, params } = request;
  const name = processor.name;
  try {
    const source = catalog.search(request.query);
    const pipeline = new Pipeline(
      source,
      { processor, params, target, createdBy: localActor(), trustResourcePaths: flags.trustResourcePaths },
      {
        processed(report: DerivedRunReport) {
          const done = report.outcome === "derived" ? "derived" : "left unfinished (stopped)";
          console.error(
            `pipe ${name}: run ${report.input} ${done} -> ${report.uid} ` +
              `(${plural(report.documents, "document")} read, ${plural(report.events, "event")} written)`,
          );
        },
        failed(input: string, error: unknown) {
          console.error(
            `pipe ${name}: run ${input} failed: ${cliMessageOf(error).replace(/\s*\n\s*/g, " ")}`,
          );
        },
      },
    );
    const live = !flags.once;
    // Live changes are watched from before the listing, so a run that appears meanwhile is not missed.
    const following = live ? pipeline.followLive(stopping.signal) : undefined;
    await pipeline.processExisting(stopping.signal, live);
    if (following && !stopping.signal.aborted)
      console.error(
        `pipe ${name}: following ${catalogLabel(flags.catalog)} for new runs (SIGINT or SIGTERM stops)`,
      );
    await following;
    await pipeline.finished();
    console.error(totalsLine(name, pipeline.totals));
    return pipeline.totals.failed > 0 ? EXIT_SOME_FAILED : 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    if (separate) await target.close();
    await catalog.close();
  }
}

export function registerPipe(program: Command): void {
  withTrustOption(
    withRootMapOption(withFileRootOptions(withCatalogOption(program.command("pipe"), "read runs from"))),
    "copying an input run into the --to catalog, which its derived run's provenance must find there",
  )
    .description(
      "apply a processor to the runs a query selects, writing a derived run with provenance per input, " +
        `then follow new runs live (processors: ${processors
          .all()
          .map((each) => each.name)
          .join(", ")}, or a module ./file.ts)`,
    )
    .argument("<query>", "the runs to process, e.g. 'plan_name == \"scan\"'")
    .requiredOption("--run <processor>", "a processor name, or the path of a module exporting one")
    .option("--param <name=value>", "a parameter of the processor (repeatable)", collect, [])
    .option(
      "--to <name|uri>",
      "catalog to write derived runs to: a configured name or a URI (default: the --catalog)",
    )
    .option("--once", "derive the completed runs, then exit (no live following)")
    .action(async (text: string, flags: PipeFlags) => {
      let request: PipeRequest;
      try {
        request = await requestOf(text, flags);
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        // One line: a query's error points at the column under a copy of the query, which is left out here.
        console.error(`databroker pipe: ${error.message.split("\n")[0]}`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // What fails past this point (the catalog, a live connection) is main.ts's one line and exit code 2.
      process.exitCode = await pipe(request, flags);
    });
}
