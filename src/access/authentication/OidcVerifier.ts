// Verifies OIDC access/ID tokens (`Authorization: Bearer <JWT>`) against the provider's published keys and
// turns them into a user id. Only asymmetric algorithms: the keys are public, so an HMAC "signed" with one
// proves nothing (the classic key-confusion attack).
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { ValidationError } from "../../errors.ts";
import { CredentialError } from "./CredentialError.ts";

export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;

export interface OidcOptions {
  /** The provider's issuer URL, compared exactly with the token's `iss`. */
  issuer: string;
  /** This service's audience(s): the token's `aud` must name one of them. */
  audience: string | string[];
  /** Where the keys are; discovered from `<issuer>/.well-known/openid-configuration` when absent. */
  jwksUri?: string;
  /** Accepted signature algorithms; defaults to ASYMMETRIC_ALGORITHMS. HS* and `none` are refused. */
  algorithms?: string[];
  /**
   * The public client id the web page signs in with (authorization code flow with PKCE, no secret); without
   * one the page offers API keys only. The provider must allow the page's origin (CORS) and `<origin>/` as a
   * redirect URI.
   */
  clientId?: string;
  /** The claim that names the user (default `sub`; e.g. `preferred_username`, `email`). */
  userClaim?: string;
  /** Allowed clock skew for `exp`/`nbf` (default 30). */
  clockToleranceSeconds?: number;
  /** Least time between two key-set fetches triggered by unknown `kid`s (default 30). */
  jwksCooldownSeconds?: number;
  /** Timeout of a discovery or key-set fetch (default 5). */
  fetchTimeoutSeconds?: number;
}

export interface VerifiedToken {
  user: string;
  claims: JWTPayload;
  /** The token's `exp`, seconds since the epoch. */
  expiresAt?: number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

export class OidcVerifier {
  readonly issuer: string;
  readonly audience: string | string[];
  readonly algorithms: string[];
  readonly userClaim: string;
  private readonly clockTolerance: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private keySet: Promise<KeySet> | undefined;
  /** When discovery last failed: retried only after the cooldown, so a down provider is not hammered. */
  private discoveryFailedAt = -Infinity;
  private discoveryFailure: CredentialError | undefined;

  constructor(options: OidcOptions) {
    this.issuer = nonEmpty(options.issuer, "issuer");
    httpUrl(this.issuer, "issuer");
    const audiences = typeof options.audience === "string" ? [options.audience] : options.audience;
    if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => !a?.trim())) {
      throw new ValidationError("OIDC audience must be a non-empty string or a list of non-empty strings");
    }
    this.audience = options.audience;
    this.algorithms = options.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
    if (this.algorithms.length === 0) throw new ValidationError("OIDC algorithms must not be empty");
    for (const alg of this.algorithms) {
      if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
        throw new ValidationError(
          `OIDC algorithm "${alg}" is not allowed: only ${ASYMMETRIC_ALGORITHMS.join(", ")} (the provider's keys are public, so HS* and none would accept forged tokens)`,
        );
      }
    }
    this.userClaim = nonEmpty(options.userClaim ?? "sub", "userClaim");
    this.clockTolerance = nonNegative(options.clockToleranceSeconds ?? 30, "clockToleranceSeconds");
    this.cooldownMs = nonNegative(options.jwksCooldownSeconds ?? 30, "jwksCooldownSeconds") * 1000;
    this.timeoutMs = nonNegative(options.fetchTimeoutSeconds ?? 5, "fetchTimeoutSeconds") * 1000;
    if (options.jwksUri !== undefined) {
      this.keySet = Promise.resolve(this.remoteKeySet(httpUrl(options.jwksUri, "jwksUri")));
    }
  }

  /** The user of a valid token; any failure is a CredentialError (generic message, specific `reason`). */
  async verify(token: string): Promise<VerifiedToken> {
    const keySet = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: this.algorithms,
        clockTolerance: this.clockTolerance,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      const message = err instanceof Error ? `${err.message}${causeText(err)}` : String(err);
      // A key set that cannot be fetched (provider down) refuses the token too, with a reason saying so.
      const what = code?.startsWith("ERR_JWKS") || !code ? "token refused (key set)" : "token refused";
      throw new CredentialError(`${what}: ${code ? `${code}: ` : ""}${message}`, { cause: err });
    }
    const user = payload[this.userClaim];
    if (typeof user !== "string" || user.trim() === "") {
      throw new CredentialError(
        `token refused: claim "${this.userClaim}" is missing or not a non-empty string`,
      );
    }
    return { user, claims: payload, expiresAt: payload.exp };
  }

  private remoteKeySet(url: URL): KeySet {
    return createRemoteJWKSet(url, {
      timeoutDuration: this.timeoutMs,
      // Unknown kids refetch (key rotation) at most once per cooldown.
      cooldownDuration: this.cooldownMs,
      // Refetch now and then even without unknown kids, so dropped (revoked) keys stop working.
      cacheMaxAge: 10 * 60_000,
    });
  }

  private async keys(): Promise<KeySet> {
    if (this.keySet) return this.keySet;
    if (this.discoveryFailure && Date.now() - this.discoveryFailedAt < this.cooldownMs) {
      throw this.discoveryFailure;
    }
    const discovery = this.discover().then((uri) => this.remoteKeySet(uri));
    this.keySet = discovery;
    try {
      return await discovery;
    } catch (err) {
      this.keySet = undefined;
      this.discoveryFailedAt = Date.now();
      this.discoveryFailure =
        err instanceof CredentialError ? err : new CredentialError(String(err), { cause: err });
      throw this.discoveryFailure;
    }
  }

  /** The `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  private async discover(): Promise<URL> {
    const url = `${this.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const fail = (why: string, cause?: unknown) =>
      new CredentialError(`OIDC discovery failed at ${url}: ${why}`, { cause });
    let config: unknown;
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.status !== 200) throw fail(`HTTP ${response.status}`);
      config = await response.json();
    } catch (err) {
      if (err instanceof CredentialError) throw err;
      throw fail(err instanceof Error ? `${err.message}${causeText(err)}` : String(err), err);
    }
    const { issuer, jwks_uri } = (config ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OIDC Discovery §4.3: the document must name the same issuer it was fetched for.
    if (issuer !== this.issuer) throw fail(`document names issuer ${JSON.stringify(issuer)}`);
    if (typeof jwks_uri !== "string") throw fail("document has no jwks_uri");
    try {
      return httpUrl(jwks_uri, "jwks_uri");
    } catch (err) {
      throw fail((err as Error).message, err);
    }
  }
}

function causeText(err: Error): string {
  return err.cause instanceof Error ? ` (${err.cause.message})` : "";
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ValidationError(`OIDC ${name} must be a non-empty string`);
  }
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(`OIDC ${name} must be a non-negative number of seconds, not ${value}`);
  }
  return value;
}

function httpUrl(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`OIDC ${name} is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ValidationError(`OIDC ${name} must be an http(s) URL: ${JSON.stringify(text)}`);
  }
  return url;
}
