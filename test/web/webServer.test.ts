// The browser tests' server harness itself: a multi-user server from memberships, each user's key signing in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startWebServer } from "./webServer.ts";

const MEMBERSHIPS = `users: [{id: u1}, {id: boss}]
proposals: [{id: P1, pis: [u1], users: [], release_at: null}]
beamtimes: [{id: B1, proposal: P1, beamline: X, pis: [u1], users: [], release_at: null}]
admins: [boss]
`;

test("with memberships, the users' keys sign in and the single-user key is not taken", async () => {
  const server = await startWebServer({ memberships: MEMBERSHIPS, users: ["u1", "boss"] });
  try {
    for (const user of ["u1", "boss"]) {
      const response = await fetch(`${server.url}/api/v1/auth/whoami`, {
        headers: { authorization: `Apikey ${server.userKeys[user]}` },
      });
      assert.equal(response.status, 200, user);
      assert.match(JSON.stringify(await response.json()), new RegExp(`"${user}"`));
    }
    const single = await fetch(`${server.url}/api/v1/search/`, {
      headers: { authorization: `Apikey ${server.key}` },
    });
    assert.equal(single.status, 401);
  } finally {
    await server.stop();
  }
});
