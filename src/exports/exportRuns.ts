// Exports runs in one format: into a directory (a file or folder per run, named by a template; or one
// collection folder), or to a stream (one run's file as is; a folder format as a tar archive). A run that
// fails is reported and the others are still exported; nothing half-written is ever left under a real name.
import { mkdir, readdir, rm, rmdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Writable } from "node:stream";
import type { RunLike } from "../broker/BrokerLike.ts";
import { pathExists } from "../documents/formats/pathExists.ts";
import { ConflictError, DatabrokerError, ValidationError } from "../errors.ts";
import { writeThenRename } from "../writeThenRename.ts";
import { checkedSettings, type ExportFormat, type ExportSettings, NO_SETTINGS } from "./ExportFormat.ts";
import { DEFAULT_NAME_TEMPLATE, nameTemplate } from "./nameTemplate.ts";
import { ByteCount, directoryFolder, fileSinkAt } from "./sinks/directorySink.ts";
import { streamFileSink, tarFolder } from "./sinks/streamSink.ts";
import { TAR_END } from "./sinks/tarHeader.ts";
import { writeChunk } from "./sinks/writeChunk.ts";

export interface ExportOptions {
  format: ExportFormat;
  settings?: ExportSettings;
  /** Names each run's file or folder (nameTemplate.ts); default `{scan_id}_{uid:.8}`. */
  template?: string;
  /** Replace a file or folder already there (default: that run fails with a conflict). */
  overwrite?: boolean;
  /** Called after each run and as bytes are written (at most every 100 ms). */
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  runs: number;
  bytes: number;
}

export interface ExportedRun {
  uid: string;
  scan_id: unknown;
  /** The file or folder written (relative to the export's directory). */
  name: string;
  bytes: number;
}

export interface FailedRun {
  uid: string;
  scan_id: unknown;
  message: string;
}

export interface ExportSummary {
  format: string;
  to: string;
  exported: ExportedRun[];
  failed: FailedRun[];
  bytes: number;
  seconds: number;
}

/** The progress reporter of one export: byte counts sampled every 100 ms while a run is written. */
function progressOf(options: ExportOptions, count: ByteCount, runs: () => number) {
  const report = () => options.onProgress?.({ runs: runs(), bytes: count.bytes });
  const timer = options.onProgress ? setInterval(report, 100) : undefined;
  timer?.unref();
  return { report, stop: () => clearInterval(timer) };
}

function failure(run: RunLike, error: unknown): FailedRun {
  // Errors of the product have messages meant for users; anything else is a bug and keeps its stack.
  if (!(error instanceof DatabrokerError) && !(error as NodeJS.ErrnoException).code) throw error;
  return { uid: run.uid, scan_id: run.start.scan_id, message: (error as Error).message };
}

/** Exports `runs` into the directory `to` (created if missing). */
export async function exportRuns(
  runs: AsyncIterable<RunLike> | Iterable<RunLike>,
  to: string,
  options: ExportOptions,
): Promise<ExportSummary> {
  const began = performance.now();
  const { format } = options;
  const settings = {
    ...checkedSettings(format, options.settings ?? NO_SETTINGS),
    template: options.template,
  };
  const directory = resolve(to);
  const count = new ByteCount();
  const summary: ExportSummary = {
    format: format.name,
    to: directory,
    exported: [],
    failed: [],
    bytes: 0,
    seconds: 0,
  };
  const progress = progressOf(options, count, () => summary.exported.length + summary.failed.length);
  try {
    if (format.layout === "collection") {
      await exportCollection(runs, directory, options, settings, count, summary, progress.report);
    } else {
      const nameOf = nameTemplate(options.template ?? DEFAULT_NAME_TEMPLATE);
      const created = await mkdir(directory, { recursive: true });
      for await (const run of runs) {
        const before = count.bytes;
        try {
          const name = nameOf(run.start) + (format.layout === "file" ? format.extension : "");
          await writeRunInto(directory, name, run, options, settings, count);
          summary.exported.push({
            uid: run.uid,
            scan_id: run.start.scan_id,
            name,
            bytes: count.bytes - before,
          });
        } catch (error) {
          summary.failed.push(failure(run, error));
        }
        progress.report();
      }
      // An export that wrote nothing leaves nothing behind.
      if (created !== undefined && summary.exported.length === 0)
        await rm(created, { recursive: true, force: true });
    }
  } finally {
    progress.stop();
  }
  summary.bytes = count.bytes;
  summary.seconds = (performance.now() - began) / 1000;
  return summary;
}

/** One run's file or folder: written under a hidden partial name, renamed into place when complete. */
async function writeRunInto(
  directory: string,
  name: string,
  run: RunLike,
  options: ExportOptions,
  settings: ExportSettings,
  count: ByteCount,
): Promise<void> {
  const { format } = options;
  const target = join(directory, name);
  if (!options.overwrite && (await pathExists(target)))
    throw new ConflictError(`${target} exists already (--overwrite replaces it)`);
  await writeThenRename(
    target,
    async (partial) => {
      if (format.layout === "file") {
        await fileSinkAt(partial, count, (sink) => format.write(run, sink, settings));
      } else if (format.layout === "folder") {
        await mkdir(partial);
        await format.write(run, directoryFolder(partial, count), settings);
      } else throw new ValidationError(`${format.name} exports runs into one folder, not one per run`);
    },
    async () => {
      if (options.overwrite) await rm(target, { recursive: true, force: true });
    },
  );
}

/** A collection format: every run into one folder, written beside `directory` and renamed into place. */
async function exportCollection(
  runs: AsyncIterable<RunLike> | Iterable<RunLike>,
  directory: string,
  options: ExportOptions,
  settings: ExportSettings,
  count: ByteCount,
  summary: ExportSummary,
  report: () => void,
): Promise<void> {
  const { format } = options;
  if (format.layout !== "collection") throw new Error("not a collection format");
  if ((await pathExists(directory)) && (await readdir(directory)).length > 0) {
    if (!options.overwrite) throw new ConflictError(`${directory} is not empty (--overwrite replaces it)`);
  }
  await writeThenRename(
    directory,
    async (partial) => {
      await mkdir(partial, { recursive: true });
      const writer = format.begin(directoryFolder(partial, count), settings, directory);
      for await (const run of runs) {
        const before = count.bytes;
        try {
          await writer.add(run);
          summary.exported.push({
            uid: run.uid,
            scan_id: run.start.scan_id,
            name: "",
            bytes: count.bytes - before,
          });
        } catch (error) {
          summary.failed.push(failure(run, error));
        }
        report();
      }
      await writer.finish();
    },
    async () => {
      if (!(await pathExists(directory))) return;
      if (options.overwrite) await rm(directory, { recursive: true, force: true });
      else await rmdir(directory);
    },
  );
}

/**
 * Writes `runs` to the stream `out`: a file format takes exactly one run (its file as is); a folder format
 * becomes a tar archive of a folder per run (named by the template), a collection one of the folder `name`.
 * The caller ends `out`.
 */
export async function exportToStream(
  runs: readonly RunLike[],
  out: Writable,
  options: Omit<ExportOptions, "overwrite">,
  name: string,
): Promise<void> {
  const { format } = options;
  const settings = {
    ...checkedSettings(format, options.settings ?? NO_SETTINGS),
    template: options.template,
  };
  const count = new ByteCount();
  const progress = progressOf(options, count, () => 0);
  try {
    if (format.layout === "file") {
      if (runs.length !== 1)
        throw new ValidationError(
          `${format.name} holds one run per file: a stream takes one run, got ${runs.length}`,
        );
      await format.write(runs[0], streamFileSink(out, count), settings);
      return;
    }
    if (format.layout === "folder") {
      const nameOf = nameTemplate(options.template ?? DEFAULT_NAME_TEMPLATE);
      for (const run of runs)
        await format.write(run, tarFolder(out, `${nameOf(run.start)}/`, count), settings);
    } else {
      const writer = format.begin(tarFolder(out, `${name}/`, count), settings);
      for (const run of runs) await writer.add(run);
      await writer.finish();
    }
    await writeChunk(out, TAR_END);
  } finally {
    progress.stop();
  }
}
