// `databroker start` (what `npm start` runs): until the HTTP service exists, it prints the CLI's help.
import type { Command } from "commander";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the product on its embedded default (for now: show this help; the service comes later)")
    .action(() => {
      console.log("databroker: the HTTP service is not built yet; here is what the command line can do.\n");
      program.outputHelp();
    });
}
