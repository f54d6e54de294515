// Catalog URIs: which adapter each opens, the default catalog and its environment override.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { UnsupportedError } from "../../src/errors.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { DEFAULT_CATALOG, defaultCatalogUri, openStore } from "../../src/storage/openStore.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { smallRun } from "./syntheticRuns.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("memory: opens an empty memory store", async () => {
  const store = await openStore("memory:");
  assert.ok(store instanceof MemoryStore);
  assert.equal(await store.count(), 0);
});

test("sqlite:///abs/path and plain .db/.sqlite paths open SQLite files, creating their folder", async () => {
  const path = join(dir, "nested", "catalog.db");
  const byUri = await openStore(`sqlite://${path}`);
  assert.ok(byUri instanceof SqliteStore);
  assert.equal(byUri.uri, `sqlite://${path}`);
  await byUri.put(smallRun({ plan_name: "here" }).documents);
  await byUri.close();
  const byPath = await openStore(relative(process.cwd(), path));
  assert.equal(await byPath.count(), 1);
  await byPath.close();
  const other = join(dir, "other.sqlite");
  await (await openStore(other)).close();
  assert.ok(existsSync(other));
  await assert.rejects(openStore("sqlite://relative.db"), UnsupportedError);
});

test("unknown schemes are refused (postgresql:// is tested with a server in postgres-schema.test.ts)", async () => {
  await assert.rejects(openStore("mongodb://localhost"), UnsupportedError);
});

test("the default catalog is ./data/catalog.sqlite unless DATABROKER_CATALOG says otherwise", () => {
  assert.equal(DEFAULT_CATALOG, "./data/catalog.sqlite");
  assert.equal(defaultCatalogUri({}), "./data/catalog.sqlite");
  assert.equal(defaultCatalogUri({ DATABROKER_CATALOG: "memory:" }), "memory:");
});
