// Who is asking: resolved once per request (or given to `Broker.as`), then handed to the access policy.

/** What an API key narrows its owner to. */
export interface KeyGrant {
  prefix: string;
  /** Scopes asked for at creation (`inherit`: the owner's). */
  scopes: string[];
  /** Beamtimes the key is bound to; null: none. */
  beamtimes: string[] | null;
}

/** How the caller proved who they are. */
export type SignIn = "single-user" | "apikey" | "token" | "proxy" | "library";

export type Principal = { kind: "anonymous" } | { kind: "user"; id: string; via: SignIn; key?: KeyGrant };

export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous" });
/** The one user of a catalog without memberships: may do everything, as before access control. */
export const SINGLE_USER: Principal = Object.freeze({ kind: "user", id: "single-user", via: "single-user" });

/** A user as a library caller names one (`broker.as(user("u1"))`): no key narrows them. */
export function user(id: string): Principal {
  return { kind: "user", id, via: "library" };
}
