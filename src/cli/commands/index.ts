// Every command of the CLI, and which of them this process loads. A command's module pulls in what it runs
// (catalogs, formats, the server: most of the start-up time when all are loaded), so only the command the
// command line names is loaded; the others appear in `--help` by name and summary from this table.
import type { Command } from "commander";

type Register = (program: Command) => void;

interface CommandEntry {
  name: string;
  /** The line `databroker --help` shows; the command's own `--help` shows its full description. */
  summary: string;
  load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "start",
    summary: "serve the default catalog, with example runs on first start",
    load: async () => (await import("./start.ts")).registerStart,
  },
  {
    name: "serve",
    summary: "serve a catalog over HTTP (Tiled-compatible API for the Python client, browsers and curl)",
    load: async () => (await import("./serve.ts")).registerServe,
  },
  {
    name: "validate",
    summary: "check every run in the given files and directories against the event model",
    load: async () => (await import("./validate.ts")).registerValidate,
  },
  {
    name: "ingest",
    summary: "store every run found in the given files and directories (any document format)",
    load: async () => (await import("./ingest.ts")).registerIngest,
  },
  {
    name: "ls",
    summary: "list the runs of a catalog, newest first",
    load: async () => (await import("./ls.ts")).registerLs,
  },
  {
    name: "documents",
    summary: "write a stored run's documents to stdout",
    load: async () => (await import("./documents.ts")).registerDocuments,
  },
  {
    name: "migrate",
    summary: "apply the catalog's pending schema migrations (PostgreSQL) and print its schema version",
    load: async () => (await import("./migrate.ts")).registerMigrate,
  },
  {
    name: "search",
    summary: "list the runs a query selects, newest first (same output as ls)",
    load: async () => (await import("./search.ts")).registerSearch,
  },
  {
    name: "show",
    summary: "describe one run: start, stop, streams with their fields and event counts",
    load: async () => (await import("./show.ts")).registerShow,
  },
  {
    name: "lineage",
    summary: "print a run's lineage: the runs it was derived from and those derived from it",
    load: async () => (await import("./lineage.ts")).registerLineage,
  },
  {
    name: "table",
    summary: "write one stream of a run as a table: CSV, JSON columns or Arrow IPC",
    load: async () => (await import("./table.ts")).registerTable,
  },
  {
    name: "export",
    summary: "write runs in a format analysis programs read: NeXus, SPEC, CSV, TIFF, Parquet, suitcase, pack",
    load: async () => (await import("./export.ts")).registerExport,
  },
  {
    name: "index",
    summary:
      "compute the statistics of fields not indexed yet (external data), so search into data reaches them",
    load: async () => (await import("./indexFields.ts")).registerIndex,
  },
  {
    name: "fields",
    summary: "list the streams and fields of the runs a query selects: runs, events, min, max, shape",
    load: async () => (await import("./fields.ts")).registerFields,
  },
  {
    name: "access",
    summary: "the catalog's memberships: load from the user office, list, whoami, audit, retag",
    load: async () => (await import("./access.ts")).registerAccess,
  },
  {
    name: "keys",
    summary: "the catalog's API keys: create, list, revoke",
    load: async () => (await import("./keys.ts")).registerKeys,
  },
  {
    name: "tag",
    summary: "tag a run (good, figure-3...), or --remove tags",
    load: async () => (await import("./annotations.ts")).registerTag,
  },
  {
    name: "annotate",
    summary: "add a note to a run: text, tags, key=value; private, shared or for every reader",
    load: async () => (await import("./annotations.ts")).registerAnnotate,
  },
  {
    name: "annotations",
    summary: "list a run's annotations, one's revisions (--history), or delete one",
    load: async () => (await import("./annotations.ts")).registerAnnotations,
  },
  {
    name: "pipe",
    summary: "apply a processor (peakstats, roi, rolling, your own) to runs, live: a derived run per input",
    load: async () => (await import("./pipe.ts")).registerPipe,
  },
  {
    name: "config",
    summary: "the configuration file: which is read (path), the settings and their origins (show), check",
    load: async () => (await import("./config.ts")).registerConfig,
  },
  {
    name: "delete",
    summary: "delete one run and everything of it (recorded in the catalog's deletion audit)",
    load: async () => (await import("./delete.ts")).registerDelete,
  },
];

/** The command a command line runs: its first argument that names one (`help ls` names ls), if any. */
export function commandNamedIn(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => COMMANDS.some((command) => command.name === arg));
}

/** A command shown in the help by its summary, never run in this process (another command was named). */
function listedOnly(entry: CommandEntry): Register {
  return (program) => {
    program.command(entry.name).summary(entry.summary).allowUnknownOption().allowExcessArguments();
  };
}

/** What registers this process's commands: the named one loaded whole, every other one listed. */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const named = commandNamedIn(argv);
  return Promise.all(COMMANDS.map((entry) => (entry.name === named ? entry.load() : listedOnly(entry))));
}

export const commands: Register[] = await commandsFor(process.argv);
