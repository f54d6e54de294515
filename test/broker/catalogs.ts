// The broker tests' catalogs: every Store adapter (memory, a SQLite file and a files directory, each in a
// temporary folder, and a fresh database on a shared PostgreSQL server), plus a RemoteBroker over HTTP
// (a SQLite catalog served on 127.0.0.1), filled with real runs; small helpers compare tables with documents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { BrokerLike } from "../../src/broker/BrokerLike.ts";
import { Broker, type BrokerOptions } from "../../src/broker/index.ts";
import { RemoteBroker } from "../../src/client/RemoteBroker.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, Event, EventDescriptor } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { eventsOf } from "../storage/storeHelpers.ts";
import { dataPath } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

export interface Adapter {
  name: string;
  open(): Promise<Store>;
  /** Serve the store over HTTP and hand the tests a RemoteBroker of it. */
  remote?: boolean;
}

const scratch = mkdtempSync(join(tmpdir(), "databroker-broker-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;

const EVERY_ADAPTER: Adapter[] = [
  { name: "memory", open: async () => new MemoryStore() },
  { name: "sqlite", open: () => openStore(join(scratch, `catalog-${folders++}.sqlite`)) },
  { name: "files", open: () => openStore(`file://${join(scratch, `files-${folders++}`)}`) },
  { name: "postgres", open: async () => openStore(await (await sharedPostgres()).createDatabase()) },
  {
    name: "remote",
    open: () => openStore(join(scratch, `served-${folders++}.sqlite`)),
    remote: true,
  },
];

/** Every adapter, or those named in BROKER_ADAPTERS (`remote,sqlite`) for a focused run. */
export const ADAPTERS: Adapter[] = process.env.BROKER_ADAPTERS
  ? EVERY_ADAPTER.filter((adapter) => process.env.BROKER_ADAPTERS!.split(",").includes(adapter.name))
  : EVERY_ADAPTER;

/** The runs of a reference file or directory, each as its documents. */
export async function runsOf(source: string): Promise<DocumentPair[][]> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
  return splitRuns(pairs).runs.map((run) => run.documents);
}

/** What each test broker stands on: its store, and how to close it all. */
const backing = new Map<BrokerLike, { store: Store; close(): Promise<void> }>();

const API_KEY = "broker_tests_key";

/** A server over the local broker and a RemoteBroker of it; `options` apply on the server's side. */
async function served(local: Broker): Promise<{ remote: BrokerLike; close(): Promise<void> }> {
  const app = await createServer({ broker: local, auth: { apiKey: API_KEY }, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const remote = await RemoteBroker.connect(`http://127.0.0.1:${port}`, { apiKey: API_KEY });
  return { remote, close: () => app.close() };
}

/** A broker over a new store of `adapter` holding the runs (one put per run): local, or remote over HTTP. */
export async function brokerWith(
  adapter: Adapter,
  runs: DocumentPair[][],
  options: BrokerOptions = {},
): Promise<BrokerLike> {
  const store = await adapter.open();
  for (const documents of runs) await store.put(documents);
  const local = new Broker(store, options);
  if (!adapter.remote) {
    backing.set(local, { store, close: () => local.close() });
    return local;
  }
  const server = await served(local);
  backing.set(server.remote, {
    store,
    async close() {
      await server.remote.close();
      await server.close();
      await local.close();
    },
  });
  return server.remote;
}

/** The store behind a test broker (for a remote one, the served store): what tests add runs to. */
export function storeOf(broker: BrokerLike): Store {
  const found = backing.get(broker);
  if (!found) throw new Error("not a broker of brokerWith");
  return found.store;
}

/** Closes the broker, its server if any, and its store. */
export async function closeAll(broker: BrokerLike): Promise<void> {
  const found = backing.get(broker);
  if (!found) throw new Error("not a broker of brokerWith");
  backing.delete(broker);
  await found.close();
  await found.store.close();
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
