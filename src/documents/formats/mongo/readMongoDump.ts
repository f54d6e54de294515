// The documents of a mongodump db folder of databroker's layouts, as readDocuments gives any source's: the
// runs one after another, each in the order the ingest expects (start, descriptors, resources and datums,
// events, stop). Damage is thrown after the runs that could be given whole (UnreadableError: file and byte).
import { stat } from "node:fs/promises";
import { UnreadableError } from "../../../errors.ts";
import type { DocumentItem } from "../DocumentStream.ts";
import type { MongoReadOptions } from "./dumpRecords.ts";
import { embeddedRuns } from "./embeddedRuns.ts";
import { type MongoDump, mongoDumpAt } from "./mongoDump.ts";
import { normalizedRuns } from "./normalizedRuns.ts";

export async function* readMongoDump(
  dir: string,
  options: MongoReadOptions = {},
): AsyncGenerator<readonly DocumentItem[]> {
  const dump = await mongoDumpAt(dir);
  if (dump === undefined)
    throw new UnreadableError(dir, "folder", "not a mongodump folder (no run_start.bson or header.bson)");
  yield* dump.layout === "mongo_normalized" ? normalizedRuns(dump, options) : embeddedRuns(dump, options);
}

/** The bytes of the dump's collection files (what progress counts). */
export async function mongoDumpBytes(dump: MongoDump): Promise<number> {
  let bytes = 0;
  for (const path of dump.files.values()) bytes += (await stat(path).catch(() => ({ size: 0 }))).size;
  return bytes;
}
