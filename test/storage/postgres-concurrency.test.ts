// Several processes putting into one PostgreSQL catalog at once (the scale-out case): each writes runs of its
// own in many short transactions while all of them race to put one shared run in overlapping batches. Every
// run is stored whole, and the raced run exactly once: no document or event twice, none lost.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { DocumentPair, Event } from "../../src/documents/types.ts";
import { SCHEMA_VERSION } from "../../src/storage/postgres/migrations.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { projectRoot } from "../support/sharedData.ts";
import { collect, eventsFromColumns, eventsOf } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const WRITERS = 4;
const SHARED_EVENTS = 120;

const moduleUrl = (path: string) => pathToFileURL(join(projectRoot, path)).href;

/**
 * A writer process: argv = catalog URI, writer number, the shared run's documents (a JSON file), where to
 * write the runs it sent. Its own runs and its turns at the shared run are put concurrently on its pool.
 */
const WRITER = `
import { readFileSync, writeFileSync } from "node:fs";
const { PostgresStore } = await import(${JSON.stringify(moduleUrl("src/storage/postgres/PostgresStore.ts"))});
const { smallRun } = await import(${JSON.stringify(moduleUrl("test/storage/syntheticRuns.ts"))});
const [uri, writerText, sharedPath, out] = process.argv.slice(1);
const writer = Number(writerText);
const shared = JSON.parse(readFileSync(sharedPath, "utf8"));
const store = await PostgresStore.open(uri, { maxConnections: 4 });
const own = async () => {
  const sent = [];
  for (let r = 0; r < 4; r++) {
    const { uid, documents } = smallRun({ plan_name: "concurrent", writer, r }, 30);
    for (let at = 0; at < documents.length; at += 7) await store.put(documents.slice(at, at + 7));
    sent.push({ uid, documents });
  }
  return sent;
};
const raced = async () => {
  // Start and descriptor, then the events in windows of 15 that start at a different place for each writer
  // and overlap the windows of the others, then the stop.
  await store.put(shared.slice(0, 2));
  const events = shared.slice(2, -1);
  for (let turn = 0; turn < events.length; turn += 10) {
    const at = (turn + writer * 25) % events.length;
    await store.put(events.slice(at, at + 15));
  }
  await store.put(events);
  await store.put(shared.slice(-1));
};
const [sent] = await Promise.all([own(), raced()]);
await store.close();
writeFileSync(out, JSON.stringify(sent));
`;

let server: PostgresServer;
let dir: string;
before(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), "databroker-pg-writers-"));
});
after(() => {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writer(uri: string, n: number, sharedPath: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", WRITER, uri, String(n), sharedPath, out],
      { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`writer ${n} exited ${code}: ${stderr}`)),
    );
  });
}

const bySeq = (a: Event, b: Event) => a.seq_num - b.seq_num;

test("processes putting into one database at once: every run whole, a raced run exactly once", async () => {
  // The writers also race to create the schema of the fresh database.
  const uri = await server.createDatabase();
  const shared = smallRun({ plan_name: "shared" }, SHARED_EVENTS);
  const sharedPath = join(dir, "shared.json");
  writeFileSync(sharedPath, JSON.stringify(shared.documents));
  const outs = Array.from({ length: WRITERS }, (_, n) => join(dir, `sent-${n}.json`));
  await Promise.all(outs.map((out, n) => writer(uri, n, sharedPath, out)));

  const store = await PostgresStore.open(uri);
  try {
    const sent = outs.flatMap(
      (out) => JSON.parse(readFileSync(out, "utf8")) as Array<{ uid: string; documents: DocumentPair[] }>,
    );
    assert.equal(sent.length, WRITERS * 4);
    assert.equal(await store.count(), sent.length + 1);
    for (const run of sent) assert.deepEqual(await collect(store.documents(run.uid)), run.documents);

    // The raced run: each event once, in seq_num order by columns; its replay holds every document once.
    const expected = eventsOf(shared.documents).sort(bySeq);
    const fromColumns = eventsFromColumns(await collect(store.columns([shared.stream.descriptor.uid])));
    assert.deepEqual(fromColumns, expected);
    const replayed = await collect(store.documents(shared.uid));
    assert.equal(replayed.length, shared.documents.length);
    assert.deepEqual(replayed.slice(0, 2), shared.documents.slice(0, 2));
    assert.deepEqual(replayed.at(-1), shared.documents.at(-1));
    assert.deepEqual(eventsOf(replayed).sort(bySeq), expected);
    const [summary] = await collect(store.runs({ op: "eq", key: "uid", value: shared.uid }));
    assert.deepEqual(summary.streams, { primary: SHARED_EVENTS });
    assert.equal((await store.fieldStats(shared.stream.descriptor.uid)).x.events, SHARED_EVENTS);
  } finally {
    await store.close();
  }
  // And underneath: pages hold each stored event once, and the schema was created once.
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    const pages = await client.query(
      "SELECT sum(length)::int AS events FROM event_pages WHERE descriptor = $1",
      [shared.stream.descriptor.uid],
    );
    assert.equal(pages.rows[0].events, SHARED_EVENTS);
    const versions = await client.query("SELECT count(*)::int AS n FROM databroker_schema");
    assert.equal(versions.rows[0].n, SCHEMA_VERSION); // each migration applied once
  } finally {
    await client.end();
  }
});
