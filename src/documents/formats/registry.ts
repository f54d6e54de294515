// The document file formats this process knows, in the order detection asks them: the built-in ones, then
// any registered at run time. Reading, writing, detection, the CLI's `--format` and the HTTP ingest route
// find formats here only, so a new format is one DocumentFileFormat and one registerDocumentFormat call.
import { NamedRegistry } from "../../NamedRegistry.ts";
import type { DocumentFileFormat } from "./DocumentFileFormat.ts";
import { jsonArray, nameDocJsonArray } from "./kinds/jsonArray.ts";
import { jsonLines, nameDocJsonLines } from "./kinds/jsonLines.ts";
import { msgpack } from "./kinds/msgpack.ts";

const formats = new NamedRegistry<DocumentFileFormat>("document format");

/** Adds a format; its name and aliases must be new. Detection asks it after the formats registered before. */
export function registerDocumentFormat(format: DocumentFileFormat): void {
  formats.register(format);
}

/** Every format, in registration order. */
export function documentFormats(): readonly DocumentFileFormat[] {
  return formats.all();
}

/** The format of this name or alias, or undefined. */
export function findDocumentFormat(name: string): DocumentFileFormat | undefined {
  return formats.find(name);
}

/** The format of this name or alias; UnsupportedError naming the known ones otherwise. */
export function documentFormatNamed(name: string): DocumentFileFormat {
  return formats.named(name);
}

/** The usual file extension of a format (what writers and writePack name files with). */
export function extensionOf(name: string): string {
  return documentFormatNamed(name).extensions[0];
}

/** Extensions of the files that a plain directory of document files is expected to hold. */
export function documentFileExtensions(): ReadonlySet<string> {
  return new Set(formats.all().flatMap((format) => format.extensions));
}

for (const builtIn of [jsonLines, jsonArray, msgpack, nameDocJsonLines, nameDocJsonArray])
  registerDocumentFormat(builtIn);
