// The runs a principal may see: the one place where authorization narrows the broker (by a Query, as
// access/ will build), so routes never decide who sees what. Today every principal sees the whole catalog.
import type { Broker } from "../broker/index.ts";
import type { Principal } from "./auth.ts";

export function catalogVisibleTo(broker: Broker, _principal: Principal | undefined): Broker {
  return broker;
}
