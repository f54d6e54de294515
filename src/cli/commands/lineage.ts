// `databroker lineage <run> [--depth N] [--direction inputs|derived|both] [--json] [--catalog URI]`: the runs
// a derived run was made from (`<-`) and those made from it (`->`), as an indented tree; `--json` prints the
// graph {root, nodes, edges} (provenance/lineage.ts).
import { type Command, InvalidArgumentError } from "commander";
import { Broker } from "../../broker/Broker.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { DatabrokerError } from "../../errors.ts";
import { LINEAGE_DIRECTIONS, type LineageDirection } from "../../provenance/lineage.ts";
import { lineageTree } from "../../provenance/lineageTree.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";

function depth(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError("expected a whole number of 0 or more");
  return value;
}

function direction(text: string): LineageDirection {
  if (!(LINEAGE_DIRECTIONS as readonly string[]).includes(text))
    throw new InvalidArgumentError(`use ${LINEAGE_DIRECTIONS.join(", ")}`);
  return text as LineageDirection;
}

export function registerLineage(program: Command): void {
  withCatalogOption(program.command("lineage"), "read")
    .description("print a run's lineage: the runs it was derived from (<-) and those derived from it (->)")
    .argument("<run>", "uid or unique uid prefix (5+ characters), scan_id, or -N for the N-th most recent")
    .option("--depth <n>", "steps from the run (default: no limit)", depth)
    .option("--direction <way>", `${LINEAGE_DIRECTIONS.join(", ")}`, direction, "inputs")
    .option("--json", "print the graph {root, nodes, edges} as JSON")
    .action(
      async (
        ref: string,
        options: { catalog: CatalogChoice; depth?: number; direction: LineageDirection; json?: boolean },
      ) => {
        const broker = await Broker.open(options.catalog, { readOnly: true });
        try {
          const run = await runFromText(broker, ref);
          const graph = await broker.lineage(run.uid, { depth: options.depth, direction: options.direction });
          console.log(options.json ? JSON.stringify(graph) : lineageTree(graph).join("\n"));
        } catch (error) {
          if (!(error instanceof DatabrokerError)) throw error;
          console.error(`databroker lineage: ${error.message}`);
          process.exitCode = 1;
        } finally {
          await broker.close();
        }
      },
    );
}
