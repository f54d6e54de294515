// The `databroker` command line: one file per command under commands/, assembled here.
import { Command } from "commander";
import { commands } from "./commands/index.ts";

const program = new Command("databroker")
  .description("Ingest, store, search and serve bluesky event-model runs.")
  .version("0.1.0")
  .showHelpAfterError();

for (const register of commands) register(program);

await program.parseAsync(process.argv);
