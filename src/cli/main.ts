// The `databroker` command line: one file per command under commands/, assembled here. What a command lets
// escape is reported in one line with exit code 2 (errors.ts); commander reports usage errors itself.
import { Command } from "commander";
import { CATALOG_HELP } from "./catalogOption.ts";
import { commands } from "./commands/index.ts";
import { reportCliFailure } from "./errors.ts";

const program = new Command("databroker")
  .description("Ingest, store, search and serve bluesky event-model runs.")
  .version("0.1.0")
  .showHelpAfterError()
  .addHelpText("after", `\n${CATALOG_HELP}`);

for (const register of commands) register(program);

let running: string | undefined;
program.hook("preAction", (_program, command) => {
  running = command.name();
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCliFailure(error, running);
}
