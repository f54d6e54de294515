// The export formats this process knows, in registration order (the order `--help`, About and the page
// list them). Built-in formats register in formats/index.ts; a plugin calls registerExportFormat.
import { NamedRegistry } from "../NamedRegistry.ts";
import type { ExportFormat } from "./ExportFormat.ts";

const formats = new NamedRegistry<ExportFormat>("export format", (name) => name.toLowerCase());

/** Adds a format; its name and aliases must be new. */
export function registerExportFormat(format: ExportFormat): void {
  formats.register(format);
}

export function exportFormats(): readonly ExportFormat[] {
  return formats.all();
}

export function findExportFormat(name: string): ExportFormat | undefined {
  return formats.find(name);
}

/** The format of this name or alias; UnsupportedError naming the known ones otherwise. */
export function exportFormatNamed(name: string): ExportFormat {
  return formats.named(name);
}
