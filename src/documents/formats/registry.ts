// The document file formats this process knows, in the order detection asks them: the built-in ones, then
// any registered at run time. Reading, writing, detection, the CLI's `--format` and the HTTP ingest route
// find formats here only, so a new format is one DocumentFileFormat and one registerDocumentFormat call.
import { UnsupportedError } from "../../errors.ts";
import type { DocumentFileFormat } from "./DocumentFileFormat.ts";
import { jsonArray, nameDocJsonArray } from "./kinds/jsonArray.ts";
import { jsonLines, nameDocJsonLines } from "./kinds/jsonLines.ts";
import { msgpack } from "./kinds/msgpack.ts";

const formats: DocumentFileFormat[] = [];
const byName = new Map<string, DocumentFileFormat>();

/** Adds a format; its name and aliases must be new. Detection asks it after the formats registered before. */
export function registerDocumentFormat(format: DocumentFileFormat): void {
  const names = [format.name, ...format.aliases];
  const taken = names.find((name) => byName.has(name));
  if (taken !== undefined)
    throw new UnsupportedError(`document format ${JSON.stringify(taken)} is registered already`);
  formats.push(format);
  for (const name of names) byName.set(name, format);
}

/** Every format, in registration order. */
export function documentFormats(): readonly DocumentFileFormat[] {
  return formats;
}

/** The format of this name or alias, or undefined. */
export function findDocumentFormat(name: string): DocumentFileFormat | undefined {
  return byName.get(name);
}

/** The format of this name or alias; UnsupportedError naming the known ones otherwise. */
export function documentFormatNamed(name: string): DocumentFileFormat {
  const format = byName.get(name);
  if (format !== undefined) return format;
  throw new UnsupportedError(
    `unknown document format ${JSON.stringify(name)}: use ${formats.map((known) => known.name).join(", ")}`,
  );
}

/** The usual file extension of a format (what writers and writePack name files with). */
export function extensionOf(name: string): string {
  return documentFormatNamed(name).extensions[0];
}

/** Extensions of the files that a plain directory of document files is expected to hold. */
export function documentFileExtensions(): ReadonlySet<string> {
  return new Set(formats.flatMap((format) => format.extensions));
}

for (const builtIn of [jsonLines, jsonArray, msgpack, nameDocJsonLines, nameDocJsonArray])
  registerDocumentFormat(builtIn);
