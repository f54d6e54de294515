// `databroker table <run> [--catalog URI] [--stream primary] [--fields a,b] [--format csv|json|arrow] [--fill]
// [--align baseline [--method previous|next|nearest|linear] [--tolerance S] [--prefix P]]
// [--resample 0.5s | --bin-by motor --bins N [--bin-by motor2 --bins M]] [--agg mean|sum|min|max|count|first|last]
// [--root-map old=new] [--file-root DIR] [--output FILE|-]`: a stream to stdout (or FILE) as CSV (streamed in
// chunks), one JSON object of columns, or Arrow IPC (refused on a terminal unless `--output -`). With
// --align, another stream's fields are aligned onto each row's time as columns `<stream>.<field>`; with
// --resample or --bin-by, the rows (aligned or not) are reduced per bin, one row per bin.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { runFromText } from "../../broker/runRefText.ts";
import type { ReadOptions, Stream } from "../../broker/Stream.ts";
import { DatabrokerError } from "../../errors.ts";
import { ALIGN_METHODS, type AlignMethod, type AlignOptions, parseMethods } from "../../muxing/align.ts";
import { AGGREGATES, type Aggregate, type BinAxis, binChunks, isAggregate } from "../../muxing/bin.ts";
import { alignedChunks, readAligned } from "../../muxing/streams.ts";
import { tableToCSV } from "../../tables/csv.ts";
import { tableToJSONText } from "../../tables/jsonColumns.ts";
import type { Table } from "../../tables/Table.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withRootMapOption,
} from "../fileRootOptions.ts";
import { outputTo, withOutputOption } from "../output.ts";
import { RUN_ARGUMENT_HELP } from "../runArgument.ts";

const FORMATS = ["csv", "json", "arrow"] as const;
type TableFormat = (typeof FORMATS)[number];

/** Rows per chunk when CSV is streamed: bounded memory whatever the stream's length. */
const CSV_CHUNK_ROWS = 10_000;

function tableFormat(text: string): TableFormat {
  if (!(FORMATS as readonly string[]).includes(text))
    throw new InvalidArgumentError(`use ${FORMATS.join(", ")}`);
  return text as TableFormat;
}

function fieldList(text: string): string[] {
  const fields = text
    .split(",")
    .map((field) => field.trim())
    .filter((field) => field !== "");
  if (fields.length === 0) throw new InvalidArgumentError("name at least one field");
  return fields;
}

function alignMethods(text: string): Pick<AlignOptions, "method" | "methods"> {
  try {
    return parseMethods(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Seconds, written `0.5` or `0.5s`. */
function seconds(text: string): number {
  const number = text.trim().replace(/s$/i, "");
  const value = number === "" ? Number.NaN : Number(number);
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError("use seconds, 0 or more (0.5 or 0.5s)");
  return value;
}

function aggregate(text: string): Aggregate {
  if (!isAggregate(text)) throw new InvalidArgumentError(`use ${AGGREGATES.join(", ")}`);
  return text;
}

function binCount(text: string, previous: number[] = []): number[] {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError("use a whole number, 1 or more");
  return [...previous, count];
}

function collect(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}

/** What the command reads: one stream, or one stream with another aligned onto it; binned or not. */
interface Source {
  stream: Stream;
  read: ReadOptions;
  align?: {
    other: Stream;
    method: AlignMethod;
    methods?: AlignOptions["methods"];
    tolerance?: number;
    prefix?: string;
  };
  bin?: { axes: BinAxis[]; agg: Aggregate };
}

function chunksOf(source: Source): AsyncIterable<Table> {
  const { stream, read, align } = source;
  if (align) return alignedChunks(stream, align.other, CSV_CHUNK_ROWS, { ...align, read });
  return stream.chunks({ ...read, size: CSV_CHUNK_ROWS });
}

function whole(source: Source): Promise<Table> {
  const { stream, read, align, bin } = source;
  // Binning reads the rows chunk by chunk (twice when a range must be found first): memory holds the bins.
  if (bin) return binChunks(() => chunksOf({ ...source, bin: undefined }), bin.axes, { agg: bin.agg });
  return align ? readAligned(stream, align.other, { ...align, read }) : stream.read(read);
}

/** CSV text chunk by chunk: the header once, then each chunk's records. */
async function* csvText(source: Source): AsyncGenerator<string> {
  if (source.bin) {
    yield tableToCSV(await whole(source));
    return;
  }
  let first = true;
  for await (const chunk of chunksOf(source)) {
    const text = tableToCSV(chunk);
    yield first ? text : text.slice(text.indexOf("\r\n") + 2);
    first = false;
  }
  if (first) yield tableToCSV(await whole(source)); // no events: the header alone
}

async function* output(source: Source, format: TableFormat): AsyncGenerator<string | Uint8Array> {
  if (format === "csv") yield* csvText(source);
  else if (format === "json") yield `${tableToJSONText(await whole(source))}\n`;
  else {
    // Apache Arrow is loaded only by the command that writes it.
    const { tableToArrowIPC } = await import("../../tables/arrow.ts");
    yield tableToArrowIPC(await whole(source));
  }
}

interface BinFlags {
  resample?: number;
  binBy?: string[];
  bins?: number[];
  agg?: Aggregate;
}

/** What is wrong with the binning flags taken together, if anything. */
function binProblem({ resample, binBy = [], bins = [], agg }: BinFlags): string | undefined {
  if (resample !== undefined && resample <= 0) return "--resample must be above 0 seconds";
  if (resample !== undefined && binBy.length > 0) return "use --resample or --bin-by, not both";
  if (binBy.length !== bins.length)
    return `give one --bins per --bin-by (${binBy.length} --bin-by, ${bins.length} --bins)`;
  if (binBy.length > 2) return "--bin-by at most twice (a 2-D grid)";
  if (agg !== undefined && resample === undefined && binBy.length === 0)
    return "--agg needs --resample or --bin-by";
  return undefined;
}

function binOf({ resample, binBy = [], bins = [], agg = "mean" }: BinFlags): Source["bin"] {
  if (resample !== undefined) return { axes: [{ field: "time", every: resample }], agg };
  if (binBy.length === 0) return undefined;
  return { axes: binBy.map((field, i) => ({ field, bins: bins[i] })), agg };
}

export function registerTable(program: Command): void {
  withOutputOption(
    withRootMapOption(withFileRootOptions(withCatalogOption(program.command("table"), "read"))),
  )
    .description("write one stream of a run as a table: CSV, JSON columns or Arrow IPC")
    .argument("<run>", RUN_ARGUMENT_HELP)
    .option("--stream <name>", "stream to read", "primary")
    .option("--fields <a,b>", "fields to read (default: all)", fieldList)
    .option("--format <format>", "csv, json or arrow (IPC file bytes)", tableFormat, "csv")
    .option("--fill", "read external data (detector images, spectra) into the table")
    .option(
      "--align <stream>",
      "add another stream's fields, aligned onto each row's time, as <stream>.<field>",
    )
    .option(
      "--method <method>",
      `with --align: ${ALIGN_METHODS.join(", ")}; per field: nearest,temperature=linear`,
      alignMethods,
    )
    .option(
      "--tolerance <seconds>",
      "with --align: a reading farther than this in time is left empty",
      seconds,
    )
    .option(
      "--prefix <name>",
      "with --align: name the added columns <name>.<field> (default: the stream's name)",
    )
    .option("--resample <seconds>", "one row per bin of time this wide (0.5 or 0.5s), epoch-aligned", seconds)
    .option("--bin-by <field>", "one row per bin of this field (twice: a 2-D grid); needs --bins", collect)
    .option("--bins <n>", "with --bin-by: equal bins over the field's range (one per --bin-by)", binCount)
    .option(
      "--agg <aggregate>",
      `with --resample or --bin-by: ${AGGREGATES.join(", ")} (default mean)`,
      aggregate,
    )
    .action(
      async (
        ref: string,
        options: FileRootFlags & {
          catalog: CatalogChoice;
          stream: string;
          fields?: string[];
          format: TableFormat;
          fill?: boolean;
          align?: string;
          method?: Pick<AlignOptions, "method" | "methods">;
          tolerance?: number;
          prefix?: string;
          resample?: number;
          binBy?: string[];
          bins?: number[];
          agg?: Aggregate;
          rootMap?: Record<string, string>;
          output?: string;
        },
      ) => {
        if (options.align === undefined) {
          const stray = (["method", "tolerance", "prefix"] as const).find(
            (name) => options[name] !== undefined,
          );
          if (stray) {
            console.error(`databroker table: --${stray} needs --align <stream>`);
            process.exitCode = 2;
            return;
          }
        }
        const problem = binProblem(options);
        if (problem) {
          console.error(`databroker table: ${problem}`);
          process.exitCode = 2;
          return;
        }
        const destination = outputTo(options.output, {
          name: options.format,
          binary: options.format === "arrow",
        });
        const broker = await Broker.open(options.catalog, {
          rootMap: options.rootMap,
          ...brokerFileOptions(options),
          readOnly: true,
        });
        try {
          const run = await runFromText(broker, ref);
          const source: Source = {
            stream: run.stream(options.stream),
            read: { fields: options.fields, fill: options.fill ?? false },
          };
          if (options.align !== undefined)
            source.align = {
              other: run.stream(options.align),
              method: options.method?.method ?? "previous",
              methods: options.method?.methods,
              tolerance: options.tolerance,
              prefix: options.prefix,
            };
          source.bin = binOf(options);
          await pipeline(Readable.from(output(source, options.format)), destination());
        } catch (error) {
          // A reader that stops early (`| head`) is not an error.
          if ((error as NodeJS.ErrnoException).code === "EPIPE") return;
          if (!(error instanceof DatabrokerError)) throw error;
          console.error(`databroker table: ${error.message}`);
          process.exitCode = 1;
        } finally {
          await broker.close();
        }
      },
    );
}
