// `GET /api/v1/auth/whoami` (Tiled's route): the principal the server resolved for the caller, so a client
// or the web page can tell whether its key is taken and who it is.
import type { FastifyInstance } from "fastify";
import { sendJson } from "../json.ts";

export async function whoamiRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/v1/auth/whoami", async (request, reply) => sendJson(reply, request.principal));
}
