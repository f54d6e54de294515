// Export of a 100,000-event x 10-field run in each format (`databroker export`'s driver, from a SQLite
// catalog) against a baseline measured in the same run: `fs.writeFile` of the very bytes the export wrote
// (every file of it, held in memory beforehand). The ratio says how close each format gets to the disk.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../src/broker/index.ts";
import { exportFormatNamed, exportRuns } from "../src/exports/index.ts";
import { localExternalFiles } from "../src/exports/localExternalFiles.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { report, time } from "./harness.ts";
import { pagedRun } from "./syntheticRuns.ts";

const EVENTS = Number(process.env.EXPORT_BENCH_EVENTS ?? 100_000);
const PAGES = 10;
const FORMATS = ["jsonl", "msgpack", "pack", "nexus", "spec", "csv", "arrow", "parquet"];

async function filesUnder(dir: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    names
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { name: path.slice(dir.length + 1).replaceAll("/", "_"), bytes: await readFile(path) };
      }),
  );
}

export async function run(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), "databroker-export-bench-"));
  const store = new SqliteStore(join(scratch, "catalog.sqlite"));
  const broker = new Broker(store);
  try {
    const { documents } = pagedRun(PAGES, EVENTS / PAGES);
    Object.assign(documents[0][1], { scan_id: 1 }); // SPEC numbers its scans
    await store.put(documents);
    const target = await broker.run((documents[0][1] as { uid: string }).uid);
    console.log(`one run of ${EVENTS} events x 10 float fields; each export written twice, the faster kept`);
    const settings = { options: {}, externalFiles: localExternalFiles(broker) };
    for (const name of FORMATS) {
      const format = exportFormatNamed(name);
      const out = join(scratch, name);
      const exported = await time(
        EVENTS,
        async () => {
          const summary = await exportRuns([target], out, {
            format,
            settings,
            template: "{uid}",
            overwrite: true,
          });
          if (summary.failed.length > 0) throw new Error(`${name}: ${summary.failed[0].message}`);
        },
        1,
      );
      const files = await filesUnder(out);
      const bytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
      const copy = join(scratch, `${name}-copy`);
      const written = await time(
        EVENTS,
        async () => {
          await rm(copy, { recursive: true, force: true });
          await mkdir(copy);
          for (const file of files) await writeFile(join(copy, file.name), file.bytes);
        },
        1,
      );
      report(
        `export ${name} (${(bytes / 1e6).toFixed(1)} MB)`,
        "events",
        exported,
        written,
        "fs.writeFile of its bytes",
      );
      await rm(out, { recursive: true, force: true });
      await rm(copy, { recursive: true, force: true });
    }
  } finally {
    await broker.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
