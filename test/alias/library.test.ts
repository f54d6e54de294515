// Aliases (beamline/proposal/beamtime/scan_id|latest|-N) in the library, on every backend: resolved among the
// runs a principal may see, in the beamtime a run belongs to now (a re-tag wins), the newest of duplicate
// scan_ids; mismatches named, hidden beamtimes answered as missing ones; `broker.alias` the way back; and a
// catalog without memberships matched on its start documents' keys.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Principal, user } from "../../src/access/Principal.ts";
import { Broker } from "../../src/broker/index.ts";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { MEMBERSHIPS, RUN_SPECS } from "../access/accessFixture.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { EXTRA_B1A, putAliasRuns, putSingleUserRuns, SINGLE_USER_RUNS } from "./aliasFixture.ts";

const BACKENDS = [
  { name: "memory", uri: () => "memory://" },
  { name: "files", uri: (dir: string) => `file://${join(dir, "runs")}` },
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

const { R1a, R1b, R2, R0, Rpub } = RUN_SPECS;
const { R1c, R1d } = EXTRA_B1A;

/** The NotFoundError message of a lookup that must fail. */
async function notFound(broker: Broker, ref: string): Promise<string> {
  const error = await broker.run(ref).then(
    () => assert.fail(`${ref} resolved`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof NotFoundError, `${ref}: ${error}`);
  return error.message;
}

for (const backend of BACKENDS) {
  describe(`aliases with memberships (${backend.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-alias-lib-"));
    let store: Store;
    let broker: Broker;
    const as = (who: string | Principal) => broker.as(typeof who === "string" ? user(who) : who);
    const uidOf = async (view: Broker, ref: string) => (await view.run(ref)).uid;
    before(async () => {
      store = await openStore(await backend.uri(dir));
      await putAliasRuns(store);
      broker = new Broker(store);
      await broker.access.loadMemberships(MEMBERSHIPS, "test");
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("a member resolves a scan of their beamtime; the newest of a duplicate scan_id wins", async () => {
      const u1 = await as("u1");
      assert.equal(await uidOf(u1, "X/P1/B1a/101"), R1a.uid);
      assert.equal(await uidOf(u1, "/X/P1/B1a/101"), R1a.uid, "written as a path");
      assert.equal(await uidOf(u1, "X/P1/B1a/201"), R1d.uid, "R1d is newer than R1c");
      assert.equal(await uidOf(broker, "X/P1/B1a/101"), R1a.uid, "the catalog itself");
    });

    test("latest and -N count the beamtime's runs, newest first", async () => {
      const u1 = await as("u1");
      assert.equal(await uidOf(u1, "X/P1/B1a/latest"), R1d.uid);
      assert.equal(await uidOf(u1, "X/P1/B1a/-1"), R1d.uid);
      assert.equal(await uidOf(u1, "X/P1/B1a/-2"), R1c.uid);
      assert.equal(await uidOf(u1, "X/P1/B1a/-3"), R1a.uid);
      assert.equal(
        await notFound(u1, "X/P1/B1a/-4"),
        "run alias X/P1/B1a/-4: beamtime B1a has fewer than 4 runs",
      );
      assert.equal(await uidOf(await as("pi1"), "X/P1/B1b/latest"), R1b.uid);
    });

    test("a scan of another beamtime is not found, even one the caller sees", async () => {
      assert.equal(
        await notFound(await as("pi1"), "X/P1/B1a/102"),
        "run alias X/P1/B1a/102: no run of beamtime B1a has scan_id 102",
      );
    });

    test("a hidden beamtime answers as a missing one, never naming its runs", async () => {
      const u1 = await as("u1");
      const hidden = await notFound(u1, `Y/P2/B2/${R2.scan_id}`);
      assert.equal(hidden, "run alias Y/P2/B2/103: no beamtime B2 that you may read");
      assert.equal((await notFound(u1, "Y/P2/B9/103")).replaceAll("B9", "B2"), hidden);
      assert.equal(
        await notFound(u1, "Q/P7/B2/103"),
        (await notFound(u1, "Q/P7/B9/103")).replaceAll("B9", "B2"),
      );
      assert.ok(!hidden.includes(R2.uid));
      assert.equal(await uidOf(await as("u2"), "Y/P2/B2/103"), R2.uid);
      assert.equal(await notFound(broker, "Y/P2/B9/103"), "run alias Y/P2/B9/103: no beamtime B9");
    });

    test("a wrong proposal or beamline is named, with the beamtime's own", async () => {
      const u1 = await as("u1");
      assert.equal(
        await notFound(u1, "X/P2/B1a/101"),
        "run alias X/P2/B1a/101: beamtime B1a is of proposal P1, not P2",
      );
      assert.equal(
        await notFound(u1, "Y/P1/B1a/101"),
        "run alias Y/P1/B1a/101: beamtime B1a is on beamline X, not Y",
      );
      assert.equal(
        await notFound(u1, "Y/P2/B1a/latest"),
        "run alias Y/P2/B1a/latest: beamtime B1a is of proposal P1, not P2 and is on beamline X, not Y",
      );
    });

    test("a key bound to a beamtime names that one only; anonymous callers name released ones", async () => {
      const bound: Principal = {
        kind: "user",
        id: "pi1",
        via: "apikey",
        key: { prefix: "k0000000", scopes: ["inherit"], beamtimes: ["B1a"] },
      };
      const view = await as(bound);
      assert.equal(await uidOf(view, "X/P1/B1a/101"), R1a.uid);
      assert.equal(
        await notFound(view, "X/P1/B1b/102"),
        "run alias X/P1/B1b/102: no beamtime B1b that you may read",
      );
      const anonymous = await as({ kind: "anonymous" });
      assert.equal(await uidOf(anonymous, "Z/P3/Bpub/latest"), Rpub.uid);
      assert.match(await notFound(anonymous, "X/P1/B1a/101"), /no beamtime B1a that you may read/);
    });

    test("after a re-tag the run answers to its new beamtime's alias only", async () => {
      await broker.access.retag(R1a.uid, "B2", "test", "B1a");
      try {
        assert.equal(
          await notFound(await as("u1"), "X/P1/B1a/101"),
          "run alias X/P1/B1a/101: no run of beamtime B1a has scan_id 101",
        );
        assert.equal(await uidOf(await as("u2"), "Y/P2/B2/101"), R1a.uid);
        assert.equal(await broker.alias(R1a.uid), "Y/P2/B2/101");
        assert.match(await notFound(await as("u1"), "X/P1/B1a/-3"), /fewer than 3 runs/, "B1a lost a run");
      } finally {
        await broker.access.retag(R1a.uid, "B1a", "test", "B2");
      }
      assert.equal(await uidOf(await as("u1"), "X/P1/B1a/101"), R1a.uid);
    });

    test("broker.alias: a run's alias when it names that run", async () => {
      assert.equal(await broker.alias(R1a.uid), "X/P1/B1a/101");
      assert.equal(await (await as("u1")).alias("X/P1/B1a/latest"), "X/P1/B1a/201");
      assert.equal(await broker.alias(R1c.uid), undefined, "a newer run of B1a has scan_id 201");
      assert.equal(await broker.alias(R0.uid), undefined, "no beamtime");
      await assert.rejects((await as("u1")).alias(R2.uid), NotFoundError, "u1 cannot see R2");
    });

    test("malformed aliases are refused naming the rule; stores do not take them", async () => {
      await assert.rejects(broker.run("X/P1/B1a/abc"), {
        name: ValidationError.name,
        message: /run alias "X\/P1\/B1a\/abc": its last part "abc" must be a scan_id/,
      });
      await assert.rejects(broker.run("X/P1/B1a/0"), ValidationError);
      await assert.rejects(broker.run("X/P1/101"), /an alias is beamline\/proposal\/beamtime\/scan_id/);
      await assert.rejects(broker.run("X//B1a/101"), /an alias is beamline\/proposal\/beamtime\/scan_id/);
      await assert.rejects(store.findRun("X/P1/B1a/101"), /a store knows no beamtimes/);
    });
  });

  describe(`aliases without memberships (${backend.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-alias-single-"));
    let store: Store;
    let broker: Broker;
    const { S1, S2, S3, S4 } = SINGLE_USER_RUNS;
    before(async () => {
      store = await openStore(await backend.uri(dir));
      await putSingleUserRuns(store);
      broker = new Broker(store);
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("the start's beamline, proposal and beamtime keys name the runs", async () => {
      assert.equal((await broker.run("X/P1/B1/7")).uid, S2.uid, "S2 is newer than S1");
      assert.equal((await broker.run("X/P1/B1/-2")).uid, S1.uid);
      assert.equal(
        (await broker.run("Y/12345/B2/latest")).uid,
        S3.uid,
        "a numeric proposal_id, the beamline key",
      );
      const signedIn = await broker.as(user("anyone"));
      assert.equal((await signedIn.run("X/P1/B1/latest")).uid, S2.uid, "no memberships: one user sees all");
    });

    test("the part no run matches is named", async () => {
      assert.equal(
        await notFound(broker, "X/P9/B1/7"),
        'run alias X/P9/B1/7: the runs of beamtime B1 name proposal "P1" (start key proposal_id), not P9',
      );
      assert.equal(
        await notFound(broker, "Z/P1/B1/7"),
        'run alias Z/P1/B1/7: the runs of beamtime B1 name beamline "X" (start key beamline_id), not Z',
      );
      assert.equal(
        await notFound(broker, "X/P1/B9/7"),
        "run alias X/P1/B9/7: no run names beamtime B9 (start key beamtime_id or beamtime)",
      );
      assert.equal(
        await notFound(broker, "X/P1/B1/8"),
        "run alias X/P1/B1/8: no run of beamtime B1 has scan_id 8",
      );
    });

    test("broker.alias reads the start's keys", async () => {
      assert.equal(await broker.alias(S2.uid), "X/P1/B1/7");
      assert.equal(await broker.alias(S1.uid), undefined, "S2 has the same scan_id and is newer");
      assert.equal(await broker.alias(S3.uid), "Y/12345/B2/1");
      assert.equal(await broker.alias(S4.uid), undefined, "no proposal or beamtime");
    });
  });
}
