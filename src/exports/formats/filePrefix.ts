// The start of each file name in a folder export, as suitcase's `file_prefix`: `{uid}-` by default (what
// suitcase-csv and suitcase-tiff write), or the template in the option `<format>.file_prefix`.
import type { RunLike } from "../../broker/BrokerLike.ts";
import type { ExportSettings } from "../ExportFormat.ts";
import { nameTemplate } from "../nameTemplate.ts";

export function filePrefix(run: RunLike, settings: ExportSettings, format: string): string {
  return nameTemplate(settings.options[`${format}.file_prefix`] ?? "{uid}-")(run.start);
}

/** A stream or field name as part of a file name: a `/` or `\` would make a folder of it, `..` leave one. */
export function namePart(name: string): string {
  return name.replace(/[/\\\0]/g, "_").replace(/^\.+/, (dots) => "_".repeat(dots.length));
}

/** The setting `<format>.file_prefix`, as a format declares it. */
export function filePrefixOption(format: string): Record<string, string> {
  return {
    [`${format}.file_prefix`]: "the start of each file's name, a name template (default {uid}-, as suitcase)",
  };
}
