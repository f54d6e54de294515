// `databroker validate <file|dir>... [--json] [--quiet]`: checks every run found in the given files and
// directories (any document format, each file on its own), printing a summary per run or one JSON object per
// run and a last line `{"summary": {...}}`. Files that are not documents are reported and skipped; the exit code is readSources.ts's: 0 every run
// valid, 1 a run invalid or a file skipped or damaged (the runs read before the damage are still reported),
// 2 no documents at all.
import type { Command } from "commander";
import type { DocumentStream } from "../../documents/formats/DocumentStream.ts";
import { type RunFinding, type RunReport, RunsChecker } from "../../documents/run/index.ts";
import { plural as count } from "../plural.ts";
import { Progress, progressModeFor } from "../progress.ts";
import { exitCodeOf, filesSummary, inputsOf, readEachSource, type SourceTally } from "../readSources.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check every run in the given files and directories against the event model")
    .argument("<paths...>", "document files (JSON, JSON Lines, msgpack) or directories of them")
    .option("--json", 'print one JSON object per run and line, then {"summary": {...}}')
    .option("--quiet", "no progress (a bar on a terminal, a line every 10 s otherwise)")
    .action(async (paths: string[], options: { json?: boolean; quiet?: boolean }) => {
      const progress = new Progress({ label: "validate", mode: progressModeFor(options.quiet) });
      process.exitCode = await validatePaths(paths, options.json ? JSON_PRINTER : HUMAN_PRINTER, progress);
    });
}

interface Totals {
  runs: number;
  invalid: number;
  errors: number;
  warnings: number;
}

/** Prints each report, line by line through `out`, and the summary last. */
interface Printer {
  report(report: RunReport, out: (line: string) => void): void;
  summary(totals: Totals, files: SourceTally): string;
}

/** Check every source in turn; returns the exit code. */
async function validatePaths(paths: string[], printer: Printer, progress: Progress): Promise<number> {
  const inputs = await inputsOf(paths);
  const totals: Totals = { runs: 0, invalid: 0, errors: 0, warnings: 0 };
  const checkRuns = async (documents: DocumentStream) => {
    const checker = new RunsChecker();
    try {
      for await (const [name, doc] of documents) checker.add(name, doc);
    } finally {
      // The runs read before damage are reported too.
      for (const report of checker.finish()) {
        printer.report(report, (line) => progress.output(line));
        totals.runs++;
        if (!report.valid) totals.invalid++;
        totals.errors += report.errors.length;
        totals.warnings += report.warnings.length;
      }
    }
  };
  let files: Awaited<ReturnType<typeof readEachSource>>;
  try {
    files = await readEachSource(inputs, "validate", progress, checkRuns);
  } finally {
    progress.stop();
  }
  console.log(printer.summary(totals, files));
  return exitCodeOf(files, totals.invalid > 0);
}

const HUMAN_PRINTER: Printer = {
  report: printHuman,
  summary: ({ runs, invalid, errors, warnings }, files) => {
    const findings = `${count(errors, "error")}, ${count(warnings, "warning")}`;
    return `total: ${count(runs, "run")}, ${runs - invalid} valid, ${invalid} invalid; ${findings}; ${filesSummary(files)}`;
  },
};

const JSON_PRINTER: Printer = {
  report: printJson,
  summary: ({ runs, invalid, errors, warnings }, files) =>
    JSON.stringify({
      summary: {
        runs,
        valid: runs - invalid,
        invalid,
        errors,
        warnings,
        files_read: files.read,
        files_damaged: files.damaged,
        files_skipped: files.skipped,
        documents: files.documents,
      },
    }),
};

function printHuman(report: RunReport, out: (line: string) => void): void {
  const uid = report.uid ?? "(documents of no run)";
  const verdict = report.valid ? "VALID" : "INVALID";
  out(
    `${uid}  ${verdict}  ${count(report.errors.length, "error")}, ${count(report.warnings.length, "warning")}`,
  );
  for (const finding of [...report.errors, ...report.warnings]) {
    const where = finding.doc_index === undefined ? "run" : `doc ${finding.doc_index}`;
    const path = finding.path === "" ? "" : ` ${finding.path}`;
    out(`  ${finding.severity} ${where} ${finding.name}${path} [${finding.rule}] ${finding.message}`);
  }
}

function printJson(report: RunReport, out: (line: string) => void): void {
  const finding = ({ doc_index, name, path, rule, message }: RunFinding) => ({
    doc_index: doc_index ?? null,
    name,
    path,
    rule,
    message,
  });
  const line = {
    uid: report.uid,
    valid: report.valid,
    errors: report.errors.map(finding),
    warnings: report.warnings.map(finding),
  };
  out(JSON.stringify(line));
}
