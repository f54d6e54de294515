// `databroker search '<query>' [--catalog URI] [--limit N] [--json]`: the runs a query-language search
// selects (`plan_name == "scan" and scan_id >= 5`), newest first (closest first for `~"text"`), printed
// exactly as `ls` prints runs; an empty answer may come with a "did you mean" on stderr.
import type { Command } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { didYouMean } from "../../broker/didYouMean.ts";
import { DatabrokerError } from "../../errors.ts";
import { parseQuery } from "../../queries/parseQuery.ts";
import { FederationReport } from "../../storage/federation/FederationReport.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { warnPartial } from "../warnPartial.ts";
import { DEFAULT_LIMIT, positiveInteger, printRunListing } from "./ls.ts";

export function registerSearch(program: Command): void {
  withCatalogOption(program.command("search"), "search")
    .description("list the runs a query selects, newest first (same output as ls)")
    .argument("<query>", 'query text, e.g. \'plan_name == "scan" and (scan_id >= 5 or "free text")\'')
    .option("--limit <n>", "how many runs", positiveInteger, DEFAULT_LIMIT)
    .option("--json", "print one JSON array of objects")
    .action(async (text: string, options: { catalog: CatalogChoice; limit: number; json?: boolean }) => {
      const broker = await Broker.open(options.catalog, { readOnly: true });
      try {
        const query = parseQuery(text);
        const report = new FederationReport();
        const found = broker.search(query).reportingTo(report);
        const listed = await printRunListing(found.summaries({ limit: options.limit }), options, () =>
          found.count(),
        );
        warnPartial("search", report);
        // Nothing found: a close value of a compared key, on stderr so the listing stays parseable.
        const suggestion = listed === 0 ? await didYouMean(broker, query) : undefined;
        if (suggestion) console.error(`no runs match; did you mean ${suggestion.query}?`);
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        console.error(`databroker search: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await broker.close();
      }
    });
}
