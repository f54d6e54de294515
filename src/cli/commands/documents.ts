// `databroker documents <run> [--catalog URI] [--format F] [--output FILE|-]`: replays a stored run's
// documents to stdout or FILE in any exportable registered format (jsonl by default; binary ones refused on a
// terminal unless `--output -`). <run> is a uid or unique uid prefix, a scan_id, -N for the N-th most recent,
// or an alias beamline/proposal/beamtime/scan_id.
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { runFromText } from "../../broker/runRefText.ts";
import {
  documentEncoder,
  documentFormatNamed,
  documentFormats,
  findDocumentFormat,
} from "../../documents/formats/index.ts";
import { DatabrokerError } from "../../errors.ts";
import { openStore } from "../../storage/openStore.ts";
import type { Store } from "../../storage/Store.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { outputTo, withOutputOption } from "../output.ts";
import { RUN_ARGUMENT_HELP } from "../runArgument.ts";

/** `jsonl or msgpack`: the formats `--format` takes. */
function exportableNames(): string {
  return documentFormats()
    .filter((format) => format.exportable)
    .map((format) => format.name)
    .join(" or ");
}

/** The name of the format `--format` asks for (by name or alias). */
function outputFormat(text: string): string {
  const format = findDocumentFormat(text);
  if (!format?.exportable) throw new InvalidArgumentError(`use ${exportableNames()}`);
  return format.name;
}

/**
 * Writes the documents of the run `ref` of `store` in `format` to the stream `output` opens, once the run
 * is found (so a run that is not there creates no file).
 */
export async function exportRunDocuments(
  store: Store,
  ref: string,
  format: string,
  output: () => Writable,
): Promise<void> {
  // Found through a Broker, as every command finds runs (aliases need the catalog's beamtimes).
  const broker = new Broker(store);
  let uid: string;
  try {
    ({ uid } = await runFromText(broker, ref));
  } finally {
    await broker.close();
  }
  await pipeline(Readable.from(store.documents(uid)), documentEncoder(format), output());
}

export function registerDocuments(program: Command): void {
  withOutputOption(withCatalogOption(program.command("documents"), "read"))
    .description("write a stored run's documents to stdout")
    .argument("<run>", RUN_ARGUMENT_HELP)
    .option("--format <format>", exportableNames(), outputFormat, "jsonl")
    .action(async (ref: string, options: { catalog: CatalogChoice; format: string; output?: string }) => {
      const destination = outputTo(options.output, documentFormatNamed(options.format));
      const store = await openStore(options.catalog, { readOnly: true });
      try {
        await exportRunDocuments(store, ref, options.format, destination);
      } catch (error) {
        // A reader that stops early (`| head`) is not an error.
        if ((error as NodeJS.ErrnoException).code === "EPIPE") return;
        if (!(error instanceof DatabrokerError)) throw error;
        console.error(`databroker documents: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
