// The `databroker` command line: one file per command under commands/, assembled here. What a command lets
// escape is reported in one line with exit code 2 (errors.ts); commander reports usage errors itself.
import { Command } from "commander";
import { applyConfiguration } from "../config/commandSettings.ts";
import { useConfigFlag } from "../config/loadConfig.ts";
import { PACKAGE_VERSION } from "../packageVersion.ts";
import { catalogHelp } from "./catalogOption.ts";
import { commands } from "./commands/index.ts";
import { reportCliFailure } from "./errors.ts";

const program = new Command("databroker")
  .description("Ingest, store, search and serve bluesky event-model runs.")
  .version(PACKAGE_VERSION)
  .showHelpAfterError()
  .option("--config <file>", "the configuration file (default: see `databroker config path`)")
  .addHelpText("after", () => `\n${catalogHelp()}`);

for (const register of commands) register(program);

let running: string | undefined;
program.hook("preAction", async (_program, command) => {
  // A subcommand is named with its group (`access load`), so a failure says which command failed.
  const group = command.parent && command.parent !== program ? `${command.parent.name()} ` : "";
  running = `${group}${command.name()}`;
  // The configuration file (--config, before or after the command) fills in the command's catalog and the
  // flags not given; `config` reads it itself, to report every finding rather than the first.
  useConfigFlag(program.opts().config);
  if (group !== "config ") await applyConfiguration(command);
});

/** Commands whose server goes on running after their action returns. */
const SERVING = new Set(["serve", "start"]);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCliFailure(error, running);
}
// A one-shot command exits once its work is done rather than wait for idle worker threads to be torn down
// (~100 ms of a 1.4 s ingest). What it printed is written: stdout and stderr are synchronous for files, pipes
// and terminals on Linux and macOS, and a command awaits its --output file before returning.
if (running === undefined || !SERVING.has(running) || process.exitCode) process.exit();
