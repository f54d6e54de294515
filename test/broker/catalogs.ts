// The broker tests' catalogs: every Store adapter (memory, a SQLite file and a files directory, each in a
// temporary folder, and a fresh database on a shared PostgreSQL server), filled with real runs, and small
// helpers to compare tables with the documents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { Broker, type BrokerOptions } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, Event, EventDescriptor } from "../../src/documents/types.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { eventsOf } from "../storage/storeHelpers.ts";
import { dataPath } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

export interface Adapter {
  name: string;
  open(): Promise<Store>;
}

const scratch = mkdtempSync(join(tmpdir(), "databroker-broker-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;

export const ADAPTERS: Adapter[] = [
  { name: "memory", open: async () => new MemoryStore() },
  { name: "sqlite", open: () => openStore(join(scratch, `catalog-${folders++}.sqlite`)) },
  { name: "files", open: () => openStore(`file://${join(scratch, `files-${folders++}`)}`) },
  { name: "postgres", open: async () => openStore(await (await sharedPostgres()).createDatabase()) },
];

/** The runs of a reference file or directory, each as its documents. */
export async function runsOf(source: string): Promise<DocumentPair[][]> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
  return splitRuns(pairs).runs.map((run) => run.documents);
}

/** A Broker over a new store of `adapter` holding the runs (one put per run). */
export async function brokerWith(
  adapter: Adapter,
  runs: DocumentPair[][],
  options: BrokerOptions = {},
): Promise<Broker> {
  const store = await adapter.open();
  for (const documents of runs) await store.put(documents);
  return new Broker(store, options);
}

/** Closes the broker and its store. */
export async function closeAll(broker: Broker): Promise<void> {
  await broker.close();
  await broker.store.close();
}

/** The events of one stream of a run's documents, in seq_num order: what a table must hold. */
export function streamEvents(documents: DocumentPair[], stream: string): Event[] {
  const descriptors = new Set(
    documents
      .filter(
        ([name, doc]) => name === "descriptor" && ((doc as EventDescriptor).name ?? "primary") === stream,
      )
      .map(([, doc]) => (doc as EventDescriptor).uid),
  );
  return eventsOf(documents)
    .filter((event) => descriptors.has(event.descriptor))
    .sort((a, b) => a.seq_num - b.seq_num);
}

/** A cell or element as plain JSON-like data: bigint as number, typed arrays as lists. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, plain);
  return value;
}
