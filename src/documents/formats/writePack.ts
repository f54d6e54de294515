// Writes a databroker-pack directory from runs' documents and the external files to copy, by root (the
// library's call; `databroker export --format pack` finds a run's files itself). The layout is the pack
// export format's (src/exports/formats/pack.ts); this only says which files and where.
import { mkdir } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConflictError, ValidationError } from "../../errors.ts";
import { PackWriter } from "../../exports/formats/pack.ts";
import { ByteCount, directoryFolder } from "../../exports/sinks/directorySink.ts";
import type { DocumentPair } from "../types.ts";
import { pathExists } from "./pathExists.ts";
import { CATALOG_FILE, type PackCatalog, readPack } from "./readPack.ts";

export type RunDocuments = AsyncIterable<DocumentPair> | Iterable<DocumentPair>;

export interface WritePackOptions {
  /** Format of the document files: msgpack (databroker-pack's default) or JSON Lines. */
  format?: "msgpack" | "jsonl";
  /**
   * Resource root (as written in the documents) -> its files to copy into the pack: absolute paths, or
   * relative to the root's directory. Those Resources get a root that root_map points to the copies.
   */
  externalFiles?: Record<string, string[]>;
  /**
   * Resource root -> the directory holding its files on this machine, when that is not the root itself.
   * Used to find the files to copy; for a root whose files are not copied, written into root_map as is.
   */
  rootMap?: Record<string, string>;
}

/** Writes `runs` (each: its documents, start first) as a databroker-pack directory `dir`; reads it back. */
export async function writePack(
  dir: string,
  runs: AsyncIterable<RunDocuments> | Iterable<RunDocuments>,
  options: WritePackOptions = {},
): Promise<PackCatalog> {
  const directory = resolve(dir);
  if (await pathExists(join(directory, CATALOG_FILE))) {
    throw new ConflictError(`${directory} already holds a pack (${CATALOG_FILE})`);
  }
  await mkdir(directory, { recursive: true });
  const pack = new PackWriter(directoryFolder(directory, new ByteCount()), {
    format: options.format ?? "msgpack",
    location: directory,
    rootMap: options.rootMap,
  });
  for (const [root, files] of Object.entries(options.externalFiles ?? {})) {
    const base = options.rootMap?.[root] ?? root;
    for (const file of files) {
      const localPath = isAbsolute(file) ? file : join(base, file);
      const below = relative(base, localPath);
      if (below.startsWith("..") || isAbsolute(below))
        throw new ValidationError(`external file ${localPath} is not under its resource root ${base}`);
      await pack.copy({ root, relativePath: below.split(sep).join("/"), localPath });
    }
  }
  for await (const run of runs) await pack.addRun(run);
  await pack.finish();
  return readPack(directory);
}
