// The tree tests' catalogs: two real SQLite catalogs of real runs from ../shared/data ("csx": apstools,
// "chx": USAXS), filled once per test file, and an in-process server over them (real HTTP on loopback).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer, type ServerOptions } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { dataPath } from "../support/sharedData.ts";
import { API_KEY } from "./readServer.ts";

/** Each catalog's runs come from one file of the reference data. */
export const TREE_SOURCES = {
  csx: "apstools/tests/apstools.json",
  chx: "apstools/tests/usaxs.json",
} as const;

export type TreeName = keyof typeof TREE_SOURCES;

export interface TreeCatalogs {
  dir: string;
  /** Each catalog's SQLite file. */
  files: Record<TreeName, string>;
  /** Each catalog's runs' documents by start uid. */
  runs: Record<TreeName, Map<string, DocumentPair[]>>;
  remove(): void;
}

/** The two catalogs as SQLite files in a new temp dir (closed: a server or a process opens them). */
export async function makeTreeCatalogs(): Promise<TreeCatalogs> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-tree-"));
  const files = {} as Record<TreeName, string>;
  const runs = {} as Record<TreeName, Map<string, DocumentPair[]>>;
  for (const [name, source] of Object.entries(TREE_SOURCES) as Array<[TreeName, string]>) {
    files[name] = join(dir, `${name}.sqlite`);
    const store = await openStore(files[name]);
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
    runs[name] = new Map();
    for (const run of splitRuns(pairs).runs) {
      await store.put(run.documents);
      runs[name].set((run.documents[0][1] as { uid: string }).uid, run.documents);
    }
    await store.close();
  }
  return { dir, files, runs, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TreeServer {
  api: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A server over `catalogs` (name -> SQLite file) and, when `root` names one of them, that catalog at the
 * root; single-user with the read tests' key.
 */
export async function startTreeServer(
  catalogs: Record<string, string>,
  root?: string,
  options: Partial<ServerOptions> = {},
): Promise<TreeServer> {
  const brokers: Record<string, Broker> = {};
  for (const [name, file] of Object.entries(catalogs)) brokers[name] = await Broker.open(file);
  const rootBroker = root === undefined ? undefined : await Broker.open(root);
  const app = await createServer({
    broker: rootBroker,
    catalogs: brokers,
    auth: { apiKey: API_KEY },
    logger: false,
    ...options,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    api: `http://127.0.0.1:${port}/api/v1`,
    app,
    async close() {
      await app.close();
      for (const broker of [...Object.values(brokers), ...(rootBroker ? [rootBroker] : [])])
        await broker.close();
    },
  };
}
