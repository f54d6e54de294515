// authPlugin in process: the principal each request gets (user with the key, anonymous in public mode),
// what is refused (no key, a wrong key, a bearer token this server never issues), what stays open.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { type AuthOptions, checkApiKey, newApiKey } from "../../src/server/auth.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";

const KEY = "auth_test_key_0123456789";

async function serverWith(auth: AuthOptions): Promise<FastifyInstance> {
  return createServer({ broker: new Broker(new MemoryStore()), auth, logger: false });
}

async function principal(app: FastifyInstance, headers: Record<string, string> = {}, query = "") {
  const response = await app.inject({ url: `/api/v1/auth/whoami${query}`, headers });
  const { kind, id, via, role, detail } = response.json();
  // Who the server takes the caller for (whoami also lists scopes: see test/access/), or why not.
  const body = response.statusCode === 200 ? { kind, id, via, role } : { detail };
  return { status: response.statusCode, body, headers: response.headers };
}

describe("authPlugin", () => {
  let closed: FastifyInstance;
  let open: FastifyInstance;
  before(async () => {
    closed = await serverWith({ apiKey: KEY });
    open = await serverWith({ apiKey: KEY, public: true });
  });
  after(async () => {
    await closed.close();
    await open.close();
  });

  test("the key makes the caller the single user, by header or by parameter", async () => {
    const user = { kind: "user", id: "single-user", via: "single-user", role: "admin" };
    assert.deepEqual((await principal(closed, { authorization: `Apikey ${KEY}` })).body, user);
    assert.deepEqual((await principal(closed, { authorization: `apikey   ${KEY}` })).body, user);
    const byParameter = await principal(closed, {}, `?api_key=${KEY}`);
    assert.deepEqual(byParameter.body, user);
    assert.match(
      String(byParameter.headers["set-cookie"]),
      /^tiled_api_key=\w+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    assert.deepEqual((await principal(closed, { cookie: `other=1; tiled_api_key=${KEY}` })).body, user);
  });

  test("without a valid key: 401 with WWW-Authenticate and a JSON detail", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: "Apikey wrong_key_0123" },
      { authorization: `Bearer ${KEY}` },
    ];
    for (const headers of attempts) {
      const refused = await principal(closed, headers);
      assert.equal(refused.status, 401, JSON.stringify(headers));
      assert.ok(refused.headers["www-authenticate"]);
      assert.equal(typeof refused.body.detail, "string");
    }
    assert.match((await principal(closed, { authorization: `Bearer ${KEY}` })).body.detail, /bearer/);
  });

  test("About and pages outside /api/ stay open, even with a wrong key", async () => {
    const about = await closed.inject({
      url: "/api/v1/",
      headers: { authorization: "Apikey wrong_key_0123" },
    });
    assert.equal(about.statusCode, 200);
  });

  test("public mode: no key is the anonymous principal; a wrong key is still refused", async () => {
    assert.deepEqual((await principal(open)).body, {
      kind: "anonymous",
      id: undefined,
      via: undefined,
      role: "anonymous",
    });
    assert.equal((await principal(open, { authorization: "Apikey wrong_key_0123" })).status, 401);
    assert.deepEqual((await principal(open, { authorization: `Apikey ${KEY}` })).body, {
      kind: "user",
      id: "single-user",
      via: "single-user",
      role: "admin",
    });
  });

  test("new keys are 64 characters the Python client accepts; bad given keys are refused", () => {
    const key = newApiKey();
    assert.match(key, /^\w{64}$/);
    assert.notEqual(newApiKey(), key);
    assert.equal(checkApiKey("abc_DEF_123"), "abc_DEF_123");
    assert.throws(() => checkApiKey("with-dash-key"), /A-Z, a-z, 0-9 and _/);
    assert.throws(() => checkApiKey("short"), /at least 8/);
  });
});
