// A throwaway OIDC provider for tests: node:http on a loopback port, serving the discovery document and a
// JWKS of generated keys (RS256, ES256), with key rotation, fetch counters and a token signer whose claims,
// header and key can be overridden to make bad tokens.
import { createHash, randomBytes } from "node:crypto";
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
      // Browsers' pages fetch discovery and the token endpoint from another origin: CORS as providers send it.
      const json = (body: unknown, status = 200) => {
        res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? "/", provider.issuer);
      if (url.pathname === "/.well-known/openid-configuration") {
        provider.discoveryFetches++;
        json({
          issuer: provider.advertisedIssuer ?? provider.issuer,
          jwks_uri: provider.jwksUri,
          authorization_endpoint: `${provider.issuer}/authorize`,
          token_endpoint: `${provider.issuer}/token`,
        });
      } else if (url.pathname === "/authorize" && req.method === "GET") {
        provider.authorize(url.searchParams, res);
      } else if (url.pathname === "/token" && req.method === "POST") {
        let body = "";
        req.on("data", (chunk) => {
          body += chunk;
        });
        req.on("end", async () => {
          const answer = await provider.exchange(new URLSearchParams(body));
          json(answer, "error" in answer ? 400 : 200);
        });
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

  /**
   * The browser sign-in (authorization code with PKCE) signs in this user at once, with no login form; the
   * client ids the provider knows.
   */
  signInAs = "alice";
  clients = new Set(["databroker-web"]);
  private readonly codes = new Map<
    string,
    { challenge: string; clientId: string; redirectUri: string; sub: string }
  >();

  private authorize(params: URLSearchParams, res: import("node:http").ServerResponse): void {
    const clientId = params.get("client_id") ?? "";
    const redirectUri = params.get("redirect_uri") ?? "";
    const challenge = params.get("code_challenge") ?? "";
    if (
      !this.clients.has(clientId) ||
      !redirectUri ||
      params.get("code_challenge_method") !== "S256" ||
      !challenge
    ) {
      res.writeHead(400).end("bad authorization request");
      return;
    }
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, { challenge, clientId, redirectUri, sub: this.signInAs });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", params.get("state") ?? "");
    res.writeHead(302, { location: back.toString() }).end();
  }

  private async exchange(params: URLSearchParams): Promise<Record<string, unknown>> {
    const grant = this.codes.get(params.get("code") ?? "");
    this.codes.delete(params.get("code") ?? "");
    const verifier = params.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (
      params.get("grant_type") !== "authorization_code" ||
      !grant ||
      grant.clientId !== params.get("client_id") ||
      grant.redirectUri !== params.get("redirect_uri") ||
      grant.challenge !== challenge
    )
      return { error: "invalid_grant" };
    return {
      token_type: "Bearer",
      expires_in: 300,
      access_token: await this.token({ claims: { sub: grant.sub } }),
      id_token: await this.token({ claims: { sub: grant.sub, aud: grant.clientId } }),
    };
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
