// A real server on a loopback port over a SQLite catalog in a temp dir, for the ingest and auth tests, and
// a POST that streams its body (a file, or generated chunks) instead of building it in memory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import type { AuthOptions } from "../../src/server/auth.ts";
import { openStore } from "../../src/storage/openStore.ts";

export const TEST_KEY = "ingest_test_key_0123456789";

export interface TestServer {
  url: string;
  broker: Broker;
  close(): Promise<void>;
}

export async function startTestServer(auth: AuthOptions = { apiKey: TEST_KEY }): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-ingest-"));
  const broker = new Broker(await openStore(join(dir, "catalog.sqlite")));
  const app = await createServer({ broker, auth, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    broker,
    async close() {
      await app.close();
      await broker.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POSTs `body` (bytes, or chunks streamed as they are produced) to /api/v1/documents/. */
export async function postDocuments(
  server: TestServer,
  body: Uint8Array | string | AsyncIterable<Uint8Array | string>,
  contentType: string,
  headers: Record<string, string> = { authorization: `Apikey ${TEST_KEY}` },
): Promise<Answer> {
  const streamed =
    typeof body === "string" || body instanceof Uint8Array ? body : Readable.toWeb(Readable.from(body));
  const response = await fetch(`${server.url}/api/v1/documents/`, {
    method: "POST",
    headers: { "content-type": contentType, ...headers },
    body: streamed as RequestInit["body"],
    duplex: "half",
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}
