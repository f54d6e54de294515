// Who is asking: resolves the principal of every request once and puts it, with the access policy read for
// this request, on `request.principal` and `request.policy`. Without memberships in the catalog the server
// is single-user: one API key (from `Authorization: Apikey <key>`, the `api_key` query parameter or the
// `tiled_api_key` cookie, as Tiled) or `--public` reading. Once memberships are loaded, callers sign in with
// the catalog's API keys, an OIDC provider's bearer tokens, or a trusted proxy's header; anyone else is
// anonymous and sees released runs only.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AccessControl } from "../access/AccessControl.ts";
import type { AccessPolicy } from "../access/AccessPolicy.ts";
import { CredentialError } from "../access/authentication/CredentialError.ts";
import { type OidcOptions, OidcVerifier } from "../access/authentication/OidcVerifier.ts";
import { TrustedProxy, type TrustedProxyOptions } from "../access/authentication/TrustedProxy.ts";
import { ANONYMOUS, type Principal, SINGLE_USER } from "../access/Principal.ts";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../errors.ts";
import { BadRequestError } from "./errors.ts";
import { nonCanonicalTarget } from "./requestTarget.ts";
import { type Access, accessOf, changes } from "./routeAccess.ts";

/** How the server authenticates. */
export interface AuthOptions {
  /** Single-user mode: the one key; without one every caller is that user (an open server, e.g. embedded). */
  apiKey?: string;
  /** Single-user mode: anonymous callers may read; writing still needs the key. */
  public?: boolean;
  /** Bearer tokens from this OIDC provider sign users in (once memberships are loaded). */
  oidc?: OidcOptions;
  /** A reverse proxy's header signs users in, from these addresses only (once memberships are loaded). */
  proxy?: TrustedProxyOptions;
}

export { ANONYMOUS, type Principal, SINGLE_USER };

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
    /** The access rules in force for this request (read once per request). */
    policy: AccessPolicy;
  }
}

/** Who a change is recorded as having been made by: the caller's user id, else `anonymous`. */
export function actorOf(request: FastifyRequest): string {
  return request.principal.kind === "user" ? request.principal.id : "anonymous";
}

/** Tiled's cookie name, so a browser that opened `/?api_key=...` keeps browsing the API. */
export const API_KEY_COOKIE = "tiled_api_key";

/** The Python client treats a key outside `[A-Za-z0-9_]` as no key at all (contract §1.7). */
const API_KEY_PATTERN = /^\w+$/;

/** A new random single-user key: 64 hex characters from the system's secure generator. */
export function newApiKey(): string {
  return randomBytes(32).toString("hex");
}

/** Throws ValidationError unless `key` is a usable API key (the client's alphabet, at least 8 characters). */
export function checkApiKey(key: string): string {
  if (!API_KEY_PATTERN.test(key) || key.length < 8) {
    throw new ValidationError("an API key is at least 8 characters of A-Z, a-z, 0-9 and _ only");
  }
  return key;
}

/** Whether a caller without credentials is refused (what About's `authentication.required` says). */
export function authenticationRequired(options: AuthOptions | undefined): boolean {
  return options?.apiKey !== undefined && options.public !== true;
}

type Credential = { key: string; from: "header" | "query" | "cookie" } | { bearer: true; from: "header" };

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/** The credential a request carries: the header first, then the query parameter, then the cookie. */
function credentialOf(request: FastifyRequest): Credential | undefined {
  const authorization = request.headers.authorization?.trim();
  if (authorization) {
    const [scheme, ...rest] = authorization.split(/\s+/);
    if (scheme.toLowerCase() === "apikey") return { key: rest.join(" "), from: "header" };
    if (scheme.toLowerCase() === "bearer") return { bearer: true, from: "header" };
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  const fromQuery = query.api_key;
  if (typeof fromQuery === "string") return { key: fromQuery, from: "query" };
  if (Array.isArray(fromQuery) && typeof fromQuery[0] === "string")
    return { key: fromQuery[0], from: "query" };
  const fromCookie = cookieValue(request.headers.cookie, API_KEY_COOKIE);
  return fromCookie === undefined ? undefined : { key: fromCookie, from: "cookie" };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests of equal length, so the time taken tells nothing about the key. */
function sameKey(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

function rememberInCookie(reply: FastifyReply, key: string): void {
  // HttpOnly: scripts never see it; SameSite=Strict: other sites' pages cannot make the browser send it.
  reply.header(
    "set-cookie",
    `${API_KEY_COOKIE}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`,
  );
}

/** Single-user mode: the key holder when the request carries the key (remembered in a cookie when it came as a parameter). */
function singleUser(request: FastifyRequest, reply: FastifyReply, expected: Buffer | undefined): Principal {
  if (expected === undefined) return SINGLE_USER;
  const credential = credentialOf(request);
  if (!credential || !("key" in credential) || !sameKey(credential.key, expected)) return ANONYMOUS;
  if (credential.from === "query") rememberInCookie(reply, credential.key);
  return SINGLE_USER;
}

/** Single-user mode's refusals of a caller without the key, saying what to send. */
function refuseSingleUser(request: FastifyRequest, options: AuthOptions, access: Access): void {
  const credential = credentialOf(request);
  if (credential && "bearer" in credential)
    throw new UnauthorizedError("this server issues no bearer tokens: send 'Authorization: Apikey <key>'");
  if (credential) throw new UnauthorizedError(`invalid API key (from the ${credential.from})`);
  if (!options.public)
    throw new UnauthorizedError(
      "an API key is required: send 'Authorization: Apikey <key>' or ?api_key=<key>",
    );
  if (changes(access))
    throw new UnauthorizedError("writing needs the API key: send the header 'Authorization: Apikey <key>'");
}

/** The authenticators of a catalog with memberships. */
class SignIn {
  private readonly oidc?: OidcVerifier;
  private readonly proxy?: TrustedProxy;

  constructor(
    private readonly access: AccessControl,
    options: AuthOptions,
  ) {
    if (options.oidc) this.oidc = new OidcVerifier(options.oidc);
    if (options.proxy) this.proxy = new TrustedProxy(options.proxy);
  }

  /** The caller, or CredentialError (one message for every reason) for a credential that does not hold. */
  async principalOf(request: FastifyRequest, reply: FastifyReply, policy: AccessPolicy): Promise<Principal> {
    const proxied = this.proxy?.userOf(request.socket.remoteAddress, request.headers);
    if (proxied !== undefined) return this.known(policy, proxied, "proxy");
    const credential = credentialOf(request);
    if (!credential) return ANONYMOUS;
    if ("bearer" in credential) {
      if (!this.oidc) throw new CredentialError("a bearer token, but no OIDC provider is configured");
      const token = request.headers.authorization?.trim().split(/\s+/)[1] ?? "";
      return this.known(policy, (await this.oidc.verify(token)).user, "token");
    }
    const found = await this.access.principalOfKey(credential.key);
    if ("refused" in found) throw new CredentialError(found.refused);
    if (credential.from === "query") rememberInCookie(reply, credential.key);
    return found.principal;
  }

  /** A signed-in identity as a user: a disabled user is refused; one the user office does not know is a plain user. */
  private known(policy: AccessPolicy, subject: string, via: "proxy" | "token"): Principal {
    const id = policy.userOfSubject(subject);
    if (id === undefined && policy.isKnownUser(subject))
      throw new CredentialError(`user ${subject} is disabled`);
    return { kind: "user", id: id ?? subject, via };
  }
}

/** The refusal of a caller without the scope a route needs: 401 to the anonymous, 403 to others. */
function refuseScope(principal: Principal, access: Access): Error {
  if (principal.kind === "anonymous")
    return new UnauthorizedError(
      "sign in: send 'Authorization: Apikey <key>' or 'Authorization: Bearer <token>'",
    );
  return new ForbiddenError(`this needs the scope ${access}, which your credentials do not grant`);
}

/**
 * Resolves `request.principal` and `request.policy` before every route and enforces the route's access
 * (routeAccess.ts): open routes take anyone (a wrong credential there is ignored), others need their scope.
 * Non-canonical request targets are refused first (400), and a route registered without an access rule
 * stops the server from starting.
 */
export async function authPlugin(
  app: FastifyInstance,
  options: AuthOptions & { access: AccessControl },
): Promise<void> {
  const expected = options.apiKey === undefined ? undefined : digest(options.apiKey);
  const signIn = new SignIn(options.access, options);
  app.decorateRequest("principal", undefined as never);
  app.decorateRequest("policy", undefined as never);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (accessOf(method, route.url) === undefined)
        throw new Error(`route ${method} ${route.url} has no access rule in src/server/routeAccess.ts`);
    }
  });
  app.addHook("onRequest", async (request, reply) => {
    const problem = nonCanonicalTarget(request.raw.url ?? "");
    if (problem) throw new BadRequestError(`request target not accepted: ${problem}`);
    // No route matched: the not-found answer holds nothing to protect.
    const route = request.routeOptions.url;
    const access = route === undefined ? "open" : (accessOf(request.method, route) ?? "write:data");
    const policy = await options.access.policy();
    request.policy = policy;
    if (!policy.enforced) {
      request.principal = singleUser(request, reply, expected);
      if (access === "open") return;
      if (request.principal === ANONYMOUS) refuseSingleUser(request, options, access);
    } else {
      try {
        request.principal = await signIn.principalOf(request, reply, policy);
      } catch (error: unknown) {
        if (!(error instanceof CredentialError)) throw error;
        // An open route ignores a wrong credential, as in single-user mode.
        if (access === "open") {
          request.principal = ANONYMOUS;
          return;
        }
        request.log.info({ reason: error.reason }, "credential refused");
        throw error;
      }
      if (access === "open") return;
      if (!policy.scopesOf(request.principal).includes(access)) throw refuseScope(request.principal, access);
    }
    if (changes(access) && credentialOf(request)?.from === "cookie") {
      // A cookie is sent by the browser on any site's behalf: it may read, never write (no CSRF).
      throw new ForbiddenError("a key from a cookie only reads; send 'Authorization: Apikey <key>' to write");
    }
  });
}
// Registered without encapsulation so its hooks apply to every route (what fastify-plugin does).
Object.assign(authPlugin, { [Symbol.for("skip-override")]: true });
