// Reading a stream back as columns from the SQLite catalog: 100,000 events x 10 float fields through
// Store.columns (typed arrays, every field and its timestamps; then the same without uids, as tables read)
// against a bare SELECT of the same blobs from the same file, measured in the same run (target: within 3x).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { composeRun } from "../src/documents/compose.ts";
import type { DataKey, DocumentPair } from "../src/documents/types.ts";
import type { ColumnReadOptions } from "../src/storage/ColumnPage.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { report, time } from "./harness.ts";

const EVENTS = 100_000;
const FIELDS = Array.from({ length: 10 }, (_, i) => `signal_${i}`);

function composedRun(): { descriptor: string; documents: DocumentPair[] } {
  const dataKeys: Record<string, DataKey> = Object.fromEntries(
    FIELDS.map((field) => [field, { dtype: "number", shape: [], source: `SIM:${field}` }]),
  );
  const composed = composeRun({ plan_name: "bench_read" });
  const stream = composed.composeDescriptor({ name: "primary", data_keys: dataKeys });
  const documents: DocumentPair[] = [
    ["start", composed.start],
    ["descriptor", stream.descriptor],
  ];
  for (let seq = 1; seq <= EVENTS; seq++) {
    const t = composed.start.time + seq * 0.01;
    const data = Object.fromEntries(FIELDS.map((field, i) => [field, Math.tan(seq + i)]));
    const timestamps = Object.fromEntries(FIELDS.map((field, i) => [field, t - i * 1e-5]));
    documents.push(["event", stream.composeEvent({ data, timestamps, time: t })]);
  }
  documents.push(["stop", composed.composeStop()]);
  return { descriptor: stream.descriptor.uid, documents };
}

/** Each read takes ~10 ms: the best of this many rounds, for both sides, keeps the noise of one out. */
const ROUNDS = 20;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-read-columns-"));
  const path = join(dir, "catalog.sqlite");
  try {
    const { descriptor, documents } = composedRun();
    const store = new SqliteStore(path);
    await store.put(documents);
    const readColumns = (options?: ColumnReadOptions) =>
      time(
        EVENTS,
        async () => {
          let values = 0;
          for await (const page of store.columns([descriptor], undefined, undefined, options)) {
            for (const field of FIELDS)
              values += page.data[field].values.length + page.timestamps[field].values.length;
          }
          if (values !== 2 * FIELDS.length * EVENTS) throw new Error(`read ${values} values`);
        },
        ROUNDS,
      );
    const columns = await readColumns();
    // What a table read asks for: the columns without the event uids.
    const withoutUids = await readColumns({ parts: ["data", "timestamps"], uids: false });
    await store.close();
    // The baseline reads the very bytes columns() decodes: each page's uid, seq_num and time blobs and
    // its column blobs, with no decoding at all.
    const db = new Database(path, { readonly: true });
    const pages = db.prepare(
      "SELECT id, uids, seq_nums, times FROM event_pages WHERE descriptor = ? ORDER BY seq_first",
    );
    const blobs = db.prepare("SELECT bytes FROM event_columns WHERE page = ?").pluck();
    const bare = await time(
      EVENTS,
      () => {
        let bytes = 0;
        for (const page of pages.all(descriptor) as Array<{
          id: number;
          uids: Buffer;
          seq_nums: Buffer;
          times: Buffer;
        }>) {
          bytes += page.uids.length + page.seq_nums.length + page.times.length;
          for (const blob of blobs.all(page.id) as Buffer[]) bytes += blob.length;
        }
        if (bytes === 0) throw new Error("read nothing");
      },
      ROUNDS,
    );
    db.close();
    report(
      `Store.columns, ${EVENTS} events x ${FIELDS.length} floats (+ timestamps)`,
      "events",
      columns,
      bare,
      "bare SELECT of the same blobs",
    );
    report(
      `Store.columns without uids, ${EVENTS} events x ${FIELDS.length} floats (+ timestamps)`,
      "events",
      withoutUids,
      bare,
      "bare SELECT of the same blobs",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
