// Sign-in paths beside API keys, over real HTTP: a trusted proxy's header (believed only from its address),
// OIDC tokens of users the user office knows by id or by their provider subject, of users it does not know
// (signed in, but they see only released runs), and of disabled users (401, like any bad credential).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type AccessWorld, call, MEMBERSHIPS, RUN_SPECS, startAccessWorld } from "./accessFixture.ts";

const sqlite = (dir: string) => join(dir, "catalog.sqlite");
const uids = (body: { data: Array<{ id: string }> }) => body.data.map((item) => item.id).sort();

describe("trusted proxy sign-in", () => {
  let trusted: AccessWorld;
  let elsewhere: AccessWorld;
  before(async () => {
    trusted = await startAccessWorld(sqlite, { proxy: { addresses: ["127.0.0.0/8", "::1"] } });
    elsewhere = await startAccessWorld(sqlite, {
      proxy: { addresses: ["10.0.0.1"], header: "X-Remote-User" },
    });
  });
  after(async () => {
    await trusted.close();
    await elsewhere.close();
  });

  test("from a trusted address the header names the user; a repeated value is refused", async () => {
    const asU1 = await call(`${trusted.api}/search/`, { headers: { "x-forwarded-user": "u1" } });
    assert.equal(asU1.status, 200, asU1.text);
    assert.deepEqual(uids(asU1.body), [RUN_SPECS.R1a.uid, RUN_SPECS.Rpub.uid].sort());
    const who = await call(`${trusted.api}/auth/whoami`, { headers: { "x-forwarded-user": "u1" } });
    assert.equal(who.body.via, "proxy");
    const twice = await call(`${trusted.api}/search/`, { headers: { "x-forwarded-user": "u1, boss" } });
    assert.equal(twice.status, 401);
    assert.equal(twice.body.detail, "invalid or expired credentials");
  });

  test("from any other address the header is ignored: the caller is anonymous", async () => {
    const spoofed = await call(`${elsewhere.api}/search/`, { headers: { "x-remote-user": "boss" } });
    assert.equal(spoofed.status, 200);
    assert.deepEqual(uids(spoofed.body), [RUN_SPECS.Rpub.uid]);
    const write = await call(`${elsewhere.api}/auth/apikey`, {
      method: "POST",
      body: {},
      headers: { "x-remote-user": "boss" },
    });
    assert.equal(write.status, 401);
  });
});

describe("OIDC sign-in of known, unknown and disabled users", () => {
  let world: AccessWorld;
  before(async () => {
    const memberships = {
      ...MEMBERSHIPS,
      users: [
        ...MEMBERSHIPS.users.filter((entry) => entry.id !== "u1" && entry.id !== "u2"),
        { id: "u1", idp_sub: "9f1c-u1-subject" },
        { id: "u2", disabled: true },
      ],
    };
    world = await startAccessWorld(sqlite, {}, memberships);
  });
  after(() => world.close());

  test("the provider's subject maps to the user office's id", async () => {
    const token = await world.oidc.token({ claims: { sub: "9f1c-u1-subject" } });
    const answer = await call(`${world.api}/search/`, { bearer: token });
    assert.deepEqual(uids(answer.body), [RUN_SPECS.R1a.uid, RUN_SPECS.Rpub.uid].sort());
    assert.equal((await call(`${world.api}/auth/whoami`, { bearer: token })).body.id, "u1");
  });

  test("a user the user office does not know sees released runs only and cannot make keys", async () => {
    const token = await world.oidc.token({ claims: { sub: "stranger" } });
    const answer = await call(`${world.api}/search/`, { bearer: token });
    assert.equal(answer.status, 200);
    assert.deepEqual(uids(answer.body), [RUN_SPECS.Rpub.uid]);
    const key = await call(`${world.api}/auth/apikey`, { bearer: token, method: "POST", body: {} });
    assert.equal(key.status, 403);
  });

  test("a disabled user's token and keys are refused as any bad credential", async () => {
    const token = await world.oidc.token({ claims: { sub: "u2" } });
    const answer = await call(`${world.api}/search/`, { bearer: token });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.detail, "invalid or expired credentials");
    assert.equal(world.keys.u2, undefined, "no key can be made for a disabled user");
  });
});
