// The sources named on a command line, each read as a stream of its own (runs never span sources): a file,
// a databroker-pack directory (one source: its catalog names its files), or a mongodump db folder of
// databroker's layouts (one source; a dump root stands for its db folders of runs, its other folders are
// their asset db or mongodump's own). A plain directory stands for its
// files and folders, recursively, hidden ones aside — exactly what naming them one by one gives, whatever
// their names, so a file that is not documents is met and reported, never skipped unseen.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { documentFilesOf } from "./documentFiles.ts";
import { mongoDumpAt, mongoDumpFoldersAt } from "./mongo/mongoDump.ts";
import { mongoDumpBytes } from "./mongo/readMongoDump.ts";
import { isPackDirectory } from "./readPack.ts";

export interface DocumentSource {
  /** A file or a databroker-pack directory, as readDocuments takes it. */
  path: string;
  /** Its size (a pack: its document files'), for progress; 0 when it cannot be told (the read will say why). */
  bytes: number;
}

/** The sources of every path in turn; a path that does not exist is a source whose read says so. */
export async function documentSourcesOf(paths: readonly string[]): Promise<DocumentSource[]> {
  const sources: DocumentSource[] = [];
  for (const path of paths) sources.push(...(await sourcesAt(path)));
  return sources;
}

async function sourcesAt(path: string): Promise<DocumentSource[]> {
  const size = await sizeOrUndefined(path);
  if (size === "directory") return directorySources(path);
  return [{ path, bytes: size ?? 0 }];
}

async function directorySources(dir: string): Promise<DocumentSource[]> {
  if (await isPackDirectory(dir)) return [{ path: dir, bytes: await packBytes(dir) }];
  const dumps = await mongoDumpFoldersAt(dir);
  if (dumps.length > 0) return Promise.all(dumps.map(dumpSource));
  const names = (await readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  return documentSourcesOf(names.map((name) => join(dir, name)));
}

async function dumpSource(folder: string): Promise<DocumentSource> {
  const dump = await mongoDumpAt(folder);
  return { path: folder, bytes: dump === undefined ? 0 : await mongoDumpBytes(dump) };
}

async function packBytes(dir: string): Promise<number> {
  try {
    let bytes = 0;
    for (const file of await documentFilesOf(dir)) bytes += (await stat(file)).size;
    return bytes;
  } catch {
    return 0; // an unreadable pack catalog: reading it reports the error
  }
}

async function sizeOrUndefined(path: string): Promise<number | "directory" | undefined> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? "directory" : stats.size;
  } catch {
    return undefined;
  }
}
