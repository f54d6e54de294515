// A real server on a loopback port over a new, empty catalog of each kind the read suites use (SQLite, a
// PostgreSQL database), and a way to plant a run with a time ingest now refuses, as older versions stored it:
// the start's stored forms rewritten by SQL, bypassing every check.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { Broker } from "../../src/broker/index.ts";
import type { RunStart } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import type { AuthOptions } from "../../src/server/auth.ts";
import { encodeExact } from "../../src/storage/codec/exactMsgpack.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { ReadCatalog } from "./readServer.ts";

export const KEY = "catalog_test_key_0123456789";
export const WITH_KEY = { authorization: `Apikey ${KEY}` };

export interface CatalogServer {
  api: string;
  uri: string;
  broker: Broker;
  close(): Promise<void>;
}

export async function startCatalogServer(
  catalog: ReadCatalog,
  auth: AuthOptions = { apiKey: KEY },
): Promise<CatalogServer> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-catalog-"));
  const uri = await catalog.uri(dir);
  const broker = new Broker(await openStore(uri));
  const app = await createServer({ broker, auth, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    api: `http://127.0.0.1:${port}/api/v1`,
    uri,
    broker,
    async close() {
      await app.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rewrites the stored start of run `uid` to carry `time`, in every form the catalog at `uri` keeps it. */
export async function plantStartTime(uri: string, uid: string, time: number): Promise<void> {
  if (uri.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: uri });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT start_json::text AS start FROM runs WHERE uid = $1", [uid]);
      const start = { ...(JSON.parse(rows[0].start) as RunStart), time };
      await client.query("UPDATE documents SET body = $1 WHERE uid = $2", [
        Buffer.from(encodeExact(start)),
        uid,
      ]);
      const json = JSON.stringify(start);
      await client.query("UPDATE runs SET start = $1::jsonb, start_json = $1::json WHERE uid = $2", [
        json,
        uid,
      ]);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(uri.replace(/^sqlite:\/\//, ""));
  try {
    const row = db.prepare("SELECT start FROM runs WHERE uid = ?").get(uid) as { start: string };
    const start = { ...(JSON.parse(row.start) as RunStart), time };
    db.prepare("UPDATE documents SET body = ? WHERE uid = ?").run(encodeExact(start), uid);
    const finite = Number.isFinite(time) ? time : null;
    db.prepare("UPDATE runs SET start = ?, time = ? WHERE uid = ?").run(JSON.stringify(start), finite, uid);
  } finally {
    db.close();
  }
}
