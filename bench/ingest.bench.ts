// Ingest into the SQLite catalog, against baselines measured in the same run:
// 1. a JSON Lines run of 100,000 single events x 10 float fields (readDocuments + put) vs a loop that only
//    reads the file and JSON.parses each line (target: at least 0.8x);
// 1b. the same file POSTed over loopback (application/json-seq) vs the put from the file of 1;
// 2. 1,000,000 events in event_pages of 1,000 (put) vs raw better-sqlite3 inserts of the same column blobs,
//    with the same pragmas (target: at least 2 million events/s).
// What is timed is a put into an open catalog, until it returns: the batch is then committed and on disk
// (WAL, synchronous=FULL). Opening the catalog and closing it (SQLite's final WAL checkpoint into the main
// file) are timed apart and printed too; the raw baseline is timed the same way.
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { Broker } from "../src/broker/index.ts";
import { composeRun } from "../src/documents/compose.ts";
import { readDocuments, writeDocuments } from "../src/documents/formats/index.ts";
import type { DocumentPair, EventPage } from "../src/documents/types.ts";
import { createServer } from "../src/server/app.ts";
import { encodeColumn } from "../src/storage/codec/columnCodec.ts";
import { encodeExact } from "../src/storage/codec/exactMsgpack.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { report, type Timing, time } from "./harness.ts";
import { dataKeys, FIELDS, pagedRun } from "./syntheticRuns.ts";

/** A run of single events as the RunEngine writes them (suitcase-jsonl layout). */
export function* singleEventRun(events: number): Generator<DocumentPair> {
  const run = composeRun({ plan_name: "bench_single" });
  const stream = run.composeDescriptor({ name: "primary", data_keys: dataKeys });
  yield ["start", run.start];
  yield ["descriptor", stream.descriptor];
  for (let seq = 1; seq <= events; seq++) {
    const t = run.start.time + seq * 0.01;
    const data: Record<string, number> = {};
    const timestamps: Record<string, number> = {};
    FIELDS.forEach((field, i) => {
      data[field] = Math.cos(seq * 0.001 * (i + 1)) * 1e4;
      timestamps[field] = t - i * 1e-4;
    });
    yield ["event", stream.composeEvent({ data, timestamps, time: t })];
  }
  yield ["stop", run.composeStop()];
}

/** Raw inserts of the blobs a page turns into, in one transaction, with the catalog's pragmas. */
function rawInsert(path: string, pages: Array<{ uids: Uint8Array; blobs: Uint8Array[] }>): Phases {
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma("page_size = 65536");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec(
    "CREATE TABLE pages (id INTEGER PRIMARY KEY, uids BLOB); CREATE TABLE blobs (page INTEGER, n INTEGER, bytes BLOB)",
  );
  const insertPage = db.prepare("INSERT INTO pages (uids) VALUES (?)");
  const insertBlob = db.prepare("INSERT INTO blobs (page, n, bytes) VALUES (?, ?, ?)");
  const t1 = performance.now();
  db.transaction(() => {
    for (const page of pages) {
      const id = insertPage.run(page.uids).lastInsertRowid;
      page.blobs.forEach((bytes, n) => {
        insertBlob.run(id, n, bytes);
      });
    }
  })();
  const t2 = performance.now();
  db.close();
  return { open: t1 - t0, put: t2 - t1, close: performance.now() - t2 };
}

interface Phases {
  open: number;
  put: number;
  close: number;
}

/** One warm-up and `repeat` timed rounds of `round`; the round with the fastest put, as a Timing and its phases. */
async function fastestPut(units: number, round: () => Promise<Phases> | Phases, repeat = 3) {
  await round();
  let best: Phases | null = null;
  for (let i = 0; i < repeat; i++) {
    const phases = await round();
    if (best === null || phases.put < best.put) best = phases;
  }
  const phases = best as Phases;
  const timing: Timing = { seconds: phases.put / 1000, rate: units / (phases.put / 1000) };
  return { timing, phases };
}

/** POSTs the file at `path` as json-seq to a server over a fresh catalog at `catalog`: the time of each phase. */
async function postFile(path: string, catalog: string): Promise<Phases> {
  const t0 = performance.now();
  const broker = new Broker(new SqliteStore(catalog));
  const app = await createServer({ broker });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  const t1 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const post = request(
      { host: "127.0.0.1", port, method: "POST", path: "/api/v1/documents/" },
      (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`POST: ${response.statusCode}`)),
        );
      },
    );
    post.setHeader("content-type", "application/json-seq");
    post.on("error", reject);
    createReadStream(path).pipe(post);
  });
  const t2 = performance.now();
  await app.close();
  await broker.close();
  return { open: t1 - t0, put: t2 - t1, close: performance.now() - t2 };
}

function describe(phases: Phases): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return `open ${ms(phases.open)}, put ${ms(phases.put)}, close ${ms(phases.close)}`;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-ingest-"));
  let files = 0;
  const fresh = () => join(dir, `catalog-${files++}.sqlite`);
  /** Opens a fresh catalog, puts `documents` (from `source()`), closes it: the time of each phase. */
  const into = async (
    source: () => Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
  ): Promise<Phases> => {
    const path = fresh();
    const t0 = performance.now();
    const store = new SqliteStore(path);
    const t1 = performance.now();
    await store.put(source());
    const t2 = performance.now();
    await store.close();
    const phases = { open: t1 - t0, put: t2 - t1, close: performance.now() - t2 };
    await rm(path, { force: true });
    return phases;
  };
  try {
    const events = 100_000;
    const jsonl = join(dir, "run.jsonl");
    await writeDocuments(jsonl, singleEventRun(events), "jsonl");
    const ingest = await fastestPut(events, () => into(() => readDocuments(jsonl)));
    const parse = await time(events, async () => {
      for (const line of (await readFile(jsonl, "utf8")).split("\n")) if (line !== "") JSON.parse(line);
    });
    report(
      `ingest JSON Lines, ${events} events x ${FIELDS.length} floats, into SQLite`,
      "events",
      ingest.timing,
      parse,
      "readFile + JSON.parse per line",
    );
    console.log(`  (put of the fastest round; ${describe(ingest.phases)})`);
    const posted = await fastestPut(events, () => postFile(jsonl, fresh()));
    report(
      `POST the same JSON Lines over loopback (received whole, then put)`,
      "events",
      posted.timing,
      ingest.timing,
      "readDocuments + put of the file",
    );
    console.log(`  (POST of the fastest round, request to answer; ${describe(posted.phases)})`);

    const pages = pagedRun(1000, 1000).documents;
    const encoded = pages
      .filter(([name]) => name === "event_page")
      .map(([, doc]) => {
        const page = doc as EventPage;
        const columns = [
          page.seq_num,
          page.time,
          ...Object.values(page.data),
          ...Object.values(page.timestamps),
        ];
        return { uids: encodeExact(page.uid), blobs: columns.map((values) => encodeColumn(values).bytes) };
      });
    const paged = await fastestPut(1_000_000, () => into(() => pages), 2);
    const raw = await fastestPut(1_000_000, () => rawInsert(fresh(), encoded), 2);
    report(
      "ingest event_pages, 1,000,000 events (1,000 a page) x 10 floats, into SQLite",
      "events",
      paged.timing,
      raw.timing,
      "raw better-sqlite3 inserts of the same blobs",
    );
    console.log(`  (put of the fastest round; ${describe(paged.phases)}; raw: ${describe(raw.phases)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
