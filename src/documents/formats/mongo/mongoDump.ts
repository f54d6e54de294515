// Recognises a mongodump folder of databroker's MongoDB layouts, no server needed: mongodump writes
// `<root>/<db>/<collection>.bson` (+ `.metadata.json`). A db folder with run_start.bson is mongo_normalized,
// one with header.bson mongo_embedded. Normalized assets (resource, datum) may sit in the same db or in a
// second one (databroker's "asset registry"): a sibling db folder holding them without runs of its own.
import { readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathExists } from "../pathExists.ts";

export type MongoLayout = "mongo_normalized" | "mongo_embedded";

export interface MongoDump {
  layout: MongoLayout;
  /** The db folder of the runs. */
  directory: string;
  /** Collection name -> its .bson file, the assets' from a sibling db folder when not in this one. */
  files: Map<string, string>;
}

async function bsonNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(".bson") && !name.startsWith("."));
  } catch {
    return [];
  }
}

async function layoutOf(dir: string): Promise<MongoLayout | undefined> {
  if (await pathExists(join(dir, "run_start.bson"))) return "mongo_normalized";
  if (await pathExists(join(dir, "header.bson"))) return "mongo_embedded";
  return undefined;
}

async function subfolders(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => !n.startsWith(".")).sort()) {
    if ((await stat(join(dir, name)).catch(() => undefined))?.isDirectory()) found.push(join(dir, name));
  }
  return found;
}

/** The dump of the db folder `dir`, or undefined when it holds no run collection. */
export async function mongoDumpAt(dir: string): Promise<MongoDump | undefined> {
  const layout = await layoutOf(dir);
  if (layout === undefined) return undefined;
  const files = new Map<string, string>();
  for (const name of await bsonNames(dir)) files.set(name.slice(0, -".bson".length), join(dir, name));
  if (layout === "mongo_normalized" && !files.has("resource") && !files.has("datum")) {
    // A separate asset-registry db: the one sibling holding resource.bson and no runs.
    for (const sibling of await subfolders(dirname(dir))) {
      if (sibling === dir || (await layoutOf(sibling)) !== undefined) continue;
      const names = await bsonNames(sibling);
      if (!names.includes("resource.bson")) continue;
      for (const name of names) {
        const collection = name.slice(0, -".bson".length);
        if (collection.startsWith("resource") || collection.startsWith("datum"))
          files.set(collection, join(sibling, name));
      }
      break;
    }
  }
  return { layout, directory: dir, files };
}

/**
 * The db folders of runs that `dir` stands for: itself when it is one, else its subfolders that are (a dump
 * root: its other folders, an assets db or `admin`, are read through them or are not documents), else none.
 */
export async function mongoDumpFoldersAt(dir: string): Promise<string[]> {
  if ((await layoutOf(dir)) !== undefined) return [dir];
  const folders: string[] = [];
  for (const sub of await subfolders(dir)) if ((await layoutOf(sub)) !== undefined) folders.push(sub);
  return folders;
}
