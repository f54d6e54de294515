// The read tests' server: a real fastify server on 127.0.0.1 (port 0) over a SQLite catalog in a temp dir or a
// fresh PostgreSQL database, holding real runs of ../shared/data (apstools, USAXS, the tutorials, a databroker-pack with NPY files),
// and requests sent the way the Python client (httpx) sends them: every name and value percent-encoded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unpack } from "msgpackr";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments, readPack } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { dataPath } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

export const API_KEY = "read_test_key_0123456789";

/** Where the catalog's runs come from (each file or directory holds whole runs). */
export const SOURCES = [
  "apstools/tests/apstools.json",
  "apstools/tests/usaxs.json",
  "bluesky-tutorials/example_data",
  "databroker-pack/simple_catalog",
];

/** A kind of catalog the read suites run over. */
export interface ReadCatalog {
  name: string;
  /** The URI of a new, empty catalog (`dir` is a temp dir of the server's, removed when it closes). */
  uri(dir: string): Promise<string>;
}

/** Every read suite runs once over each, with identical assertions. */
export const READ_CATALOGS: ReadCatalog[] = [
  { name: "SQLite", uri: async (dir) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

export interface ReadServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  api: string;
  broker: Broker;
  /** Every stored run's documents, by start uid. */
  runs: Map<string, DocumentPair[]>;
  close(): Promise<void>;
}

export async function startReadServer(catalog: ReadCatalog): Promise<ReadServer> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-server-"));
  const store = await openStore(await catalog.uri(dir));
  const runs = new Map<string, DocumentPair[]>();
  for (const source of SOURCES) {
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
    for (const run of splitRuns(pairs).runs) {
      await store.put(run.documents);
      const start = run.documents.find(([name]) => name === "start");
      if (start) runs.set((start[1] as { uid: string }).uid, run.documents);
    }
  }
  const pack = await readPack(dataPath("databroker-pack", "simple_catalog"));
  const broker = new Broker(store, { rootMap: pack.rootMap });
  const app = await createServer({ broker, auth: { apiKey: API_KEY }, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    api: `${base}/api/v1`,
    broker,
    runs,
    async close() {
      await app.close();
      await broker.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Params = Array<[string, string]>;

/** httpx's encoding: the link's own query kept, the parameters appended, names and values encoded. */
export function withParams(link: string, params: Params = []): string {
  if (params.length === 0) return link;
  const query = params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${link}${link.includes("?") ? "&" : "?"}${query.join("&")}`;
}

export const AUTH = { authorization: `Apikey ${API_KEY}` };

/** A GET as the client sends it after About: the key, and msgpack asked for (metadata and search answer it). */
export async function get(
  link: string,
  params: Params = [],
  headers: Record<string, string> = { accept: "application/x-msgpack" },
): Promise<Response> {
  return fetch(withParams(link, params), { headers: { ...AUTH, ...headers } });
}

/** GET and decode the body, msgpack or JSON as the answer says it is, asserting nothing yet. */
export async function getJson(
  link: string,
  params: Params = [],
): Promise<{ status: number; body: any; response: Response }> {
  const response = await get(link, params);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const msgpack = response.headers.get("content-type")?.startsWith("application/x-msgpack") === true;
  const body = msgpack ? unpack(bytes) : JSON.parse(new TextDecoder().decode(bytes));
  return { status: response.status, body, response };
}
