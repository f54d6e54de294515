// A catalog's access data as one value: the memberships the user office gave, the API keys, and the runs
// staff re-tagged to another beamtime (documents are immutable, so a re-tag is kept here, not in the start).
import { ValidationError } from "../errors.ts";
import type { StoredAccess } from "./AccessRecords.ts";
import type { ApiKeyRecord } from "./apiKeys.ts";
import { checkMemberships, type Memberships } from "./Memberships.ts";

export interface AccessState {
  memberships: Memberships;
  keys: ApiKeyRecord[];
  /** Run uid -> the beamtime staff moved it to (null: to none), winning over its start document. */
  retags: Record<string, string | null>;
}

/** The state stored in a catalog, checked as any input is (a hand-edited catalog must not open wide). */
export function readAccessState(stored: StoredAccess): AccessState {
  const keys = stored.keys ?? [];
  const retags = stored.retags ?? {};
  if (!Array.isArray(keys) || typeof retags !== "object" || retags === null || Array.isArray(retags))
    throw new ValidationError(
      "the catalog's access data is damaged: 'keys' must be a list, 'retags' a mapping",
    );
  return {
    memberships: checkMemberships(stored.memberships ?? {}, "the catalog's memberships"),
    keys: keys as ApiKeyRecord[],
    retags: retags as Record<string, string | null>,
  };
}

export function storedAccess(state: AccessState): StoredAccess {
  return { memberships: state.memberships, keys: state.keys, retags: state.retags };
}
