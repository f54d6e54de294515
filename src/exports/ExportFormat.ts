// What an export format is: a name users give (`--format`, HTTP `format=`), how one run's export is laid out
// (one file, or a folder of files), and the function that writes it. A new format is one file that builds
// an ExportFormat and registers it (registry.ts); the CLI, the HTTP routes and the page find it there.
import type { RunLike } from "../broker/BrokerLike.ts";
import { ValidationError } from "../errors.ts";

/** Where one file of an export goes: bytes appended in order, or a path a file-writing library fills. */
export interface FileSink {
  write(chunk: Uint8Array | string): Promise<void>;
  /**
   * For libraries that write a file themselves (HDF5 needs to seek): `fill` writes `path`, whose bytes then
   * become this file's. Only on a sink nothing was written to yet.
   */
  writeVia(fill: (path: string) => Promise<void>): Promise<void>;
}

/** Where the files of a folder export go (a directory on disk, or a tar stream over HTTP and stdout). */
export interface FolderSink {
  /** One file at `name` (a relative path with `/`), written by `fill`; complete when fill resolves. */
  file(name: string, fill: (sink: FileSink) => Promise<void>): Promise<void>;
  /** A copy of the local file `source` at `name` (external detector files into a pack). */
  copy(name: string, source: string): Promise<void>;
}

/** Settings of one export, the same for every run of it. */
export interface ExportSettings {
  /** Format-specific settings by name (e.g. `nexus.names`: a YAML name map); formats say what they read. */
  readonly options: Readonly<Record<string, string>>;
  /** The export's name template (nameTemplate.ts), for formats that name runs inside their folder. */
  readonly template?: string;
  /** Where detector files are read from when a format copies them (pack); the local catalog's reader. */
  readonly externalFiles?: ExternalFileLister;
}

/** The local files behind a run's external data, each with its Resource root (what pack copies). */
export interface ExternalFileLister {
  filesOf(run: RunLike): AsyncIterable<ExternalFile>;
}

export interface ExternalFile {
  /** The Resource's `root` as written in its document (what root_map keys). */
  root: string;
  /** The file's path below the root, `/`-separated. */
  relativePath: string;
  /** Where it is on this machine (root_map applied). */
  localPath: string;
}

interface FormatBase {
  /** What `--format` and `format=` take; aliases too (`h5`, `nxs`...). */
  readonly name: string;
  readonly aliases: readonly string[];
  /** One line for `--help`, About and the page. */
  readonly summary: string;
  /** The media type of one run's export (a folder export goes as application/x-tar). */
  readonly mediaType: string;
  /** Its documents read back give the same run (round trip); else it holds values only. */
  readonly carriesDocuments: boolean;
  /** The settings it reads from ExportSettings.options: key -> what it does (shown in `--help`). */
  readonly options?: Readonly<Record<string, string>>;
}

/** A format whose export of a run is one file, `<name><extension>`: streamable as is. */
export interface FileExportFormat extends FormatBase {
  readonly layout: "file";
  readonly extension: string;
  /** The run as one file. */
  write(run: RunLike, sink: FileSink, settings: ExportSettings): Promise<void>;
}

/** A format whose export of a run is a folder of files (CSV per stream, TIFF per image field...). */
export interface FolderExportFormat extends FormatBase {
  readonly layout: "folder";
  write(run: RunLike, folder: FolderSink, settings: ExportSettings): Promise<void>;
}

/**
 * A format whose export holds many runs in one folder (a databroker-pack): runs are added one by one, then
 * `finish` writes what describes them all (catalog.yml, manifests).
 */
export interface CollectionExportFormat extends FormatBase {
  readonly layout: "collection";
  /** `location`: the directory the folder becomes once complete (none when it goes into a tar). */
  begin(folder: FolderSink, settings: ExportSettings, location?: string): CollectionWriter;
}

export interface CollectionWriter {
  add(run: RunLike): Promise<void>;
  finish(): Promise<void>;
}

export type ExportFormat = FileExportFormat | FolderExportFormat | CollectionExportFormat;

/** Settings for an export that needs none. */
export const NO_SETTINGS: ExportSettings = { options: {} };

/** Settings a format does not read are a mistake (a typo would be silently ignored): refused, naming the known. */
export function checkedSettings(format: ExportFormat, settings: ExportSettings): ExportSettings {
  const known = Object.keys(format.options ?? {});
  for (const key of Object.keys(settings.options))
    if (!known.includes(key))
      throw new ValidationError(
        `${format.name} has no setting ${JSON.stringify(key)}` +
          (known.length > 0 ? `: it takes ${known.join(", ")}` : ": it takes none"),
      );
  return settings;
}
