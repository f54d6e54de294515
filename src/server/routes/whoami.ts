// `GET /api/v1/auth/whoami` (Tiled's route): the principal the server resolved for the caller — who, how they
// signed in, their role and scopes now, the key they used and their keys — so a client or the web page can
// tell whether its credential is taken and what it may do.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Broker } from "../../broker/index.ts";
import { sendJson } from "../json.ts";

export async function principalDocument(
  request: FastifyRequest,
  broker: Broker,
): Promise<Record<string, unknown>> {
  const { principal, policy } = request;
  const body: Record<string, unknown> = {
    ...principal,
    type: principal.kind === "anonymous" ? "anonymous" : "user",
    role: policy.roleOf(principal),
    scopes: policy.scopesOf(principal),
  };
  if (principal.kind === "user" && policy.enforced) {
    body.identities = [{ provider: principal.via, id: principal.id }];
    body.api_keys = await broker.access.keys(principal.id);
  }
  return body;
}

export async function whoamiRoutes(app: FastifyInstance, options: { broker: Broker }): Promise<void> {
  app.get("/api/v1/auth/whoami", async (request, reply) =>
    sendJson(reply, await principalDocument(request, options.broker)),
  );
}
