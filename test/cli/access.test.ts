// `databroker access` and `databroker keys` as users run them (whole processes): the issue's membership file
// loaded into a SQLite and a files catalog, reported changes, idempotence, keys made, listed, used and
// revoked, the audit, and one-line errors for bad files and arguments that change nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { user } from "../../src/access/Principal.ts";
import { Broker } from "../../src/broker/index.ts";
import { RUN_SPECS, runDocuments } from "../access/accessFixture.ts";
import { spawnServer } from "../server/serveProcess.ts";
import { cliCatalogs } from "./brokerCatalogs.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-access-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The issue's example file, verbatim. */
const ISSUE_FILE = `users: [{id: pi1, email: pi1@example.org}, {id: u1}, {id: staffX}, {id: boss}]
proposals: [{id: P1, pis: [pi1], users: [], release_at: null}]
beamtimes: [{id: B1a, proposal: P1, beamline: X, pis: [pi1], users: [u1], release_at: null}]
staff: [{beamline: X, users: [staffX]}]
admins: [boss]
`;

const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

const uris = await cliCatalogs("access", [
  runDocuments({ ...RUN_SPECS.R1a }),
  runDocuments({ ...RUN_SPECS.R0 }),
]);

for (const [kind, uri] of Object.entries(uris)) {
  describe(`databroker access and keys on a ${kind} catalog`, () => {
    test("load reports what changed, then nothing; list and whoami describe it", () => {
      const path = file(`issue-${kind}.yaml`, ISSUE_FILE);
      const first = databroker(["access", "load", path, "--catalog", uri]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /change\(s\) loaded/);
      assert.match(first.stdout, /beamtime B1a added/);
      const again = databroker(["access", "load", path, "--catalog", uri]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^no change/);
      const list = databroker(["access", "list", "--catalog", uri]);
      assert.match(list.stdout, /beamtime B1a \(proposal P1, beamline X\): PIs pi1; users u1/);
      const whoami = databroker(["access", "whoami", "--user", "u1", "--catalog", uri]);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.match(whoami.stdout, /u1: role user/);
      assert.match(whoami.stdout, /sees runs of beamtimes: B1a/);
      assert.match(whoami.stdout, /without a known beamtime: no/);
      const staff = databroker(["access", "whoami", "--user", "staffX", "--catalog", uri]);
      assert.match(staff.stdout, /without a known beamtime: yes/);
    });

    test("keys: create prints the secret alone on the last line; it signs in; revoke ends it; all audited", async () => {
      const made = databroker([
        "keys",
        "create",
        "--catalog",
        uri,
        "--user",
        "u1",
        "--scopes",
        "read:metadata,read:data",
        "--beamtime",
        "B1a",
        "--expires",
        "7d",
        "--note",
        "beamline pc",
      ]);
      assert.equal(made.code, 0, made.stderr);
      const secret = made.stdout.trim().split("\n").at(-1) ?? "";
      assert.match(secret, /^[0-9a-f]{72}$/);
      const whoami = databroker(["access", "whoami", "--key", secret, "--catalog", uri]);
      assert.match(whoami.stdout, /u1: role user; scopes read:metadata, read:data/);
      assert.match(whoami.stdout, /bound to B1a/);
      const list = databroker(["keys", "list", "--catalog", uri, "--user", "u1"]);
      assert.match(
        list.stdout,
        new RegExp(
          `^${secret.slice(0, 8)}\\tu1\\tactive\\tscopes read:metadata,read:data\\tbeamtimes B1a`,
          "m",
        ),
      );
      assert.ok(!list.stdout.includes(secret), "never the secret");
      const broker = await Broker.open(uri, { readOnly: true });
      try {
        const asU1 = await broker.as(
          ((await broker.access.principalOfKey(secret)) as { principal: ReturnType<typeof user> }).principal,
        );
        assert.deepEqual(
          (await asU1.page()).map((run) => run.uid),
          [RUN_SPECS.R1a.uid],
        );
      } finally {
        await broker.close();
      }
      const revoked = databroker(["keys", "revoke", secret.slice(0, 8), "--catalog", uri]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, /revoked key/);
      const twice = databroker(["keys", "revoke", secret.slice(0, 8), "--catalog", uri]);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /already revoked/);
      const audit = databroker(["access", "audit", "--catalog", uri, "--json"]);
      const actions = audit.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).action);
      assert.deepEqual(actions.slice(-3), ["membership.load", "key.create", "key.revoke"].slice(-3));
      assert.ok(actions.includes("membership.load"));
    });

    test("bad files and arguments: one line, exit 2, nothing changed", () => {
      const before = databroker(["access", "audit", "--catalog", uri, "--json"]).stdout;
      const syntax = databroker([
        "access",
        "load",
        file(`bad-${kind}.yaml`, "users: [{id: a}\nadmins: [a"),
        "--catalog",
        uri,
      ]);
      assert.equal(syntax.code, 2);
      assert.match(syntax.stderr, /bad-.*\.yaml: line \d+/);
      assert.equal(syntax.stderr.trim().split("\n").length, 1);
      const dangling = databroker([
        "access",
        "load",
        file(
          `dangling-${kind}.yaml`,
          "users: [{id: a}]\nbeamtimes: [{id: B, proposal: P9, beamline: X, pis: [zed]}]\n",
        ),
        "--catalog",
        uri,
      ]);
      assert.equal(dangling.code, 2);
      assert.match(dangling.stderr, /beamtimes \(B\): 'proposal' names 'P9', not in proposals/);
      assert.match(dangling.stderr, /'pis' names 'zed', not in users/);
      const unknownUser = databroker(["keys", "create", "--catalog", uri, "--user", "nobody"]);
      assert.equal(unknownUser.code, 2);
      assert.match(unknownUser.stderr, /no active user 'nobody'/);
      const badScope = databroker([
        "keys",
        "create",
        "--catalog",
        uri,
        "--user",
        "u1",
        "--scopes",
        "read:everything",
      ]);
      assert.match(badScope.stderr, /unknown scope 'read:everything'/);
      const badExpiry = databroker(["keys", "create", "--catalog", uri, "--user", "u1", "--expires", "soon"]);
      assert.match(badExpiry.stderr, /--expires soon: not a duration/);
      assert.equal(databroker(["access", "audit", "--catalog", uri, "--json"]).stdout, before);
      const missing = databroker(["access", "list", "--catalog", join(scratch, "nothing-here.sqlite")]);
      assert.equal(missing.code, 2);
      assert.equal(missing.stderr.trim().split("\n").length, 1);
    });
  });
}

describe("databroker serve on a catalog with memberships", () => {
  test("enforces them from the start: a key from `keys create` sees its runs, anonymous callers the released ones", async () => {
    const seeded = await cliCatalogs("served", [
      runDocuments({ ...RUN_SPECS.R1a }),
      runDocuments({ ...RUN_SPECS.R2 }),
    ]);
    const catalog = seeded.sqlite;
    assert.equal(
      databroker(["access", "load", file("served.yaml", ISSUE_FILE), "--catalog", catalog]).code,
      0,
    );
    const secret = databroker(["keys", "create", "--catalog", catalog, "--user", "u1"]).stdout.trim();
    const server = await spawnServer(["serve", "--catalog", catalog]);
    try {
      assert.match(server.output(), /with access control/);
      assert.doesNotMatch(server.output(), /API key:/, "no single-user key is offered");
      const asU1 = await fetch(`${server.url}/api/v1/search/`, {
        headers: { authorization: `Apikey ${secret}` },
      });
      const body = (await asU1.json()) as { data: Array<{ id: string }> };
      assert.deepEqual(
        body.data.map((item) => item.id),
        [RUN_SPECS.R1a.uid],
      );
      const anonymous = (await (await fetch(`${server.url}/api/v1/search/`)).json()) as {
        meta: { count: number };
      };
      assert.equal(anonymous.meta.count, 0);
      const hidden = await fetch(`${server.url}/api/v1/metadata/${RUN_SPECS.R2.uid}`, {
        headers: { authorization: `Apikey ${secret}` },
      });
      assert.equal(hidden.status, 404);
    } finally {
      await server.stop();
    }
  });
});
