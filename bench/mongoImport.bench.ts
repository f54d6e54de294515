// Import from a mongodump folder (mongo_normalized: one BSON record per event), against baselines measured in
// the same run, for a run of 100,000 single events x 10 float fields:
// 1. read + put of the dump into SQLite vs read + put of the same run as a JSON Lines file;
// 2. reading the dump's documents alone (index pass, then the run: two reads of event.bson) vs the `bson`
//    package deserializing every record of event.bson once, with nothing else done.
import { mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { deserialize, ObjectId, serialize } from "bson";
import { readDocuments, writeDocuments } from "../src/documents/formats/index.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { report, type Timing, time } from "./harness.ts";
import { singleEventRun } from "./ingest.bench.ts";
import { FIELDS } from "./syntheticRuns.ts";

const COLLECTIONS: Record<string, string> = {
  start: "run_start",
  stop: "run_stop",
  descriptor: "event_descriptor",
  event: "event",
};

/** The run as suitcase-mongo's normalized serializer would have inserted it, dumped as mongodump does. */
async function writeDump(dir: string, events: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files = new Map<string, Awaited<ReturnType<typeof open>>>();
  try {
    for (const [name, doc] of singleEventRun(events)) {
      const collection = COLLECTIONS[name];
      let file = files.get(collection);
      if (file === undefined)
        files.set(collection, (file = await open(join(dir, `${collection}.bson`), "w")));
      await file.write(serialize({ _id: new ObjectId(), ...doc }));
    }
  } finally {
    for (const file of files.values()) await file.close();
  }
}

async function putTiming(events: number, dir: string, source: string): Promise<Timing> {
  let round = 0;
  return time(
    events,
    async () => {
      const path = join(dir, `catalog-${round++}.sqlite`);
      const store = new SqliteStore(path);
      try {
        await store.put(readDocuments(source));
      } finally {
        await store.close();
        await rm(path, { force: true });
      }
    },
    2,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-mongo-"));
  try {
    const events = 100_000;
    const dump = join(dir, "dump", "metadatastore");
    await writeDump(dump, events);
    const jsonl = join(dir, "run.jsonl");
    await writeDocuments(jsonl, singleEventRun(events), "jsonl");

    const fromDump = await putTiming(events, dir, dump);
    const fromJsonl = await putTiming(events, dir, jsonl);
    report(
      `ingest a mongo_normalized dump, ${events} events x ${FIELDS.length} floats, into SQLite`,
      "events",
      fromDump,
      fromJsonl,
      "the same run from JSON Lines",
    );

    const read = await time(events, async () => {
      for await (const _ of readDocuments(dump).chunks());
    });
    const eventFile = join(dump, "event.bson");
    const deserializeOnly = await time(events, async () => {
      const bytes = await readFile(eventFile);
      for (let at = 0, length = 0; at < bytes.length; at += length) {
        length = bytes.readInt32LE(at);
        deserialize(bytes.subarray(at, at + length));
      }
    });
    report(
      "read the dump's documents (index pass + run pass)",
      "events",
      read,
      deserializeOnly,
      "bson.deserialize of every event.bson record, file in memory",
    );
    const t0 = performance.now();
    let documents = 0;
    for await (const chunk of readDocuments(dump).chunks()) documents += chunk.length;
    console.log(`  (${documents} documents, one more read ${(performance.now() - t0).toFixed(0)} ms)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
