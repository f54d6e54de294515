// Content negotiation from registries (media type -> writer), one registry per kind of node: the `format`
// parameter (media types or aliases, comma-separated) first, then `Accept` (q-values, `*/*`, `type/*`),
// the first format registered being the default. Nothing matching is a 406 listing what is supported.
import type { Readable } from "node:stream";
import { NotAcceptableError } from "./errors.ts";

export type Body = string | Uint8Array | Readable;

export interface Format<T> {
  /** What the format is known by (About, `format=`, Accept). */
  mediaType: string;
  /** What the reply's Content-Type says, when not the media type (folder exports: a tar archive). */
  contentType?: string;
  /** Short names users give as `format=` (what `.export('x.csv')` sends). */
  aliases: string[];
  write(value: T): Body | Promise<Body>;
  /** The name a browser saves the body as, when the request names none. */
  fileName?(value: T): Promise<string>;
}

interface AcceptEntry {
  type: string;
  q: number;
}

/** The accepted media types, most wanted first (ties in the order given); q=0 dropped. */
export function parseAccept(header: string): AcceptEntry[] {
  return header
    .split(",")
    .map((part) => {
      const [type, ...parameters] = part.split(";").map((piece) => piece.trim());
      const q = parameters.find((parameter) => parameter.startsWith("q="));
      return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.type !== "" && entry.q > 0)
    .sort((a, b) => b.q - a.q);
}

export class FormatRegistry<T> {
  private readonly formats: Format<T>[] = [];

  constructor(
    /** What About lists the formats under (a structure family or a spec). */
    readonly name: string,
    formats: Format<T>[] = [],
  ) {
    for (const format of formats) this.register(format);
  }

  register(format: Format<T>): void {
    this.formats.push(format);
  }

  get mediaTypes(): string[] {
    return this.formats.map((format) => format.mediaType);
  }

  aliases(): Record<string, string[]> {
    return Object.fromEntries(this.formats.map((format) => [format.mediaType, format.aliases]));
  }

  private byName(name: string): Format<T> | undefined {
    const wanted = name.split(";")[0].trim().toLowerCase();
    return this.formats.find((format) => format.mediaType === wanted || format.aliases.includes(wanted));
  }

  /** The format for a request: `format` parameter first, then the Accept header. */
  choose(format: string | null | undefined, accept: string | undefined): Format<T> {
    if (format) {
      for (const name of format.split(",")) {
        const found = this.byName(name);
        if (found) return found;
      }
      throw new NotAcceptableError(`format ${JSON.stringify(format)} is not offered here`, this.mediaTypes);
    }
    if (!accept || accept.trim() === "") return this.formats[0];
    for (const { type } of parseAccept(accept)) {
      if (type === "*/*") return this.formats[0];
      const found = type.endsWith("/*")
        ? this.formats.find((entry) => entry.mediaType.startsWith(type.slice(0, -1)))
        : this.byName(type);
      if (found) return found;
    }
    throw new NotAcceptableError(`none of the accepted types (${accept}) is offered here`, this.mediaTypes);
  }
}

// The registries of this server. Adding a format is one `register` call (or one entry here).
import type { RunLike } from "../broker/BrokerLike.ts";
import type { DocumentPair } from "../documents/types.ts";
import { type ExportSettings, exportFormats } from "../exports/index.ts";
import { tableToCSV } from "../tables/csv.ts";
import { tableToJSONText } from "../tables/jsonColumns.ts";
import type { Table } from "../tables/Table.ts";
import { jsonText } from "./json.ts";
import type { Node, ServedArray } from "./nodes/Node.ts";
import { arrayBytes, arrayCsv, arrayJson } from "./writers/arrayWriters.ts";
import { arrowFileBody } from "./writers/arrowWriter.ts";
import { containerTree } from "./writers/containerTree.ts";
import { documentsJsonSeq } from "./writers/documentsWriter.ts";
import { exportBody, exportContentType, exportFileName, exportMediaType } from "./writers/exportWriter.ts";

export const ARROW_FILE = "application/vnd.apache.arrow.file";

export const arrayFormats = new FormatRegistry<ServedArray>("array", [
  { mediaType: "application/octet-stream", aliases: ["bin", "raw"], write: arrayBytes },
  { mediaType: "application/json", aliases: ["json"], write: arrayJson },
  { mediaType: "text/csv", aliases: ["csv"], write: arrayCsv },
]);

/** Tables: the table routes and the datasets (xarray_dataset) exported whole. */
export const tableFormats = new FormatRegistry<Table>("table", [
  { mediaType: ARROW_FILE, aliases: ["arrow", "feather"], write: arrowFileBody },
  { mediaType: "text/csv", aliases: ["csv"], write: tableToCSV },
  { mediaType: "application/json", aliases: ["json"], write: tableToJSONText },
]);

export const containerFormats = new FormatRegistry<Node>("container", [
  {
    mediaType: "application/json",
    aliases: ["json"],
    write: async (node) => jsonText(await containerTree(node)),
  },
]);

/** What a run's formats are given: its node, its documents, and the run itself (for exports). */
export interface ServedRun {
  node: Node;
  documents: () => AsyncIterable<DocumentPair>;
  run: () => Promise<RunLike>;
  /** The settings of exports over HTTP (the server's file access for packs). */
  exportSettings: ExportSettings;
}

/**
 * A run exports as its documents (what `documents()` of a v3 client asks /container/full for), and in every
 * export format by its name (`format=nexus`, `format=pack`...).
 */
export const runFormats = new FormatRegistry<ServedRun>("BlueskyRun", [
  {
    mediaType: "application/json",
    aliases: ["json"],
    write: async ({ node }) => jsonText(await containerTree(node)),
  },
  {
    mediaType: "application/json-seq",
    aliases: ["json-seq"],
    write: ({ documents }) => documentsJsonSeq(documents()),
  },
]);

for (const format of exportFormats()) {
  runFormats.register({
    mediaType: exportMediaType(format),
    contentType: exportContentType(format),
    aliases: [format.name, ...format.aliases],
    write: async ({ run, exportSettings }) => exportBody(format, await run(), exportSettings),
    fileName: async ({ run }) => exportFileName(format, await run()),
  });
}

/** Every registry, under the name About lists it by. */
export const ALL_FORMATS = [arrayFormats, tableFormats, containerFormats, runFormats] as const;
