import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import {
  CredentialError,
  GENERIC_CREDENTIAL_MESSAGE,
} from "../../src/access/authentication/CredentialError.ts";
import { OidcVerifier } from "../../src/access/authentication/OidcVerifier.ts";
import { UnauthorizedError, ValidationError } from "../../src/errors.ts";
import { makeKey, TestOidcProvider } from "../support/oidcProvider.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Asserts a refusal with the generic message, and returns its reason (for logs). */
async function refused(promise: Promise<unknown>, reason?: RegExp): Promise<string> {
  const err = await promise.then(
    () => assert.fail("the token was accepted"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof UnauthorizedError, `not an UnauthorizedError: ${err}`);
  assert.ok(err instanceof CredentialError);
  assert.equal(err.message, GENERIC_CREDENTIAL_MESSAGE);
  if (reason) assert.match(err.reason, reason);
  return err.reason;
}

describe("OidcVerifier", () => {
  let provider: TestOidcProvider;
  let verifier: OidcVerifier;
  before(async () => {
    provider = await TestOidcProvider.start();
    verifier = new OidcVerifier({ issuer: provider.issuer, audience: provider.audience });
  });
  after(() => provider.close());

  test("accepts a valid RS256 token, discovering the key set once", async () => {
    const token = await provider.token({ alg: "RS256" });
    const verified = await verifier.verify(token);
    assert.equal(verified.user, "alice");
    assert.equal(verified.claims.iss, provider.issuer);
    assert.equal(typeof verified.expiresAt, "number");
    await verifier.verify(token);
    assert.equal(provider.discoveryFetches, 1);
    assert.equal(provider.jwksFetches, 1);
  });

  test("accepts a valid ES256 token", async () => {
    const verified = await verifier.verify(await provider.token({ alg: "ES256", claims: { sub: "bob" } }));
    assert.equal(verified.user, "bob");
  });

  test("uses another user claim when configured", async () => {
    const byName = new OidcVerifier({
      issuer: provider.issuer,
      audience: ["other", provider.audience],
      jwksUri: provider.jwksUri,
      userClaim: "preferred_username",
    });
    const token = await provider.token({ claims: { preferred_username: "carol" } });
    assert.equal((await byName.verify(token)).user, "carol");
    await refused(byName.verify(await provider.token()), /preferred_username/);
  });

  test("refuses an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(
      verifier.verify(await provider.token({ claims: { exp: now - 120, iat: now - 600 } })),
      /exp/,
    );
  });

  test("accepts a token expired within the clock tolerance", async () => {
    const now = Math.floor(Date.now() / 1000);
    await verifier.verify(await provider.token({ claims: { exp: now - 5 } }));
  });

  test("refuses a token not yet valid (nbf)", async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(verifier.verify(await provider.token({ claims: { nbf: now + 600 } })), /nbf/);
  });

  test("refuses a token without exp", async () => {
    await refused(verifier.verify(await provider.token({ claims: { exp: undefined } })), /exp/);
  });

  test("refuses a token for another audience", async () => {
    await refused(verifier.verify(await provider.token({ claims: { aud: "someone-else" } })), /aud/);
  });

  test("refuses a token from another issuer", async () => {
    await refused(verifier.verify(await provider.token({ claims: { iss: "https://evil.example" } })), /iss/);
  });

  test("refuses a bad signature (another key under a published kid)", async () => {
    const published = provider.keys.find((k) => k.alg === "RS256")!;
    const impostor = await makeKey("RS256", published.kid);
    await refused(verifier.verify(await provider.token({ key: impostor })), /signature/);
  });

  test("refuses a token with a tampered payload", async () => {
    const [header, , signature] = (await provider.token()).split(".");
    const payload = b64({ iss: provider.issuer, aud: provider.audience, sub: "admin", exp: 4e9 });
    await refused(verifier.verify(`${header}.${payload}.${signature}`), /signature/);
  });

  test("refuses alg none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = b64({ iss: provider.issuer, aud: provider.audience, sub: "alice", exp: now + 300 });
    await refused(verifier.verify(`${b64({ alg: "none" })}.${payload}.`));
    await refused(verifier.verify(`${b64({ alg: "none", typ: "JWT" })}.${payload}.`));
  });

  for (const form of ["PEM", "JWK"] as const) {
    test(`refuses HS256 signed with the provider's public key as ${form} text (key confusion)`, async () => {
      const key = provider.keys.find((k) => k.alg === "RS256")!;
      const secret = new TextEncoder().encode(form === "PEM" ? key.publicPem : JSON.stringify(key.publicJwk));
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        iss: provider.issuer,
        aud: provider.audience,
        sub: "alice",
        exp: now + 300,
      })
        .setProtectedHeader({ alg: "HS256", kid: key.kid })
        .sign(secret);
      await refused(verifier.verify(token), /alg/i);
    });
  }

  test("refuses a token whose algorithm is outside the allow-list", async () => {
    const rsOnly = new OidcVerifier({
      issuer: provider.issuer,
      audience: provider.audience,
      jwksUri: provider.jwksUri,
      algorithms: ["RS256"],
    });
    await rsOnly.verify(await provider.token({ alg: "RS256" }));
    await refused(rsOnly.verify(await provider.token({ alg: "ES256" })), /alg/i);
  });

  test("refuses a token without the user claim", async () => {
    await refused(verifier.verify(await provider.token({ claims: { sub: undefined } })), /sub/);
  });

  test("refuses an empty or non-string user claim", async () => {
    await refused(verifier.verify(await provider.token({ claims: { sub: "  " } })), /sub/);
    await refused(verifier.verify(await provider.token({ claims: { sub: 42 } })), /sub/);
  });

  test("refuses garbage", async () => {
    for (const text of ["", "garbage", "a.b.c", "....", `${b64({ alg: "RS256" })}.notjson.x`]) {
      await refused(verifier.verify(text));
    }
  });

  test("refuses an unknown kid; after rotation the new kid works and the old one is gone", async () => {
    const rotating = new OidcVerifier({
      issuer: provider.issuer,
      audience: provider.audience,
      jwksUri: provider.jwksUri,
      jwksCooldownSeconds: 0.2,
    });
    const oldToken = await provider.token({ alg: "RS256" });
    await rotating.verify(oldToken);
    const fetches = provider.jwksFetches;
    const unpublished = await makeKey("RS256");
    await refused(rotating.verify(await provider.token({ key: unpublished })), /no applicable key|matching/i);

    const fresh = await provider.rotate("RS256");
    await sleep(250);
    assert.equal((await rotating.verify(await provider.token({ key: fresh }))).user, "alice");
    assert.ok(provider.jwksFetches > fetches, "the key set was refetched for the new kid");
    // The refetched set no longer holds the old key.
    await refused(rotating.verify(oldToken));
  });

  test("a burst of unknown kids refetches the key set at most once per cooldown", async () => {
    const guarded = new OidcVerifier({
      issuer: provider.issuer,
      audience: provider.audience,
      jwksUri: provider.jwksUri,
      jwksCooldownSeconds: 0.3,
    });
    await guarded.verify(await provider.token());
    await sleep(350); // past the cooldown: the first unknown kid may refetch, the rest may not
    const before = provider.jwksFetches;
    const strangers = await Promise.all(Array.from({ length: 5 }, () => makeKey("ES256")));
    const tokens = await Promise.all(strangers.map((key) => provider.token({ key })));
    await Promise.all(tokens.map((t) => refused(guarded.verify(t))));
    for (const t of tokens) await refused(guarded.verify(t));
    assert.equal(provider.jwksFetches - before, 1);
  });
});

describe("OidcVerifier with a provider that is down", () => {
  test("a closed provider (discovery) is an UnauthorizedError", async () => {
    const provider = await TestOidcProvider.start();
    await provider.close();
    const verifier = new OidcVerifier({ issuer: provider.issuer, audience: "x", fetchTimeoutSeconds: 2 });
    const reason = await refused(verifier.verify("a.b.c"), /discovery failed/);
    assert.match(reason, /openid-configuration/);
  });

  test("a closed provider (key set) is an UnauthorizedError", async () => {
    const provider = await TestOidcProvider.start();
    const token = await provider.token();
    await provider.close();
    const verifier = new OidcVerifier({
      issuer: provider.issuer,
      audience: provider.audience,
      jwksUri: provider.jwksUri,
      fetchTimeoutSeconds: 2,
    });
    await refused(verifier.verify(token), /key set.*ECONNREFUSED/);
  });

  test("a hung provider is refused within the fetch timeout", async () => {
    const provider = await TestOidcProvider.start();
    try {
      const token = await provider.token();
      provider.stall = true;
      const verifier = new OidcVerifier({
        issuer: provider.issuer,
        audience: provider.audience,
        fetchTimeoutSeconds: 0.3,
      });
      const started = Date.now();
      await refused(verifier.verify(token), /discovery failed/);
      assert.ok(Date.now() - started < 2000);
      const direct = new OidcVerifier({
        issuer: provider.issuer,
        audience: provider.audience,
        jwksUri: provider.jwksUri,
        fetchTimeoutSeconds: 0.3,
      });
      await refused(direct.verify(token), /timed out|timeout/i);
      assert.ok(Date.now() - started < 3000);
    } finally {
      await provider.close();
    }
  });

  test("a discovery document naming another issuer is refused", async () => {
    const provider = await TestOidcProvider.start();
    try {
      provider.advertisedIssuer = "https://evil.example";
      const verifier = new OidcVerifier({ issuer: provider.issuer, audience: provider.audience });
      await refused(
        verifier.verify(await provider.token()),
        /discovery failed.*names issuer "https:\/\/evil/,
      );
    } finally {
      await provider.close();
    }
  });
});

describe("OidcVerifier options", () => {
  const base = { issuer: "https://idp.example", audience: "databroker" };
  test("refuses symmetric algorithms and none", () => {
    for (const alg of ["HS256", "HS384", "HS512", "none", "NONE"]) {
      assert.throws(
        () => new OidcVerifier({ ...base, algorithms: ["RS256", alg] }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError);
          assert.match(err.message, new RegExp(alg));
          return true;
        },
      );
    }
  });

  test("refuses an empty issuer, audience or algorithm list, and a bad jwksUri", () => {
    assert.throws(() => new OidcVerifier({ ...base, issuer: "" }), ValidationError);
    assert.throws(() => new OidcVerifier({ ...base, audience: [] }), ValidationError);
    assert.throws(() => new OidcVerifier({ ...base, audience: "" }), ValidationError);
    assert.throws(() => new OidcVerifier({ ...base, algorithms: [] }), ValidationError);
    assert.throws(() => new OidcVerifier({ ...base, jwksUri: "file:///etc/passwd" }), ValidationError);
    assert.throws(() => new OidcVerifier({ ...base, clockToleranceSeconds: -1 }), ValidationError);
  });
});
