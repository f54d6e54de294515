// `databroker show|documents|table <alias>` as users run them (a child process): a SQLite catalog with the
// access matrix's memberships (the command line sees every run) and one without memberships; a mismatch is
// exit 1 with one line naming the part.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { MEMBERSHIPS, RUN_SPECS } from "../access/accessFixture.ts";
import { databroker } from "../cli/storageCli.ts";
import { EXTRA_B1A, putAliasRuns, putSingleUserRuns, SINGLE_USER_RUNS } from "./aliasFixture.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-alias-cli-"));
const withMemberships = join(dir, "beamtimes.sqlite");
const singleUser = join(dir, "single.sqlite");

before(async () => {
  const store = await openStore(withMemberships);
  await putAliasRuns(store);
  await new Broker(store).access.loadMemberships(MEMBERSHIPS, "test");
  await store.close();
  const single = await openStore(singleUser);
  await putSingleUserRuns(single);
  await single.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const shownUid = (args: string[]) => {
  const result = databroker([...args, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).start.uid;
};

test("show takes an alias, latest and -N", () => {
  assert.equal(shownUid(["show", "X/P1/B1a/101", "--catalog", withMemberships]), RUN_SPECS.R1a.uid);
  assert.equal(shownUid(["show", "X/P1/B1a/latest", "--catalog", withMemberships]), EXTRA_B1A.R1d.uid);
  assert.equal(shownUid(["show", "Y/P2/B2/-1", "--catalog", withMemberships]), RUN_SPECS.R2.uid);
  assert.equal(shownUid(["show", "X/P1/B1/7", "--catalog", singleUser]), SINGLE_USER_RUNS.S2.uid);
});

test("documents and table take an alias too", () => {
  const documents = databroker(["documents", "X/P1/B1a/101", "--catalog", withMemberships]);
  assert.equal(documents.code, 0, documents.stderr);
  assert.equal(JSON.parse(documents.stdout.split("\n")[0])[1].uid, RUN_SPECS.R1a.uid);
  const table = databroker(["table", "X/P1/B1a/101", "--catalog", withMemberships]);
  assert.equal(table.code, 0, table.stderr);
  assert.deepEqual(table.stdout.trim().split("\n").length, 4, "a header and three events");
});

test("a part that does not match is exit 1 with one line naming it", () => {
  const cases: Array<[string[], string]> = [
    [
      ["show", "X/P2/B1a/101", "--catalog", withMemberships],
      "databroker show: run alias X/P2/B1a/101: beamtime B1a is of proposal P1, not P2",
    ],
    [
      ["show", "X/P1/B1a/999", "--catalog", withMemberships],
      "databroker show: run alias X/P1/B1a/999: no run of beamtime B1a has scan_id 999",
    ],
    [
      ["documents", "X/P1/B9/1", "--catalog", withMemberships],
      "databroker documents: run alias X/P1/B9/1: no beamtime B9",
    ],
    [
      ["show", "X/P9/B1/7", "--catalog", singleUser],
      'databroker show: run alias X/P9/B1/7: the runs of beamtime B1 name proposal "P1" (start key proposal_id), not P9',
    ],
    [
      ["show", "X/P1/B1a/next", "--catalog", withMemberships],
      'databroker show: run alias "X/P1/B1a/next": its last part "next" must be a scan_id (a whole number above 0), latest, or -N for the N-th most recent run of the beamtime',
    ],
  ];
  for (const [args, line] of cases) {
    const result = databroker(args);
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}`);
    assert.equal(result.stderr, `${line}\n`);
  }
});
