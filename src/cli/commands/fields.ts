// `databroker fields ['<query>'] [--catalog URI] [--json]`: the streams and fields of the runs a query selects
// (default: all), each with how many runs have it, their events, its overall min and max, its shape when they
// agree and how many runs are not indexed yet (`databroker index`): what search into data can ask about.
import type { Command } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { DatabrokerError } from "../../errors.ts";
import type { FieldListing } from "../../queries/fieldListing.ts";
import { aligned } from "../alignedColumns.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";

function number(value: number | null): string {
  return value === null ? "-" : String(value);
}

function table(rows: FieldListing[]): string {
  const header = ["stream", "field", "runs", "events", "min", "max", "shape", "not_indexed"];
  const cells = rows.map((row) => [
    row.stream,
    row.field ?? "(stream)",
    String(row.runs),
    String(row.events),
    number(row.min),
    number(row.max),
    row.shape === null ? "-" : `[${row.shape.join(", ")}]`,
    String(row.notIndexed),
  ]);
  return aligned([header, ...cells]).join("\n");
}

export function registerFields(program: Command): void {
  withCatalogOption(program.command("fields"), "read")
    .description(
      "list the streams and fields of the runs a query selects (default: all): runs having each, events, " +
        "overall min and max, shape when the runs agree, and runs not indexed yet (see `databroker index`)",
    )
    .argument("[query]", "query text, e.g. 'plan_name == \"count\"'")
    .option("--json", "print one JSON array of objects")
    .action(async (text: string | undefined, options: { catalog: CatalogChoice; json?: boolean }) => {
      const broker = await Broker.open(options.catalog, { readOnly: true });
      try {
        const rows = await (text === undefined ? broker : broker.search(text)).fields();
        if (options.json) console.log(JSON.stringify(rows));
        else if (rows.length === 0) console.log("no streams: no run matches, or the runs have none");
        else console.log(table(rows));
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        console.error(`databroker fields: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await broker.close();
      }
    });
}
