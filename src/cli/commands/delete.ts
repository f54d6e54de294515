// `databroker delete <run> [--catalog URI] [--reason TEXT] [--yes]`: deletes one run and everything of it,
// recorded in the catalog's deletion audit (who: the user running the command). Asks first on a terminal;
// without one it only prints what would be deleted unless --yes is given. Exit code 0 deleted, 1 not.

import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { Broker } from "../../broker/Broker.ts";
import type { Run } from "../../broker/Run.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { isoTimeOf } from "../../documents/epochTime.ts";
import { DatabrokerError } from "../../errors.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { RUN_ARGUMENT_HELP } from "../runArgument.ts";

interface DeleteOptions {
  catalog: CatalogChoice;
  reason?: string;
  yes?: boolean;
}

/** One line naming the run as a person recognises it. */
async function describe(run: Run): Promise<string> {
  const { scan_id, plan_name, events } = await run.summary();
  const counts =
    Object.entries(events)
      .map(([stream, n]) => `${stream}:${n}`)
      .join(" ") || "no events";
  const when = isoTimeOf(run.start.time) ?? `invalid time ${run.start.time}`;
  return `run ${run.uid} (scan_id ${scan_id ?? "-"}, plan_name ${plan_name ?? "-"}, ${when}, ${counts})`;
}

async function confirmed(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/** The user the audit names: the account running the command. */
function commandLineUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown user";
  }
}

export function registerDelete(program: Command): void {
  withCatalogOption(program.command("delete"), "delete from")
    .description("delete one run and everything of it (recorded in the catalog's deletion audit)")
    .argument("<run>", RUN_ARGUMENT_HELP)
    .option("--reason <text>", "why, kept in the audit record")
    .option("--yes", "delete without asking")
    .action(async (ref: string, options: DeleteOptions) => {
      // A read-only open first: a catalog that is not there is "no catalog at ...", never made by a delete.
      const reader = await Broker.open(options.catalog, { readOnly: true });
      await reader.close();
      const broker = await Broker.open(options.catalog);
      try {
        const run = await runFromText(broker, ref);
        const what = await describe(run);
        if (!options.yes) {
          if (!process.stdin.isTTY) {
            console.error(`databroker delete: would delete ${what}; nothing deleted: add --yes to delete`);
            process.exitCode = 1;
            return;
          }
          if (!(await confirmed(`delete ${what}?`))) {
            console.error("databroker delete: nothing deleted");
            process.exitCode = 1;
            return;
          }
        }
        await broker.store.deleteRun(run.uid, { by: commandLineUser(), reason: options.reason });
        console.log(`deleted ${what}`);
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        console.error(`databroker delete: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await broker.close();
      }
    });
}
