// `databroker table <run> [--catalog URI] [--stream primary] [--fields a,b] [--format csv|json|arrow] [--fill]
// [--root-map old=new] [--file-root DIR] [--output FILE|-]`: a stream to stdout (or FILE) as CSV (streamed in
// chunks), one JSON object of columns, or Arrow IPC (refused on a terminal unless `--output -`).
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { runFromText } from "../../broker/runRefText.ts";
import type { ReadOptions, Stream } from "../../broker/Stream.ts";
import { DatabrokerError } from "../../errors.ts";
import { tableToCSV } from "../../tables/csv.ts";
import { tableToJSONText } from "../../tables/jsonColumns.ts";
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

/** CSV text chunk by chunk: the header once, then each chunk's records. */
async function* csvText(stream: Stream, options: ReadOptions): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of stream.chunks({ ...options, size: CSV_CHUNK_ROWS })) {
    const text = tableToCSV(chunk);
    yield first ? text : text.slice(text.indexOf("\r\n") + 2);
    first = false;
  }
  if (first) yield tableToCSV(await stream.read(options)); // no events: the header alone
}

async function* output(
  stream: Stream,
  format: TableFormat,
  options: ReadOptions,
): AsyncGenerator<string | Uint8Array> {
  if (format === "csv") yield* csvText(stream, options);
  else if (format === "json") yield `${tableToJSONText(await stream.read(options))}\n`;
  else {
    // Apache Arrow is loaded only by the command that writes it.
    const { tableToArrowIPC } = await import("../../tables/arrow.ts");
    yield tableToArrowIPC(await stream.read(options));
  }
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
    .action(
      async (
        ref: string,
        options: FileRootFlags & {
          catalog: CatalogChoice;
          stream: string;
          fields?: string[];
          format: TableFormat;
          fill?: boolean;
          rootMap?: Record<string, string>;
          output?: string;
        },
      ) => {
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
          const stream = (await runFromText(broker, ref)).stream(options.stream);
          const read: ReadOptions = { fields: options.fields, fill: options.fill ?? false };
          await pipeline(Readable.from(output(stream, options.format, read)), destination());
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
