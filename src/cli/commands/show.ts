// `databroker show <run> [--catalog URI] [--json]`: a run's start and stop, and each stream with its event
// count and fields (dtype, shape, units, source, external). `--json` prints {"start", "stop", "streams"}.
import type { Command } from "commander";
import { Broker } from "../../broker/Broker.ts";
import type { Run } from "../../broker/Run.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { isoTimeOf } from "../../documents/epochTime.ts";
import type { DataKey } from "../../documents/types.ts";
import { DatabrokerError } from "../../errors.ts";
import { aligned } from "../alignedColumns.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { RUN_ARGUMENT_HELP } from "../runArgument.ts";

export interface FieldDescription {
  dtype: string;
  dtype_numpy: DataKey["dtype_numpy"] | null;
  shape: Array<number | null>;
  units: string | null;
  source: string;
  external: string | null;
}

export interface StreamDescription {
  events: number;
  descriptors: number;
  fields: Record<string, FieldDescription>;
}

/** What `show --json` prints. */
export async function describeRun(run: Run): Promise<{
  start: Run["start"];
  stop: Run["stop"];
  streams: Record<string, StreamDescription>;
}> {
  const { events } = await run.summary();
  const streams: Record<string, StreamDescription> = {};
  for (const name of run.streamNames) {
    const stream = run.stream(name);
    const fields: Record<string, FieldDescription> = {};
    for (const [field, key] of Object.entries(stream.dataKeys)) {
      fields[field] = {
        dtype: key.dtype,
        dtype_numpy: key.dtype_numpy ?? null,
        shape: key.shape ?? [],
        units: typeof key.units === "string" ? key.units : null,
        source: key.source,
        external: typeof key.external === "string" ? key.external : null,
      };
    }
    streams[name] = { events: events[name] ?? 0, descriptors: stream.descriptors.length, fields };
  }
  return { start: run.start, stop: run.stop, streams };
}

/** One line per top-level key, long values cut. */
function metadataLines(doc: Record<string, unknown>): string[] {
  return Object.entries(doc).map(([key, value]) => {
    const text = JSON.stringify(value) ?? String(value);
    return `  ${key}: ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`;
  });
}

function showText(description: Awaited<ReturnType<typeof describeRun>>): string {
  const { start, stop, streams } = description;
  const when = isoTimeOf(start.time) ?? `invalid time ${start.time}`;
  const lines = [`run ${start.uid}`, `start (${when}):`];
  lines.push(...metadataLines(start));
  if (stop) {
    lines.push(`stop: ${stop.exit_status} after ${(stop.time - start.time).toFixed(3)} s`);
    lines.push(...metadataLines(stop));
  } else {
    lines.push("stop: none (still running, or it ended without one)");
  }
  for (const [name, stream] of Object.entries(streams)) {
    const descriptors = stream.descriptors > 1 ? `, ${stream.descriptors} descriptors` : "";
    lines.push(`stream ${name}: ${stream.events} events${descriptors}`);
    const rows = [["field", "dtype", "shape", "units", "source", "external"]];
    for (const [field, key] of Object.entries(stream.fields)) {
      const dtype = typeof key.dtype_numpy === "string" ? `${key.dtype} (${key.dtype_numpy})` : key.dtype;
      rows.push([field, dtype, JSON.stringify(key.shape), key.units || "-", key.source, key.external ?? "-"]);
    }
    lines.push(...aligned(rows, "  "));
  }
  return lines.join("\n");
}

export function registerShow(program: Command): void {
  withCatalogOption(program.command("show"), "read")
    .description("describe one run: start, stop, streams with their fields and event counts")
    .argument("<run>", RUN_ARGUMENT_HELP)
    .option("--json", 'print {"start", "stop", "streams"} as JSON')
    .action(async (ref: string, options: { catalog: CatalogChoice; json?: boolean }) => {
      const broker = await Broker.open(options.catalog, { readOnly: true });
      try {
        const description = await describeRun(await runFromText(broker, ref));
        console.log(options.json ? JSON.stringify(description) : showText(description));
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        console.error(`databroker show: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await broker.close();
      }
    });
}
