// Who is asking: resolves the principal of every request once — from `Authorization: Apikey <key>`, the
// `api_key` query parameter or the `tiled_api_key` cookie (as Tiled) — and puts it on `request.principal`.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../errors.ts";
import { BadRequestError } from "./errors.ts";
import { nonCanonicalTarget } from "./requestTarget.ts";
import { accessOf } from "./routeAccess.ts";

/** How the server authenticates: a single-user API key, or public (anonymous reading) mode. */
export interface AuthOptions {
  /** The single user's key; without one every caller is that user (an open server, e.g. embedded). */
  apiKey?: string;
  /** Anonymous callers may read; writing still needs the key. */
  public?: boolean;
}

/** The caller, handed to the broker so authorization can be added without touching routes. */
export type Principal = { kind: "anonymous" } | { kind: "user"; id: string };

export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous" });
export const SINGLE_USER: Principal = Object.freeze({ kind: "user", id: "single-user" });

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
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

/** Refuses anonymous callers and cookies: what write routes need, even on a public server. */
function requireWriter(request: FastifyRequest): void {
  if (request.principal.kind === "anonymous") {
    throw new UnauthorizedError("writing needs the API key: send the header 'Authorization: Apikey <key>'");
  }
  if (credentialOf(request)?.from === "cookie") {
    // A cookie is sent by the browser on any site's behalf: it may read, never write (no CSRF).
    throw new ForbiddenError("a key from a cookie only reads; send 'Authorization: Apikey <key>' to write");
  }
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

/** The key holder when the request carries the key (remembered in a cookie when it came as a parameter). */
function authenticate(request: FastifyRequest, reply: FastifyReply, expected: Buffer): Principal {
  const credential = credentialOf(request);
  if (!credential || !("key" in credential) || !sameKey(credential.key, expected)) return ANONYMOUS;
  if (credential.from === "query") rememberInCookie(reply, credential.key);
  return SINGLE_USER;
}

/**
 * Resolves `request.principal` before every route and enforces the route's access (routeAccess.ts): open
 * routes take anyone (a wrong key there is ignored), read routes the key holder or, on a public server,
 * anyone; write routes the key holder only. Non-canonical request targets are refused first (400), and a
 * route registered without an access rule stops the server from starting.
 */
export async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const expected = options.apiKey === undefined ? undefined : digest(options.apiKey);
  app.decorateRequest("principal", undefined as never);
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
    const access = route === undefined ? "open" : (accessOf(request.method, route) ?? "write");
    request.principal = expected === undefined ? SINGLE_USER : authenticate(request, reply, expected);
    if (request.principal === ANONYMOUS && access !== "open") {
      const credential = credentialOf(request);
      if (credential && "bearer" in credential) {
        throw new UnauthorizedError(
          "this server issues no bearer tokens: send 'Authorization: Apikey <key>'",
        );
      }
      if (credential) throw new UnauthorizedError(`invalid API key (from the ${credential.from})`);
      if (!options.public) {
        throw new UnauthorizedError(
          "an API key is required: send 'Authorization: Apikey <key>' or ?api_key=<key>",
        );
      }
    }
    if (access === "write") requireWriter(request);
  });
}
// Registered without encapsulation so its hooks apply to every route (what fastify-plugin does).
Object.assign(authPlugin, { [Symbol.for("skip-override")]: true });
