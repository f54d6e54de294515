// `databroker ingest <file|dir>... [--catalog URI] [--file-root DIR] [--trust-resource-paths]`: reads documents
// of any format, cuts the stream into runs and stores each run with one atomic put while reading on. A rejected
// run is reported with its findings and the others are still stored; a Resource whose files lie outside the
// catalog's file roots is refused, as over HTTP, unless the import is trusted. Exit code: 0 all stored, 1 some
// run rejected, 2 some input unreadable (the whole documents before the damage are stored). On a terminal a
// progress line shows documents, events/s, runs.
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { FILE_ROOT_RULE } from "../../assets/resourcePathCheck.ts";
import { Broker } from "../../broker/Broker.ts";
import {
  type DocumentStream,
  documentCountOf,
  eventCountOf,
} from "../../documents/formats/DocumentStream.ts";
import { readDocuments } from "../../documents/formats/index.ts";
import {
  ConflictError,
  type Finding,
  NotFoundError,
  UnreadableError,
  ValidationError,
} from "../../errors.ts";
import { runStretches } from "../../storage/ingest/runStretches.ts";
import { defaultCatalogUri } from "../../storage/openStore.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withTrustOption,
} from "../fileRootOptions.ts";

export const EXIT_STORED = 0;
export const EXIT_REJECTED = 1;
export const EXIT_UNREADABLE = 2;

interface Totals {
  read: number;
  events: number;
  stored: number;
  skipped: number;
  runs: Set<string>;
  rejected: number;
  /** Runs refused for a Resource outside the file roots (the summary says how to accept them). */
  outsideRoots: number;
}

/** A progress line on a terminal (stderr); nothing when output is redirected. */
class Progress {
  private readonly bar?: cliProgress.SingleBar;
  private readonly started = performance.now();

  constructor(private readonly totals: Totals) {
    if (!process.stderr.isTTY) return;
    this.bar = new cliProgress.SingleBar({
      format: "ingest | {read} documents | {rate} events/s | {runs} runs stored | {rejected} rejected",
      hideCursor: true,
      clearOnComplete: true,
    });
    this.bar.start(0, 0, this.payload());
  }

  private payload() {
    const seconds = (performance.now() - this.started) / 1000;
    return {
      read: this.totals.read,
      rate: Math.round(this.totals.events / Math.max(seconds, 1e-3)),
      runs: this.totals.runs.size,
      rejected: this.totals.rejected,
    };
  }

  update(): void {
    this.bar?.update(0, this.payload());
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** Passes documents through, counting them for the progress line. */
function counted(documents: DocumentStream, totals: Totals, progress: Progress): DocumentStream {
  let shown = 0;
  return documents.tap((item) => {
    totals.read += documentCountOf(item);
    totals.events += eventCountOf(item);
    if (totals.read - shown < 1024) return;
    shown = totals.read;
    progress.update();
  });
}

function isReadFailure(error: unknown): error is Error {
  if (error instanceof UnreadableError || error instanceof NotFoundError) return true;
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

function printFinding(finding: Finding): void {
  const where = finding.doc_index === undefined ? "run" : `doc ${finding.doc_index}`;
  const path = finding.path === "" ? "" : ` ${finding.path}`;
  console.error(`    ${where} ${finding.name}${path} [${finding.rule}] ${finding.message}`);
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

export async function ingestPaths(
  paths: string[],
  catalog: string,
  flags: FileRootFlags = {},
): Promise<number> {
  const broker = await Broker.open(catalog, brokerFileOptions(flags));
  const trust = { trustResourcePaths: flags.trustResourcePaths };
  const totals: Totals = {
    read: 0,
    events: 0,
    stored: 0,
    skipped: 0,
    runs: new Set(),
    rejected: 0,
    outsideRoots: 0,
  };
  const progress = new Progress(totals);
  const started = performance.now();
  let unreadable = false;
  try {
    for (const path of paths) {
      try {
        for await (const stretch of runStretches(counted(readDocuments(path), totals, progress))) {
          try {
            const report = await broker.put(stretch.documents, trust);
            totals.stored += report.stored;
            totals.skipped += report.skipped;
            for (const run of report.runs) totals.runs.add(run);
          } catch (error) {
            if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
            totals.rejected++;
            progress.stop();
            console.error(
              `rejected run ${stretch.run ?? "(documents of no run in this input)"} from ${path}: ${error.message}`,
            );
            if (error instanceof ValidationError) {
              error.findings.forEach(printFinding);
              if (error.findings.some((finding) => finding.rule === FILE_ROOT_RULE)) totals.outsideRoots++;
            }
          }
          progress.update();
        }
      } catch (error) {
        if (!isReadFailure(error)) throw error;
        unreadable = true;
        progress.stop();
        console.error(`databroker ingest: ${error.message}`);
      }
    }
  } finally {
    progress.stop();
    await broker.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const rejected = totals.rejected > 0 ? `; ${plural(totals.rejected, "run")} rejected` : "";
  console.log(
    `ingested ${plural(totals.runs.size, "run")} into ${catalog}: ${plural(totals.stored, "document")} stored, ` +
      `${totals.skipped.toLocaleString("en-US")} already there, ${plural(totals.events, "event")} read in ` +
      `${seconds.toFixed(1)} s (${Math.round(totals.events / Math.max(seconds, 1e-3)).toLocaleString("en-US")} events/s)${rejected}`,
  );
  if (totals.outsideRoots > 0) {
    console.error(
      `${plural(totals.outsideRoots, "run")} refused for files outside the catalog's file roots: add the ` +
        "folders that hold them with --file-root DIR, or accept them with --trust-resource-paths (a trusted import)",
    );
  }
  if (unreadable) return EXIT_UNREADABLE;
  return totals.rejected > 0 ? EXIT_REJECTED : EXIT_STORED;
}

export function registerIngest(program: Command): void {
  withTrustOption(
    withFileRootOptions(program.command("ingest")),
    "a trusted local import; their files are still read only from the file roots",
  )
    .description("store every run found in the given files and directories (any document format)")
    .argument("<paths...>", "document files (JSON, JSON Lines, msgpack) or directories of them")
    .option(
      "--catalog <uri>",
      "catalog to store into (sqlite:///abs/path.db, a .db/.sqlite path, memory:)",
      defaultCatalogUri(),
    )
    .action(async (paths: string[], options: FileRootFlags & { catalog: string }) => {
      process.exitCode = await ingestPaths(paths, options.catalog, options);
    });
}
