// Randomized memberships and runs (seeded): for every principal, every listing, count and facet over HTTP
// equals exactly the visible set computed by an independent reference of the rules, and no hidden uid,
// plan or beamtime appears in any response body. Rounds: 2 per catalog by default, DATABROKER_PROPERTY_ROUNDS
// for more.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { call, runDocuments } from "./accessFixture.ts";

const ROUNDS = Number(process.env.DATABROKER_PROPERTY_ROUNDS || 2);
const NOW = Date.now() / 1000;

interface World {
  users: string[];
  proposals: Array<{ id: string; pis: string[]; users: string[]; release_at: number | null }>;
  beamtimes: Array<{
    id: string;
    proposal: string;
    beamline: string;
    pis: string[];
    users: string[];
    release_at: number | null;
  }>;
  staff: Array<{ beamline: string; users: string[] }>;
  admins: string[];
  runs: Array<{ uid: string; scan_id: number; plan_name: string; beamtime?: string }>;
}

function generate(seed: number): World {
  const next = seededRandom(seed);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const some = <T>(items: T[], chance: number) => items.filter(() => next() < chance);
  const users = Array.from({ length: 6 }, (_, i) => `user${i}`);
  const release = () => (next() < 0.2 ? NOW - 86400 : next() < 0.2 ? NOW + 86400 : null);
  const proposals = Array.from({ length: 3 }, (_, i) => ({
    id: `P${i}`,
    pis: [pick(users)],
    users: some(users, 0.2),
    release_at: release(),
  }));
  for (const proposal of proposals)
    proposal.users = proposal.users.filter((id) => !proposal.pis.includes(id));
  const beamtimes = Array.from({ length: 5 }, (_, i) => {
    const pis = [pick(users)];
    return {
      id: `B${i}`,
      proposal: pick(proposals).id,
      beamline: pick(["L0", "L1"]),
      pis,
      users: some(users, 0.25).filter((id) => !pis.includes(id)),
      release_at: release(),
    };
  });
  const staff = ["L0", "L1"].map((beamline) => ({ beamline, users: some(users, 0.15) }));
  const admins = some(users, 0.1);
  const runs = Array.from({ length: 14 }, (_, i) => {
    const beamtime = next() < 0.15 ? undefined : next() < 0.1 ? "Bunknown" : pick(beamtimes).id;
    return {
      uid: `${(seed * 1000 + i).toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`,
      scan_id: seed * 100 + i,
      plan_name: `plan${seed}x${String(i).padStart(2, "0")}`,
      ...(beamtime === undefined ? {} : { beamtime }),
    };
  });
  return { users, proposals, beamtimes, staff, admins, runs };
}

/** The rules, written out plainly and apart from AccessPolicy. */
function referenceVisible(world: World, who: string | undefined, run: World["runs"][number]): boolean {
  const isAdmin = who !== undefined && world.admins.includes(who);
  const staffOf = new Set(
    world.staff
      .filter((entry) => who !== undefined && entry.users.includes(who))
      .map((entry) => entry.beamline),
  );
  if (isAdmin) return true;
  const beamtime = world.beamtimes.find((entry) => entry.id === run.beamtime);
  if (!beamtime) return staffOf.size > 0;
  const proposal = world.proposals.find((entry) => entry.id === beamtime.proposal);
  const released = [beamtime.release_at, proposal?.release_at].some(
    (at) => at !== null && at !== undefined && at <= NOW,
  );
  if (released) return true;
  if (who === undefined) return false;
  return (
    beamtime.pis.includes(who) ||
    beamtime.users.includes(who) ||
    (proposal?.pis.includes(who) ?? false) ||
    (proposal?.users.includes(who) ?? false) ||
    staffOf.has(beamtime.beamline)
  );
}

const CATALOGS = [
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

for (const catalog of CATALOGS) {
  describe(`visibility property over HTTP on ${catalog.name}`, () => {
    for (let round = 1; round <= ROUNDS; round++) {
      test(`seed ${round}: listings, counts and facets equal the visible set; nothing hidden leaks`, async () => {
        const world = generate(round);
        const dir = mkdtempSync(join(tmpdir(), "databroker-access-property-"));
        const store = await openStore(await catalog.uri(dir));
        const broker = new Broker(store);
        const app = await createServer({ broker, logger: false });
        try {
          for (const run of world.runs) await store.put(runDocuments(run));
          await broker.access.loadMemberships(
            {
              users: world.users.map((id) => ({ id })),
              proposals: world.proposals,
              beamtimes: world.beamtimes,
              staff: world.staff,
              admins: world.admins,
            },
            "test",
          );
          await app.listen({ host: "127.0.0.1", port: 0 });
          const address = app.server.address();
          const api = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`;
          for (const who of [undefined, ...world.users]) {
            const key =
              who === undefined ? undefined : (await broker.access.createKey({ owner: who }, "test")).secret;
            const visible = world.runs.filter((run) => referenceVisible(world, who, run));
            const hidden = world.runs.filter((run) => !visible.includes(run));
            const label = `seed ${round}, ${who ?? "anonymous"}`;
            const search = await call(`${api}/search/?page[limit]=5&sort=-scan_id`, { key });
            const seen: string[] = [];
            const texts: string[] = [];
            let page = search;
            for (;;) {
              assert.equal(page.status, 200, `${label}: ${page.text}`);
              seen.push(...page.body.data.map((item: { id: string }) => item.id));
              texts.push(page.text);
              const nextLink: string | null = page.body.links.next;
              if (!nextLink) break;
              page = await call(nextLink, { key });
            }
            assert.deepEqual(seen.sort(), visible.map((run) => run.uid).sort(), `${label}: search`);
            assert.equal(search.body.meta.count, visible.length, `${label}: count`);
            const facets = await call(`${api}/distinct/?metadata=plan_name&metadata=beamtime&counts=true`, {
              key,
            });
            assert.equal(facets.status, 200, facets.text);
            const plans = facets.body.metadata.plan_name
              .map((entry: { value: string }) => entry.value)
              .sort();
            assert.deepEqual(plans, visible.map((run) => run.plan_name).sort(), `${label}: plan facet`);
            const beamtimeCounts = Object.fromEntries(
              facets.body.metadata.beamtime.map((entry: { value: string; count: number }) => [
                entry.value,
                entry.count,
              ]),
            );
            const expected: Record<string, number> = {};
            for (const run of visible)
              if (run.beamtime) expected[run.beamtime] = (expected[run.beamtime] ?? 0) + 1;
            assert.deepEqual(beamtimeCounts, expected, `${label}: beamtime facet`);
            const bodies = [...texts, facets.text].join("\n");
            for (const run of hidden) {
              assert.ok(!bodies.includes(run.uid), `${label}: hidden uid ${run.uid} leaked`);
              assert.ok(!bodies.includes(run.plan_name), `${label}: hidden plan ${run.plan_name} leaked`);
              const direct = await call(`${api}/metadata/${run.uid}`, { key });
              assert.equal(direct.status, 404, `${label}: hidden ${run.uid} readable`);
              assert.ok(!direct.text.includes(run.plan_name));
            }
          }
        } finally {
          await app.close();
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
