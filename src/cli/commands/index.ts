// Every command of the CLI; each module adds itself to the program.
import type { Command } from "commander";
import { registerDelete } from "./delete.ts";
import { registerDocuments } from "./documents.ts";
import { registerIngest } from "./ingest.ts";
import { registerLs } from "./ls.ts";
import { registerMigrate } from "./migrate.ts";
import { registerSearch } from "./search.ts";
import { registerServe } from "./serve.ts";
import { registerShow } from "./show.ts";
import { registerStart } from "./start.ts";
import { registerTable } from "./table.ts";
import { registerValidate } from "./validate.ts";

export const commands: Array<(program: Command) => void> = [
  registerStart,
  registerServe,
  registerValidate,
  registerIngest,
  registerLs,
  registerDocuments,
  registerMigrate,
  registerSearch,
  registerShow,
  registerTable,
  registerDelete,
];
