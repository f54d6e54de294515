// `Broker.as(principal)` on every backend (memory, files, SQLite, PostgreSQL): the same visibility as over
// HTTP, lookups by prefix, scan_id and recency among visible runs only, and writes checked — a refused batch
// keeps nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { user } from "../../src/access/Principal.ts";
import { Broker } from "../../src/broker/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { MEMBERSHIPS, RUN_SPECS, runDocuments, VISIBLE } from "./accessFixture.ts";

const BACKENDS = [
  { name: "memory", uri: () => "memory://" },
  { name: "files", uri: (dir: string) => `file://${join(dir, "runs")}` },
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

for (const backend of BACKENDS) {
  describe(`Broker.as on ${backend.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-access-lib-"));
    let store: Store;
    let broker: Broker;
    before(async () => {
      store = await openStore(await backend.uri(dir));
      for (const spec of Object.values(RUN_SPECS)) await store.put(runDocuments(spec));
      broker = new Broker(store);
      assert.equal((await broker.page()).length, 5, "no memberships: one user sees everything");
      await broker.access.loadMemberships(MEMBERSHIPS, "test");
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("each user sees exactly their runs, in listings, counts and distinct values", async () => {
      for (const [who, names] of Object.entries(VISIBLE)) {
        const view = await broker.as(who === "anonymous" ? { kind: "anonymous" } : user(who));
        const uids = (await view.page()).map((run) => run.uid).sort();
        assert.deepEqual(uids, names.map((name) => RUN_SPECS[name].uid).sort(), who);
        assert.equal(await view.count(), names.length, who);
        const plans = (await view.distinct("plan_name")).sort();
        assert.deepEqual(plans, names.map((name) => RUN_SPECS[name].plan_name).sort(), who);
        assert.equal(await view.search("scan_id == 103").count(), names.includes("R2") ? 1 : 0, who);
      }
      // A long list of beamtimes (PostgreSQL compares it as one array) and its negation, as staff's rule is.
      const many = [...Array.from({ length: 12 }, (_, i) => `B${i}x`), "B1a", "B2"];
      const listed = broker.search({ op: "in", key: "beamtime", values: many });
      assert.deepEqual(
        (await listed.page()).map((run) => run.uid).sort(),
        [RUN_SPECS.R1a.uid, RUN_SPECS.R2.uid].sort(),
      );
      const others = broker.search({ op: "not", query: { op: "in", key: "beamtime", values: many } });
      assert.equal(await others.count(), 3, "R1b, R0 (no beamtime) and Rpub");
    });

    test("lookups by prefix, scan_id and recency never reach a hidden run", async () => {
      const u1 = await broker.as(user("u1"));
      assert.equal((await u1.run("aaaa1111")).uid, RUN_SPECS.R1a.uid);
      await assert.rejects(u1.run(103), { code: "not_found" });
      await assert.rejects(u1.run(RUN_SPECS.R2.uid), { code: "not_found" });
      const staff = await broker.as(user("staffXY"));
      await assert.rejects(
        staff.run("aaaa1111"),
        { code: "validation" },
        "two visible runs share the prefix",
      );
    });

    test("writes: a member with the ingest role writes into their beamtime; anything else keeps nothing", async () => {
      const w1 = await broker.as(user("w1"));
      const allowed = {
        uid: `dddd0000-0000-4000-8000-0000000000${backend.name.length}1`,
        scan_id: 301,
        plan_name: "w",
        beamtime: "B1a",
      };
      const report = await w1.put(runDocuments(allowed));
      assert.equal(report.runs[0], allowed.uid);
      const refused = {
        ...allowed,
        uid: `dddd0000-0000-4000-8000-0000000000${backend.name.length}2`,
        beamtime: "B1b",
      };
      await assert.rejects(w1.put(runDocuments(refused)), { code: "forbidden" });
      assert.equal(await store.start(refused.uid), undefined);
      const u1 = await broker.as(user("u1"));
      await assert.rejects(u1.put(runDocuments({ ...allowed, uid: refused.uid })), { code: "forbidden" });
      const boss = await broker.as(user("boss"));
      const unassigned = {
        ...allowed,
        uid: `dddd0000-0000-4000-8000-0000000000${backend.name.length}3`,
        beamtime: undefined,
      };
      await boss.put(runDocuments(unassigned));
      assert.ok(await store.start(unassigned.uid), "admins may store runs without a beamtime");
    });
  });
}

test("a disabled user holds no role, even an admin: released runs only, no scopes", async () => {
  const store = await openStore("memory://");
  try {
    for (const spec of Object.values(RUN_SPECS)) await store.put(runDocuments(spec));
    const broker = new Broker(store);
    const users = MEMBERSHIPS.users.map((entry) =>
      entry.id === "boss" ? { id: "boss", disabled: true } : entry,
    );
    await broker.access.loadMemberships({ ...MEMBERSHIPS, users }, "test");
    const view = await broker.as(user("boss"));
    assert.deepEqual(
      (await view.page()).map((run) => run.uid),
      [RUN_SPECS.Rpub.uid],
    );
    assert.deepEqual((await broker.access.policy()).scopesOf(user("boss")), []);
  } finally {
    await store.close();
  }
});
