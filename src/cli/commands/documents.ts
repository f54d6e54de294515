// `databroker documents <run> [--catalog URI] [--format jsonl|msgpack] [--output FILE|-]`: replays a stored
// run's [name, doc] documents to stdout or FILE (msgpack refused on a terminal unless `--output -`). <run> is a uid or unique uid prefix, a scan_id, or -N for the N-th most recent.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { runRefFromText } from "../../broker/runRefText.ts";
import { documentEncoder } from "../../documents/formats/index.ts";
import { DatabrokerError } from "../../errors.ts";
import { openStore } from "../../storage/openStore.ts";
import { withCatalogOption } from "../catalogOption.ts";
import { outputTo, withOutputOption } from "../output.ts";

const FORMATS = ["jsonl", "msgpack"] as const;
type OutputFormat = (typeof FORMATS)[number];

function outputFormat(text: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(text))
    throw new InvalidArgumentError(`use ${FORMATS.join(" or ")}`);
  return text as OutputFormat;
}

export function registerDocuments(program: Command): void {
  withOutputOption(withCatalogOption(program.command("documents"), "read"))
    .description("write a stored run's documents to stdout")
    .argument("<run>", "uid or unique uid prefix (5+ characters), scan_id, or -N for the N-th most recent")
    .option("--format <format>", "jsonl or msgpack", outputFormat, "jsonl")
    .action(async (ref: string, options: { catalog: string; format: OutputFormat; output?: string }) => {
      const destination = outputTo(options.output, {
        name: options.format,
        binary: options.format === "msgpack",
      });
      const store = await openStore(options.catalog, { readOnly: true });
      try {
        const start = await store.findRun(runRefFromText(ref));
        await pipeline(
          Readable.from(store.documents(start.uid)),
          documentEncoder(options.format),
          destination(),
        );
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
