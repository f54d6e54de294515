// A throwaway OIDC provider for tests: node:http on a loopback port, serving the discovery document and a
// JWKS of generated keys (RS256, ES256), with key rotation, fetch counters and a token signer whose claims,
// header and key can be overridden to make bad tokens.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";

export type TestAlg = "RS256" | "ES256";

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  /** The public key as published in the JWKS. */
  publicJwk: JWK;
  /** The public key as PEM (SPKI) text. */
  publicPem: string;
}

export interface TokenOptions {
  /** Claims merged over the defaults (iss, aud, sub, iat, exp in 5 minutes); `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Header fields merged over `{ alg, kid }` of the key. */
  header?: Record<string, unknown>;
  /** The signing key (default: the newest published key of `alg`, else the newest). */
  key?: TestKey;
  /** Pick the newest published key of this algorithm. */
  alg?: TestAlg;
}

let kidCounter = 0;

/** A key pair that is not published (add it with `publish`). */
export async function makeKey(alg: TestAlg = "RS256", kid = `test-key-${++kidCounter}`): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export class TestOidcProvider {
  readonly audience = "databroker-test";
  /** Published keys, oldest first. */
  keys: TestKey[] = [];
  jwksFetches = 0;
  discoveryFetches = 0;
  /** When true, requests are accepted and never answered (a hung provider). */
  stall = false;
  /** The issuer the discovery document names (default: the real one), to test a mismatch. */
  advertisedIssuer: string | undefined;
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  /** Starts a provider publishing one RS256 and one ES256 key. */
  static async start(): Promise<TestOidcProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const provider = new TestOidcProvider(server, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => {
      if (provider.stall) return;
      const json = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/.well-known/openid-configuration") {
        provider.discoveryFetches++;
        json({ issuer: provider.advertisedIssuer ?? provider.issuer, jwks_uri: provider.jwksUri });
      } else if (req.url === "/jwks") {
        provider.jwksFetches++;
        json({ keys: provider.keys.map((k) => k.publicJwk) });
      } else {
        res.writeHead(404).end();
      }
    });
    provider.publish(await makeKey("RS256"));
    provider.publish(await makeKey("ES256"));
    return provider;
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  publish(key: TestKey): TestKey {
    this.keys.push(key);
    return key;
  }

  unpublish(kid: string): void {
    this.keys = this.keys.filter((k) => k.kid !== kid);
  }

  /** Adds a new key of `alg` and drops the previous ones of that algorithm. */
  async rotate(alg: TestAlg = "RS256"): Promise<TestKey> {
    const key = await makeKey(alg);
    this.keys = [...this.keys.filter((k) => k.alg !== alg), key];
    return key;
  }

  async token(options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.newest(options.alg);
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      aud: this.audience,
      sub: "alice",
      iat: now,
      exp: now + 300,
      ...options.claims,
    };
    for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...options.header })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private newest(alg?: TestAlg): TestKey {
    const keys = alg ? this.keys.filter((k) => k.alg === alg) : this.keys;
    const key = keys.at(-1);
    if (!key) throw new Error(`the test provider publishes no ${alg ?? ""} key`);
    return key;
  }
}
