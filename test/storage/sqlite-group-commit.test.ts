// Group commit of a SQLite store's puts (GroupCommit.ts): puts made at the same time share one transaction,
// yet each is stored or refused on its own — a refused put (a finding, a conflict with a put earlier in the
// same group) leaves nothing and takes nothing of the others with it, whether it comes first or later in the
// group — and what one put stored is seen by the next one of the group (a repeat is skipped, not doubled).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { ConflictError, ValidationError } from "../../src/errors.ts";
import type { PutReport } from "../../src/storage/Store.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-group-commit-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `catalog-${files++}.sqlite`);

/** A run whose start lacks its time: refused with a finding. */
function invalidRun(): DocumentPair[] {
  const { documents } = smallRun({ plan_name: "bad" });
  const [, start] = documents[0];
  const { time: _time, ...withoutTime } = start as unknown as Record<string, unknown>;
  return [["start", withoutTime as never], ...documents.slice(1)];
}

async function stored(store: SqliteStore, uid: string): Promise<DocumentPair[]> {
  return collect(store.documents(uid));
}

describe("SQLite group commit", () => {
  test("concurrent puts: the good ones stored whole, each refused one alone and with its own error", async () => {
    const store = new SqliteStore(newFile());
    try {
      const good = Array.from({ length: 12 }, (_, i) => smallRun({ plan_name: "scan", scan_id: i }, 5));
      const conflicting = structuredClone(good[3].documents[0]);
      (conflicting[1] as { plan_name: string }).plan_name = "changed";
      // Refused first in the group (no savepoint: the whole transaction is rolled back and begun again), in
      // the middle (a conflict with a put earlier in the same uncommitted transaction) and last.
      const puts: Array<Promise<PutReport>> = [
        store.put(invalidRun()),
        ...good.slice(0, 6).map((run) => store.put(run.documents)),
        store.put([conflicting]),
        store.put(invalidRun()),
        ...good.slice(6).map((run) => store.put(run.documents)),
        store.put(good[0].documents),
        store.put(invalidRun()),
      ];
      const results = await Promise.allSettled(puts);
      const refusals = results.flatMap((result, i) =>
        result.status === "rejected" ? [[i, result.reason]] : [],
      );
      assert.deepEqual(
        refusals.map(([i]) => i),
        [0, 7, 8, 16],
      );
      assert.ok(refusals[0][1] instanceof ValidationError, String(refusals[0][1]));
      assert.ok(refusals[1][1] instanceof ConflictError, String(refusals[1][1]));
      assert.ok(refusals[2][1] instanceof ValidationError, String(refusals[2][1]));
      assert.ok(refusals[3][1] instanceof ValidationError, String(refusals[3][1]));
      const repeat = results[15];
      assert.equal(repeat.status, "fulfilled");
      assert.deepEqual([repeat.value.stored, repeat.value.skipped], [0, good[0].documents.length]);
      for (const run of good) assert.deepEqual(await stored(store, run.uid), run.documents);
      assert.equal(await store.count(), good.length, "nothing of the refused puts is stored");
    } finally {
      await store.close();
    }
  });

  test("a put alone still commits at once, and one after another each commits", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    try {
      for (let i = 0; i < 3; i++) {
        const run = smallRun({ plan_name: "count", scan_id: i });
        const report = await store.put(run.documents);
        assert.equal(report.stored, run.documents.length);
        // Another connection (another process) sees the commit as soon as the put returned.
        const reader = new SqliteStore(path, `sqlite://${path}`, { readOnly: true });
        try {
          assert.deepEqual(await stored(reader, run.uid), run.documents);
        } finally {
          await reader.close();
        }
      }
    } finally {
      await store.close();
    }
  });
});
