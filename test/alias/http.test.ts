// GET /api/v1/alias/{beamline}/{proposal}/{beamtime}/{scan_id|latest|-N} over real HTTP on the access
// matrix's world (SQLite and PostgreSQL): the run's metadata as /metadata/{uid} answers it, with
// Content-Location; a hidden run's alias answers exactly as a missing one; a re-tag moves the alias; the
// remote client's `run(alias)` goes through the route.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RemoteBroker } from "../../src/client/RemoteBroker.ts";
import { NotFoundError } from "../../src/errors.ts";
import { type AccessWorld, call, RUN_SPECS, startAccessWorld } from "../access/accessFixture.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { EXTRA_B1A, putAliasRuns } from "./aliasFixture.ts";

const CATALOGS = [
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

const { R1a, R2, Rpub } = RUN_SPECS;

for (const catalog of CATALOGS) {
  describe(`the alias route on ${catalog.name}`, () => {
    let world: AccessWorld;
    const key = (who: string) => world.keys[who];
    const alias = (path: string, who?: string) =>
      call(`${world.api}/alias/${path}`, { key: who === undefined ? undefined : key(who) });
    before(async () => {
      world = await startAccessWorld(catalog.uri);
      await putAliasRuns(world.store, false);
    });
    after(() => world.close());

    test("answers the run's metadata as /metadata/{uid} does, naming that URL", async () => {
      const found = await alias("X/P1/B1a/101", "u1");
      assert.equal(found.status, 200, found.text);
      const canonical = await call(`${world.api}/metadata/${R1a.uid}`, { key: key("u1") });
      assert.deepEqual(found.body, canonical.body);
      assert.equal(found.body.links.self, `${world.api}/metadata/${R1a.uid}`);
      const headers = await fetch(`${world.api}/alias/X/P1/B1a/101`, {
        headers: { authorization: `Apikey ${key("u1")}` },
      });
      assert.equal(headers.headers.get("content-location"), `${world.api}/metadata/${R1a.uid}`);
      await headers.body?.cancel();
      assert.equal((await alias("X/P1/B1a/latest", "u1")).body.data.id, EXTRA_B1A.R1d.uid);
      assert.equal((await alias("X/P1/B1a/-3", "u1")).body.data.id, R1a.uid);
      assert.equal((await alias("X/P1/B1a/201", "u1")).body.data.id, EXTRA_B1A.R1d.uid, "the newest of two");
      assert.equal((await alias("Z/P3/Bpub/latest")).body.data.id, Rpub.uid, "released: anyone");
    });

    test("a hidden run's alias answers exactly as a missing one", async () => {
      const hidden = await alias(`Y/P2/B2/${R2.scan_id}`, "u1");
      assert.equal(hidden.status, 404);
      const missingScan = await alias("Y/P2/B2/999", "u1");
      assert.equal(missingScan.text.replace("999", String(R2.scan_id)), hidden.text);
      const missingBeamtime = await alias(`Y/P2/B9/${R2.scan_id}`, "u1");
      assert.equal(missingBeamtime.status, 404);
      assert.equal(missingBeamtime.text.replaceAll("B9", "B2"), hidden.text);
      assert.ok(!hidden.text.includes(R2.uid));
      assert.equal((await alias(`Y/P2/B2/${R2.scan_id}`, "u2")).body.data.id, R2.uid);
    });

    test("a wrong part is a 404 naming it; a malformed alias is refused", async () => {
      const wrong = await alias("X/P2/B1a/101", "u1");
      assert.equal(wrong.status, 404);
      assert.equal(wrong.body.detail, "run alias X/P2/B1a/101: beamtime B1a is of proposal P1, not P2");
      const short = await alias("X/P1/101", "u1");
      assert.equal(short.status, 404);
      assert.match(short.body.detail, /an alias is \/api\/v1\/alias\/\{beamline\}.*got 3 part/);
      const bad = await alias("X/P1/B1a/first", "u1");
      assert.equal(bad.status, 422);
      assert.match(bad.body.detail, /its last part "first" must be a scan_id/);
      assert.equal((await alias("X/P1/B1a/101")).status, 404, "anonymous: B1a is not released");
    });

    test("after staff re-tag a run to B2, only its B2 alias names it", async () => {
      const retag = (beamtime: string) =>
        call(`${world.api}/access/retag`, {
          key: key("staffXY"),
          method: "POST",
          body: { uid: R1a.uid, beamtime },
        });
      assert.equal((await retag("B2")).status, 200);
      try {
        assert.equal((await alias("X/P1/B1a/101", "u1")).status, 404);
        assert.equal((await alias("X/P1/B1a/101", "staffXY")).status, 404, "not under B1a for anyone");
        const moved = await alias("Y/P2/B2/101", "u2");
        assert.equal(moved.status, 200, moved.text);
        assert.equal(moved.body.data.id, R1a.uid);
      } finally {
        assert.equal((await retag("B1a")).status, 200);
      }
      assert.equal((await alias("X/P1/B1a/101", "u1")).body.data.id, R1a.uid);
    });

    test("the remote client resolves aliases through the route", async () => {
      const base = world.api.replace(/\/api\/v1$/, "");
      const remote = await RemoteBroker.connect(base, { apiKey: key("u1") });
      assert.equal((await remote.run("X/P1/B1a/101")).uid, R1a.uid);
      assert.equal((await remote.run("X/P1/B1a/latest")).uid, EXTRA_B1A.R1d.uid);
      await assert.rejects(remote.run(`Y/P2/B2/${R2.scan_id}`), NotFoundError);
      const narrowed = remote.search('plan_name == "scan_a"');
      assert.equal((await narrowed.run("X/P1/B1a/101")).uid, R1a.uid);
      await assert.rejects(narrowed.run("X/P1/B1a/latest"), /its run is not among this search's runs/);
    });
  });
}
