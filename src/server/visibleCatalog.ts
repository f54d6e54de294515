// The runs a principal may see: the one place where authorization narrows the broker (by the access policy's
// visibility Query, ANDed into every search, count, distinct and lookup), so routes never decide who sees
// what. Writes through the narrowed broker are checked against the caller's right to write.
import type { FastifyRequest } from "fastify";
import type { Broker } from "../broker/index.ts";

export function catalogVisibleTo(broker: Broker, request: FastifyRequest): Broker {
  return broker.within(request.policy, request.principal);
}
