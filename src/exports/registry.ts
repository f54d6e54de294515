// The export formats this process knows, in registration order (the order `--help`, About and the page
// list them). Built-in formats register in formats/index.ts; a plugin calls registerExportFormat.
import { UnsupportedError } from "../errors.ts";
import type { ExportFormat } from "./ExportFormat.ts";

const formats: ExportFormat[] = [];
const byName = new Map<string, ExportFormat>();

/** Adds a format; its name and aliases must be new. */
export function registerExportFormat(format: ExportFormat): void {
  const names = [format.name, ...format.aliases];
  const taken = names.find((name) => byName.has(name));
  if (taken !== undefined)
    throw new UnsupportedError(`export format ${JSON.stringify(taken)} is registered already`);
  formats.push(format);
  for (const name of names) byName.set(name, format);
}

export function exportFormats(): readonly ExportFormat[] {
  return formats;
}

export function findExportFormat(name: string): ExportFormat | undefined {
  return byName.get(name.toLowerCase());
}

/** The format of this name or alias; UnsupportedError naming the known ones otherwise. */
export function exportFormatNamed(name: string): ExportFormat {
  const format = findExportFormat(name);
  if (format !== undefined) return format;
  throw new UnsupportedError(
    `unknown export format ${JSON.stringify(name)}: use ${formats.map((known) => known.name).join(", ")}`,
  );
}
