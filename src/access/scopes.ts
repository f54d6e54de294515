// What a principal may do, as Tiled names it: scopes. A role gives a set; a key may narrow its owner's set and
// never widen it, because a key's scopes are intersected with its owner's rights at every use.
import { ValidationError } from "../errors.ts";

export const SCOPES = [
  "read:metadata",
  "read:data",
  "write:metadata",
  "write:annotations",
  "write:data",
  "create:node",
  "delete:node",
  "register",
  "create:apikeys",
  "revoke:apikeys",
  "admin:apikeys",
  "read:principals",
  "write:principals",
] as const;

export type Scope = (typeof SCOPES)[number];

/** A key's scope meaning "whatever its owner may do now" (Tiled's meta-scope). */
export const INHERIT = "inherit";

const READ: Scope[] = ["read:metadata", "read:data"];
/** Every signed-in user: read what they may see, annotate it, manage their own keys. */
const USER: Scope[] = [...READ, "write:annotations", "create:apikeys", "revoke:apikeys"];
/** Users with the ingest role and beamline staff: write runs (into beamtimes they may write to). */
const WRITER: Scope[] = [...USER, "write:data", "create:node", "register"];
/** Beamline staff also re-tag runs of their beamline. */
const STAFF: Scope[] = [...WRITER, "write:metadata"];

export const ROLE_SCOPES = {
  anonymous: READ,
  user: USER,
  writer: WRITER,
  staff: STAFF,
  admin: [...SCOPES],
} as const satisfies Record<string, readonly Scope[]>;

/** Checks scope names a key is asked for: known scopes or `inherit`. */
export function checkScopes(scopes: readonly string[]): string[] {
  if (scopes.length === 0) throw new ValidationError("a key needs at least one scope (or 'inherit')");
  for (const scope of scopes) {
    if (scope !== INHERIT && !(SCOPES as readonly string[]).includes(scope))
      throw new ValidationError(`unknown scope '${scope}': scopes are ${INHERIT}, ${SCOPES.join(", ")}`);
  }
  return [...new Set(scopes)];
}

/** The owner's scopes narrowed by the key's (inherit: all of the owner's). */
export function intersectScopes(owner: readonly Scope[], key: readonly string[] | undefined): Scope[] {
  if (key === undefined || key.includes(INHERIT)) return [...owner];
  return owner.filter((scope) => key.includes(scope));
}
