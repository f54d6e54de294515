// A catalog's access control: the policy in force now (re-read whenever the stored version changes, so a
// membership change takes effect on the next request, without re-login), and every change to it — loading
// memberships, making and revoking keys, re-tagging runs — each written with its audit entry in one step.
import { userInfo } from "node:os";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { AccessPolicy } from "./AccessPolicy.ts";
import type { AccessRecords, AuditEntry } from "./AccessRecords.ts";
import { type AccessState, readAccessState, storedAccess } from "./AccessState.ts";
import {
  type ApiKeyRecord,
  keyHash,
  keyUnusable,
  newKeySecret,
  PREFIX_LENGTH,
  secretMatches,
} from "./apiKeys.ts";
import { checkMemberships } from "./Memberships.ts";
import { membershipChanges } from "./membershipChanges.ts";
import type { Principal } from "./Principal.ts";
import { checkScopes, INHERIT } from "./scopes.ts";

/** Tiled's limit: keys one user may hold at once (revoked and expired ones do not count). */
const MAX_KEYS_PER_USER = 100;
/** A key's last use is written at most this often (seconds): a busy key must not write on every request. */
const KEY_USE_INTERVAL = 60;
/** Releases are judged against a clock read at most this often (seconds) per cached policy. */
const POLICY_CLOCK = 1;

export interface KeyRequest {
  owner: string;
  scopes?: string[];
  beamtimes?: string[] | null;
  /** Seconds from now; undefined: never expires. */
  expiresIn?: number;
  note?: string;
}

export interface KeyListing extends Omit<ApiKeyRecord, "hash"> {
  last_used_at: number | null;
}

/** Who made a change from the command line: `local:<os user>`. */
export function localActor(): string {
  let name = "unknown";
  try {
    name = userInfo().username;
  } catch {}
  return `local:${name}`;
}

export class AccessControl {
  private cached?: { version: number; state: AccessState | undefined; policy: AccessPolicy };
  private readonly keyUses = new Map<string, number>();

  constructor(private readonly records: AccessRecords) {}

  /** The policy in force now: re-read when another process changed the access data. */
  async policy(): Promise<AccessPolicy> {
    const version = await this.records.version();
    const now = Date.now() / 1000;
    if (this.cached?.version === version) {
      if (now - this.cached.policy.now < POLICY_CLOCK) return this.cached.policy;
      this.cached.policy = new AccessPolicy(this.cached.state, now);
      return this.cached.policy;
    }
    const { version: read, state } = await this.current();
    this.cached = { version: read, state, policy: new AccessPolicy(state, now) };
    return this.cached.policy;
  }

  /** The principal an API key secret stands for, or a reason it does not (unknown, revoked, expired...). */
  async principalOfKey(secret: string): Promise<{ principal: Principal } | { refused: string }> {
    const policy = await this.policy();
    const record = policy.state?.keys.find((key) => key.prefix === secret.slice(0, PREFIX_LENGTH));
    if (!record || !secretMatches(secret, record)) return { refused: "unknown key" };
    const unusable = keyUnusable(record, policy.now);
    if (unusable) return { refused: unusable };
    if (!policy.isActiveUser(record.owner))
      return { refused: `the owner of key ${record.prefix} is unknown or disabled` };
    await this.noteUse(record.prefix, policy.now);
    return {
      principal: {
        kind: "user",
        id: record.owner,
        via: "apikey",
        key: { prefix: record.prefix, scopes: record.scopes, beamtimes: record.beamtimes },
      },
    };
  }

  /** Replaces the memberships with `data` (checked whole first); returns what changed, audited as one entry. */
  async loadMemberships(data: unknown, actor: string, source?: string): Promise<{ changes: string[] }> {
    const memberships = checkMemberships(data, source);
    let changes: string[] = [];
    await this.change(actor, (state) => {
      changes = membershipChanges(state?.memberships, memberships);
      if (state && changes.length === 0) return undefined;
      const next = state ?? { memberships, keys: [], retags: {} };
      return {
        state: { ...next, memberships },
        audit: [{ action: "membership.load", detail: { source: source ?? null, changes } }],
      };
    });
    return { changes };
  }

  /** A new key for `request.owner`; the secret is returned once and never stored. */
  async createKey(request: KeyRequest, actor: string): Promise<{ secret: string; key: KeyListing }> {
    const scopes = checkScopes(request.scopes ?? [INHERIT]);
    if (request.expiresIn !== undefined && !(request.expiresIn > 0))
      throw new ValidationError("a key's lifetime must be a positive number of seconds");
    let secret = "";
    let made: ApiKeyRecord | undefined;
    await this.change(actor, (state, policy) => {
      if (!state)
        throw new ValidationError(
          "this catalog has no memberships: load them first (databroker access load)",
        );
      if (!policy.isActiveUser(request.owner)) throw new NotFoundError(`no active user '${request.owner}'`);
      const beamtimes =
        request.beamtimes && request.beamtimes.length > 0 ? [...new Set(request.beamtimes)] : null;
      for (const id of beamtimes ?? []) {
        if (!state.memberships.beamtimes.some((beamtime) => beamtime.id === id))
          throw new ValidationError(`no beamtime '${id}' to bind the key to`);
      }
      const live = state.keys.filter((key) => key.owner === request.owner && !keyUnusable(key, policy.now));
      if (live.length >= MAX_KEYS_PER_USER)
        throw new ValidationError(
          `${request.owner} already holds ${MAX_KEYS_PER_USER} keys: revoke some first`,
        );
      do secret = newKeySecret();
      while (state.keys.some((key) => key.prefix === secret.slice(0, PREFIX_LENGTH)));
      made = {
        prefix: secret.slice(0, PREFIX_LENGTH),
        hash: keyHash(secret),
        owner: request.owner,
        scopes,
        beamtimes,
        note: request.note ?? "",
        created_at: policy.now,
        expires_at: request.expiresIn === undefined ? null : policy.now + request.expiresIn,
        revoked_at: null,
      };
      const { hash: _, ...shown } = made;
      return {
        state: { ...state, keys: [...state.keys, made] },
        audit: [{ action: "key.create", detail: shown }],
      };
    });
    const { hash: _, ...key } = made as ApiKeyRecord;
    return { secret, key: { ...key, last_used_at: null } };
  }

  /**
   * Revokes the key named by its prefix or whole secret. `onlyOwner`: refuse keys of other users (a user
   * revoking their own). NotFoundError when no key matches; revoking twice is an error too.
   */
  async revokeKey(prefixOrSecret: string, actor: string, onlyOwner?: string): Promise<KeyListing> {
    const prefix = prefixOrSecret.slice(0, PREFIX_LENGTH);
    let revoked: ApiKeyRecord | undefined;
    await this.change(actor, (state, policy) => {
      const key = state?.keys.find(
        (entry) => entry.prefix === prefix && (onlyOwner === undefined || entry.owner === onlyOwner),
      );
      if (!state || !key || (prefixOrSecret.length > PREFIX_LENGTH && !secretMatches(prefixOrSecret, key)))
        throw new NotFoundError(`no key ${prefix}`);
      if (key.revoked_at !== null) throw new ConflictError(`key ${prefix} was already revoked`);
      revoked = { ...key, revoked_at: policy.now };
      const keys = state.keys.map((entry) => (entry === key ? (revoked as ApiKeyRecord) : entry));
      return {
        state: { ...state, keys },
        audit: [{ action: "key.revoke", detail: { prefix, owner: key.owner } }],
      };
    });
    const { hash: _, ...key } = revoked as ApiKeyRecord;
    return { ...key, last_used_at: (await this.records.keyUses())[prefix] ?? null };
  }

  /** Keys (of `owner`, or all), with when each was last used; never the hashes. */
  async keys(owner?: string): Promise<KeyListing[]> {
    const { state } = await this.current();
    const uses = await this.records.keyUses();
    return (state?.keys ?? [])
      .filter((key) => owner === undefined || key.owner === owner)
      .map(({ hash: _, ...key }) => ({ ...key, last_used_at: uses[key.prefix] ?? null }));
  }

  /** Moves run `uid` to `beamtime` (null: to none) whatever its start says; audited. */
  async retag(uid: string, beamtime: string | null, actor: string, from: string | undefined): Promise<void> {
    await this.change(actor, (state) => {
      if (!state)
        throw new ValidationError(
          "this catalog has no memberships: load them first (databroker access load)",
        );
      if (beamtime !== null && !state.memberships.beamtimes.some((entry) => entry.id === beamtime))
        throw new ValidationError(`no beamtime '${beamtime}'`);
      return {
        state: { ...state, retags: { ...state.retags, [uid]: beamtime } },
        audit: [{ action: "run.retag", detail: { uid, from: from ?? null, to: beamtime } }],
      };
    });
  }

  audit(options?: { after?: number; limit?: number }): Promise<AuditEntry[]> {
    return this.records.audit(options);
  }

  private async current(): Promise<{ version: number; state: AccessState | undefined }> {
    const { version, state } = await this.records.read();
    return { version, state: state === undefined ? undefined : readAccessState(state) };
  }

  /** Applies `edit` to the stored state, retrying when another writer came first. */
  private async change(
    actor: string,
    edit: (
      state: AccessState | undefined,
      policy: AccessPolicy,
    ) => { state: AccessState; audit: Array<Pick<AuditEntry, "action" | "detail">> } | undefined,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { version, state } = await this.current();
      const edited = edit(state, new AccessPolicy(state));
      if (!edited) return;
      const at = Date.now() / 1000;
      try {
        await this.records.write(
          version,
          storedAccess(edited.state),
          edited.audit.map((entry) => ({ ...entry, at, actor })),
        );
        this.cached = undefined;
        return;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 4) throw error;
      }
    }
  }

  private async noteUse(prefix: string, now: number): Promise<void> {
    if (now - (this.keyUses.get(prefix) ?? 0) < KEY_USE_INTERVAL) return;
    this.keyUses.set(prefix, now);
    try {
      await this.records.noteKeyUse(prefix, now);
    } catch {
      // A read-only catalog cannot record uses: the key still works.
    }
  }
}

const controls = new WeakMap<AccessRecords, AccessControl>();

/** The one AccessControl of a catalog's records in this process, so all its brokers share one cache. */
export function accessControlOf(records: AccessRecords): AccessControl {
  let control = controls.get(records);
  if (!control) {
    control = new AccessControl(records);
    controls.set(records, control);
  }
  return control;
}
