// Tiled's API key routes: `POST /api/v1/auth/apikey` makes a key for the caller (its scopes within the
// caller's own, its beamtimes within the caller's key's binding), `GET` describes the key in use, `DELETE
// ?first_eight=` revokes one of the caller's keys (any key with admin:apikeys). Admins make keys for others
// at `POST /api/v1/auth/principal/{id}/apikey` and list users at `GET /api/v1/auth/principal`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { KeyListing } from "../../access/AccessControl.ts";
import { INHERIT } from "../../access/scopes.ts";
import type { Broker } from "../../broker/index.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { actorOf } from "../auth.ts";
import { sendJson } from "../json.ts";
import { paramsOf } from "../requestParams.ts";

interface KeyBody {
  expires_in?: number | null;
  scopes?: string[];
  note?: string;
  beamtimes?: string[];
}

function keyBodyOf(body: unknown): KeyBody {
  const value = (body ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ValidationError("the body must be a JSON object");
  const { expires_in, scopes, note, beamtimes } = value;
  if (
    expires_in !== undefined &&
    expires_in !== null &&
    (typeof expires_in !== "number" || !(expires_in > 0))
  )
    throw new ValidationError("expires_in must be a positive number of seconds, or null");
  const texts = (name: string, list: unknown) => {
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== "string")))
      throw new ValidationError(`${name} must be a list of texts`);
  };
  texts("scopes", scopes);
  texts("beamtimes", beamtimes);
  if (note !== undefined && typeof note !== "string") throw new ValidationError("note must be a text");
  return value as KeyBody;
}

/** A key as Tiled describes one (first_eight, expiration_time...) with ours beside (prefix, beamtimes...). */
export function tiledKey(key: KeyListing): Record<string, unknown> {
  const iso = (at: number | null) => (at === null ? null : new Date(at * 1000).toISOString());
  return {
    first_eight: key.prefix,
    expiration_time: iso(key.expires_at),
    latest_activity: iso(key.last_used_at),
    ...key,
  };
}

export async function apiKeyRoutes(app: FastifyInstance, options: { broker: Broker }): Promise<void> {
  const access = options.broker.access;
  /** A key for `owner`, asked by the caller: never more than the caller may do or see. */
  const makeKey = async (request: FastifyRequest, owner: string) => {
    const body = keyBodyOf(request.body);
    const { principal, policy } = request;
    const own = policy.scopesOf(principal);
    const scopes = body.scopes ?? [INHERIT];
    if (owner === actorOf(request)) {
      const beyond = scopes.filter((scope) => scope !== INHERIT && !(own as string[]).includes(scope));
      if (beyond.length > 0)
        throw new ForbiddenError(`you cannot grant scopes you do not hold: ${beyond.join(", ")}`);
    }
    const binding = principal.kind === "user" ? (principal.key?.beamtimes ?? null) : null;
    const beamtimes = body.beamtimes ?? binding ?? undefined;
    if (binding !== null && (beamtimes ?? []).some((id) => !binding.includes(id)))
      throw new ForbiddenError(`a key bound to ${binding.join(", ")} can only make keys bound within them`);
    const made = await access.createKey(
      { owner, scopes, beamtimes, expiresIn: body.expires_in ?? undefined, note: body.note },
      actorOf(request),
    );
    return { ...tiledKey(made.key), secret: made.secret };
  };

  app.post("/api/v1/auth/apikey", async (request, reply) => {
    if (request.principal.kind !== "user") throw new ForbiddenError("sign in to make keys");
    return sendJson(reply, await makeKey(request, request.principal.id));
  });

  app.get("/api/v1/auth/apikey", async (request, reply) => {
    const { principal } = request;
    const prefix = principal.kind === "user" ? principal.key?.prefix : undefined;
    if (principal.kind !== "user" || prefix === undefined)
      throw new NotFoundError("this request was not signed in with an API key");
    const key = (await access.keys(principal.id)).find((entry) => entry.prefix === prefix);
    if (!key) throw new NotFoundError(`no key ${prefix}`);
    return sendJson(reply, tiledKey(key));
  });

  app.delete("/api/v1/auth/apikey", async (request, reply) => {
    const prefix = paramsOf(request).get("first_eight");
    if (!prefix)
      throw new ValidationError("name the key to revoke: ?first_eight=<its first eight characters>");
    const { principal, policy } = request;
    const anyOwner = policy.scopesOf(principal).includes("admin:apikeys");
    await access.revokeKey(prefix, actorOf(request), anyOwner ? undefined : actorOf(request));
    return reply.code(204).send();
  });

  app.get("/api/v1/auth/principal", async (request, reply) => {
    const users = request.policy.state?.memberships.users ?? [];
    return sendJson(
      reply,
      users.map((user) => ({
        ...user,
        role: request.policy.roleOf({ kind: "user", id: user.id, via: "library" }),
      })),
    );
  });

  app.get("/api/v1/auth/principal/*", async (request, reply) => {
    const id = decodeURIComponent((request.params as { "*": string })["*"]);
    const user = request.policy.state?.memberships.users.find((entry) => entry.id === id);
    if (!user) throw new NotFoundError(`no user '${id}'`);
    const principal = { kind: "user", id, via: "library" } as const;
    return sendJson(reply, {
      ...user,
      role: request.policy.roleOf(principal),
      scopes: request.policy.scopesOf(principal),
      api_keys: (await access.keys(id)).map(tiledKey),
    });
  });

  app.post("/api/v1/auth/principal/*", async (request, reply) => {
    const match = /^([^/]+)\/apikey$/.exec((request.params as { "*": string })["*"]);
    if (!match) throw new NotFoundError("No such entry: POST /api/v1/auth/principal/{id}/apikey makes a key");
    return sendJson(reply, await makeKey(request, decodeURIComponent(match[1])));
  });
}
