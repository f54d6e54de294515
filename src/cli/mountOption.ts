// `serve --mount NAME=URI` (repeatable): a catalog served under its name beside (or, without --catalog,
// instead of) the root catalog, as Tiled serves a tree of containers (server/CatalogTree.ts).
import type { Command } from "commander";
import { ValidationError } from "../errors.ts";
import { catalogNameProblem } from "../server/CatalogTree.ts";

/** Adds one `NAME=URI` to the mounts met so far (commander's collector: called once per flag). */
export function collectMount(text: string, mounts: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf("=");
  if (at < 0) throw new ValidationError(`--mount ${text}: give NAME=URI (the catalog's name, '=', its URI)`);
  const name = text.slice(0, at);
  const uri = text.slice(at + 1);
  const problem = catalogNameProblem(name);
  if (problem) throw new ValidationError(`--mount ${text}: ${problem}`);
  if (uri === "") throw new ValidationError(`--mount ${text}: the URI after '=' is empty`);
  if (Object.hasOwn(mounts, name)) throw new ValidationError(`--mount ${text}: ${name} is mounted twice`);
  return { ...mounts, [name]: uri };
}

export function withMountOption(command: Command): Command {
  return command.option(
    "--mount <name=uri>",
    "also serve this catalog under its name (/api/v1/metadata/NAME/...); repeatable. Without --catalog the root lists the mounted catalogs (the Python client's c[NAME])",
    collectMount,
  );
}
