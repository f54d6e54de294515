// `databroker export <runs or query...> --format F --to DIR|-`: runs taken home in any registered export
// format (src/exports). Arguments that look like run references (uid prefix, scan_id, -N, an alias) name
// runs; any other argument is a query (`plan_name == "scan"`). Each run becomes a file or folder named by
// `--name`, a collection format (pack) one folder; `--to -` streams a one-file format's single run. A bar
// shows runs, bytes and ETA; the summary names every run that failed, and the others are still exported.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { Broker } from "../../broker/Broker.ts";
import type { RunLike } from "../../broker/BrokerLike.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import {
  DEFAULT_NAME_TEMPLATE,
  type ExportFormat,
  type ExportSummary,
  exportFormats,
  exportRuns,
  exportToStream,
  findExportFormat,
  nameTemplate,
} from "../../exports/index.ts";
import { localExternalFiles } from "../../exports/localExternalFiles.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  keyValueEntry,
  withFileRootOptions,
  withRootMapOption,
} from "../fileRootOptions.ts";
import { outputTo } from "../output.ts";
import { formatBytes, formatDuration, Progress, progressModeFor, RUNS } from "../progress.ts";

interface ExportFlags extends FileRootFlags {
  catalog: CatalogChoice;
  format: ExportFormat;
  to: string;
  name: string;
  overwrite?: boolean;
  option?: Record<string, string>;
  rootMap?: Record<string, string>;
  quiet?: boolean;
  json?: boolean;
}

/** Text that names a run: a scan_id or -N, a uid or uid prefix, or an alias beamline/proposal/beamtime/scan_id. */
export function looksLikeRunRef(text: string): boolean {
  const trimmed = text.trim();
  return (
    /^-?\d+$/.test(trimmed) ||
    /^[0-9a-f][0-9a-f-]{4,}$/i.test(trimmed) ||
    /^[^\s/]+\/[^\s/]+\/[^\s/]+\/\d+$/.test(trimmed)
  );
}

function formatOption(text: string): ExportFormat {
  const format = findExportFormat(text);
  if (!format)
    throw new InvalidArgumentError(
      `use ${exportFormats()
        .map((known) => known.name)
        .join(", ")}`,
    );
  return format;
}

function templateOption(text: string): string {
  try {
    nameTemplate(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return text;
}

/** The runs the arguments select, each once, refs first in the order given, then each query's runs. */
async function selectedRuns(broker: Broker, selectors: readonly string[]): Promise<RunLike[]> {
  const runs = new Map<string, RunLike>();
  for (const text of selectors.filter(looksLikeRunRef)) {
    const run = await runFromText(broker, text);
    if (!runs.has(run.uid)) runs.set(run.uid, run);
  }
  for (const text of selectors.filter((selector) => !looksLikeRunRef(selector))) {
    let found = 0;
    for await (const run of broker.search(text).runs()) {
      found++;
      if (!runs.has(run.uid)) runs.set(run.uid, run);
    }
    if (found === 0) throw new NotFoundError(`no run matches ${JSON.stringify(text)}`);
  }
  return [...runs.values()];
}

function printSummary(summary: ExportSummary, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  for (const failed of summary.failed)
    console.error(
      `databroker export: run ${failed.uid} (scan_id ${failed.scan_id}) failed: ${failed.message}`,
    );
  const runs = summary.exported.length === 1 ? "1 run" : `${summary.exported.length} runs`;
  const failures = summary.failed.length === 0 ? "" : `; ${summary.failed.length} failed`;
  console.log(
    `exported ${runs} as ${summary.format} to ${summary.to}: ${formatBytes(summary.bytes)} in ` +
      `${formatDuration(summary.seconds)}${failures}`,
  );
}

async function exportCommand(selectors: string[], flags: ExportFlags): Promise<void> {
  const { format } = flags;
  const toStream = flags.to === "-";
  if (toStream && format.layout !== "file")
    throw new ValidationError(
      `--to - takes a one-file format; ${format.name} writes a folder per run: give --to DIR`,
    );
  const destination = toStream ? outputTo(undefined, { name: format.name, binary: true }) : undefined;
  const broker = await Broker.open(flags.catalog, {
    rootMap: flags.rootMap,
    ...brokerFileOptions(flags),
    readOnly: true,
  });
  try {
    const runs = await selectedRuns(broker, selectors);
    const settings = { options: flags.option ?? {}, externalFiles: localExternalFiles(broker) };
    if (destination) {
      await exportToStream(runs, destination(), { format, settings, template: flags.name }, "export");
      return;
    }
    let bytes = 0;
    const progress = new Progress({
      label: "export",
      mode: progressModeFor(flags.quiet || flags.json),
      unit: RUNS,
      detail: () => `${formatBytes(bytes)} written`,
    });
    progress.start(runs.length);
    const summary = await exportRuns(runs, flags.to, {
      format,
      settings,
      template: flags.name,
      overwrite: flags.overwrite,
      onProgress: (now) => {
        bytes = now.bytes;
        progress.moveTo(now.runs);
        progress.refresh();
      },
    });
    progress.stop();
    printSummary(summary, flags.json);
    if (summary.failed.length > 0) process.exitCode = 1;
  } finally {
    await broker.close();
  }
}

function formatList(): string {
  return exportFormats()
    .flatMap((format) => [
      `  ${format.name.padEnd(12)} ${format.summary}`,
      // A format's own settings (publish passes the others on to the formats it includes).
      ...Object.entries(format.options ?? {})
        .filter(([key]) => key.startsWith(`${format.name.split("-")[0]}.`))
        .map(([key, text]) => `  ${"".padEnd(12)} --option ${key}=...: ${text}`),
    ])
    .join("\n");
}

export function registerExport(program: Command): void {
  withRootMapOption(withFileRootOptions(withCatalogOption(program.command("export"), "read")))
    .description("write runs in a format analysis programs read: one file or folder per run, or a pack")
    .argument(
      "<runs...>",
      "run references (uid prefix, scan_id, -N, beamline/proposal/beamtime/scan_id) and/or queries " +
        '(`plan_name == "scan"`): every run they name or match',
    )
    .requiredOption("--format <format>", "the export format (see below)", formatOption)
    .requiredOption(
      "--to <dir>",
      "the directory to write into; - writes a one-file format's single run to stdout",
    )
    .option(
      "--name <template>",
      "each run's file or folder name, from its start document: {scan_id}, {uid:.8}, {sample.name}, {scan_id:05d}",
      templateOption,
      DEFAULT_NAME_TEMPLATE,
    )
    .option("--overwrite", "replace files or folders already there (default: such a run fails)")
    .option(
      "--option <key=value>",
      "a format's setting, e.g. nexus.names=names.yml (repeatable)",
      keyValueEntry("KEY=VALUE"),
    )
    .option("--quiet", "no progress (a bar on a terminal, a line every 10 s otherwise)")
    .option("--json", "print the summary as one JSON object (and no progress)")
    .addHelpText("after", () => `\nFormats:\n${formatList()}`)
    .action(async (selectors: string[], flags: ExportFlags) => {
      try {
        await exportCommand(selectors, flags);
      } catch (error) {
        // A reader that stops early (`| head`) is not an error.
        if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
      }
    });
}
