// `databroker ingest <file|dir>... [--catalog URI] [--file-root DIR] [--trust-resource-paths] [--quiet]`:
// reads each file (any document format) on its own, cuts it into runs and stores each run with one atomic put
// while reading on. A rejected run is reported with its findings and the others are still stored; a Resource
// whose files lie outside the catalog's file roots is refused, as over HTTP, unless the import is trusted.
// Files that are not documents are reported and skipped (readSources.ts, which also sets the exit code).
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { FILE_ROOT_RULE } from "../../assets/resourcePathCheck.ts";
import { Broker } from "../../broker/Broker.ts";
import { type DocumentStream, eventCountOf } from "../../documents/formats/DocumentStream.ts";
import type { RunFinding } from "../../documents/run/index.ts";
import { ConflictError, type Finding, ValidationError } from "../../errors.ts";
import { runStretches } from "../../storage/ingest/runStretches.ts";
import { type CatalogChoice, catalogLabel, withCatalogOption } from "../catalogOption.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withTrustOption,
} from "../fileRootOptions.ts";
import { grouped, plural } from "../plural.ts";
import { Progress, progressModeFor } from "../progress.ts";
import { exitCodeOf, filesSummary, inputsOf, readEachSource } from "../readSources.ts";

interface Totals {
  events: number;
  /** Documents newly stored, and found stored already. */
  stored: number;
  skipped: number;
  /** Runs (of a file) with a document newly stored. */
  runsStored: number;
  /** Runs (of a file) whose every document was stored already. */
  runsThere: number;
  rejected: number;
  /** Runs refused for a Resource outside the file roots (the summary says how to accept them). */
  outsideRoots: number;
}

export interface IngestFlags extends FileRootFlags {
  quiet?: boolean;
}

function findingLine(finding: Finding): string {
  const where = finding.doc_index === undefined ? "run" : `doc ${finding.doc_index}`;
  const path = finding.path === "" ? "" : ` ${finding.path}`;
  return `    ${where} ${finding.name}${path} [${finding.rule}] ${finding.message}`;
}

/** The rejection of a run one of whose documents came before its start (runStretches.ts). */
function outOfOrderError(finding: RunFinding): ValidationError {
  const { severity: _severity, ...plain } = finding;
  return new ValidationError(
    `run not stored: document ${finding.doc_index} (${finding.name}) ${finding.message}`,
    [plain],
  );
}

export async function ingestPaths(
  paths: string[],
  catalog: CatalogChoice,
  flags: IngestFlags = {},
): Promise<number> {
  const inputs = await inputsOf(paths);
  const broker = await Broker.open(catalog, brokerFileOptions(flags));
  const trust = { trustResourcePaths: flags.trustResourcePaths };
  const totals: Totals = {
    events: 0,
    stored: 0,
    skipped: 0,
    runsStored: 0,
    runsThere: 0,
    rejected: 0,
    outsideRoots: 0,
  };
  const progress = new Progress({ label: "ingest", mode: progressModeFor(flags.quiet) });
  const started = performance.now();
  const storeRuns = async (documents: DocumentStream, path: string) => {
    const counted = documents.tap((item) => {
      totals.events += eventCountOf(item);
    });
    for await (const stretch of runStretches(counted)) {
      try {
        if (stretch.outOfOrder) throw outOfOrderError(stretch.outOfOrder);
        const report = await broker.put(stretch.documents, trust);
        totals.stored += report.stored;
        totals.skipped += report.skipped;
        if (report.stored > 0) totals.runsStored++;
        else totals.runsThere++;
      } catch (error) {
        if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
        totals.rejected++;
        const run = stretch.run ?? "(documents of no run in this input)";
        progress.log(`rejected run ${run} from ${path}: ${error.message}`);
        if (!(error instanceof ValidationError)) continue;
        for (const finding of error.findings) progress.log(findingLine(finding));
        if (error.findings.some((finding) => finding.rule === FILE_ROOT_RULE)) totals.outsideRoots++;
      }
    }
  };
  let files: Awaited<ReturnType<typeof readEachSource>>;
  try {
    files = await readEachSource(inputs, "ingest", progress, storeRuns);
  } finally {
    progress.stop();
    await broker.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const runs = totals.runsStored + totals.runsThere;
  console.log(
    `ingested ${plural(runs, "run")} into ${catalogLabel(catalog)}: ${totals.runsStored} stored, ` +
      `${totals.runsThere} already there, ${totals.rejected} rejected; ${filesSummary(files)}; ` +
      `${plural(totals.stored, "document")} stored, ${grouped(totals.skipped)} already there; ` +
      `${plural(totals.events, "event")} read in ${seconds.toFixed(1)} s ` +
      `(${grouped(Math.round(totals.events / Math.max(seconds, 1e-3)))} events/s)`,
  );
  if (totals.outsideRoots > 0) {
    console.error(
      `${plural(totals.outsideRoots, "run")} refused for files outside the catalog's file roots: add the ` +
        "folders that hold them with --file-root DIR, or accept them with --trust-resource-paths (a trusted import)",
    );
  }
  return exitCodeOf(files, totals.rejected > 0);
}

export function registerIngest(program: Command): void {
  withTrustOption(
    withFileRootOptions(withCatalogOption(program.command("ingest"), "store into")),
    "a trusted local import; their files are still read only from the file roots",
  )
    .description("store every run found in the given files and directories (any document format)")
    .argument("<paths...>", "document files (JSON, JSON Lines, msgpack) or directories of them")
    .option("--quiet", "no progress (a bar on a terminal, a line every 10 s otherwise)")
    .action(async (paths: string[], options: IngestFlags & { catalog: CatalogChoice }) => {
      process.exitCode = await ingestPaths(paths, options.catalog, options);
    });
}
