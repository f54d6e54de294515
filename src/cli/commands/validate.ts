// `databroker validate <file|dir>... [--json]`: checks every run found in the given files and directories
// (any document format), printing a summary per run or one JSON object per run. Exit code: 0 when no run has
// errors, 1 when one has, 2 when an input cannot be read (the runs read before the damage are still reported).
import type { Command } from "commander";
import { readDocuments } from "../../documents/formats/index.ts";
import { type RunFinding, type RunReport, RunsChecker } from "../../documents/run/index.ts";
import { NotFoundError, UnreadableError } from "../../errors.ts";

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNREADABLE = 2;

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check every run in the given files and directories against the event model")
    .argument("<paths...>", "document files (JSON, JSON Lines, msgpack) or directories of them")
    .option("--json", "print one JSON object per run and line")
    .action(async (paths: string[], options: { json?: boolean }) => {
      process.exitCode = await validatePaths(paths, options.json ? printJson : printHuman);
    });
}

type Printer = (report: RunReport) => void;

/** Check every path in turn; returns the exit code. */
async function validatePaths(paths: string[], print: Printer): Promise<number> {
  const totals = { runs: 0, invalid: 0, errors: 0, warnings: 0 };
  let unreadable = false;
  for (const path of paths) {
    const checker = new RunsChecker();
    try {
      for await (const [name, doc] of readDocuments(path)) checker.add(name, doc);
    } catch (error) {
      if (!isReadFailure(error)) throw error;
      unreadable = true;
      console.error(`databroker validate: ${error.message}`);
    }
    for (const report of checker.finish()) {
      print(report);
      totals.runs++;
      if (!report.valid) totals.invalid++;
      totals.errors += report.errors.length;
      totals.warnings += report.warnings.length;
    }
  }
  if (print === printHuman) {
    const { runs, invalid, errors, warnings } = totals;
    const unread = unreadable ? "; some input could not be read" : "";
    const findings = `${count(errors, "error")}, ${count(warnings, "warning")}`;
    console.log(
      `total: ${count(runs, "run")}, ${runs - invalid} valid, ${invalid} invalid; ${findings}${unread}`,
    );
  }
  if (unreadable) return EXIT_UNREADABLE;
  return totals.invalid > 0 ? EXIT_INVALID : EXIT_VALID;
}

/** Damaged input (UnreadableError), a missing path (NotFoundError) or one the system cannot open. */
function isReadFailure(error: unknown): error is Error {
  if (error instanceof UnreadableError || error instanceof NotFoundError) return true;
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function printHuman(report: RunReport): void {
  const uid = report.uid ?? "(documents of no run)";
  const verdict = report.valid ? "VALID" : "INVALID";
  console.log(
    `${uid}  ${verdict}  ${count(report.errors.length, "error")}, ${count(report.warnings.length, "warning")}`,
  );
  for (const finding of [...report.errors, ...report.warnings]) {
    const where = finding.doc_index === undefined ? "run" : `doc ${finding.doc_index}`;
    const path = finding.path === "" ? "" : ` ${finding.path}`;
    console.log(`  ${finding.severity} ${where} ${finding.name}${path} [${finding.rule}] ${finding.message}`);
  }
}

function printJson(report: RunReport): void {
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
  console.log(JSON.stringify(line));
}
