// The rules of access, evaluated over one access state at one moment: who may see which runs (a Query every
// search is ANDed with, compiled by each backend like any other), what scopes a principal holds, and who may
// write runs into a beamtime. The same rules serve the server, the library and the command line.
//
// A run whose start names beamtime B (proposal P, derived here, never read from the document) is visible to
// admins; members (PI or user) of B or of P; staff of B's beamline; anyone once B or P is released. A run
// with no or an unknown beamtime is visible to staff and admins only. A key bound to beamtimes sees those only.
import { EVERY_READER } from "../annotations/Annotation.ts";
import type { RunStart } from "../documents/types.ts";
import { ALL, type Query } from "../queries/Query.ts";
import type { AccessState } from "./AccessState.ts";
import type { Beamtime } from "./Memberships.ts";
import type { Principal } from "./Principal.ts";
import { intersectScopes, ROLE_SCOPES, type Scope } from "./scopes.ts";

export type Role = keyof typeof ROLE_SCOPES;

/** Why a write is refused: the status the server answers and a message naming the rule. */
export interface WriteRefusal {
  status: 400 | 403 | 404;
  message: string;
}

export class AccessPolicy {
  private readonly beamtimes = new Map<string, Beamtime>();
  private readonly users = new Map<string, AccessState["memberships"]["users"][number]>();
  private readonly subjects = new Map<string, string>();
  private readonly proposals = new Map<string, AccessState["memberships"]["proposals"][number]>();
  private readonly staffCache = new Map<string, Set<string>>();

  /** `state` undefined: no memberships loaded, single-user mode (everyone who gets in may do everything). */
  constructor(
    readonly state: AccessState | undefined,
    /** Seconds since the epoch: releases are judged at this moment. */
    readonly now: number = Date.now() / 1000,
  ) {
    for (const beamtime of state?.memberships.beamtimes ?? []) this.beamtimes.set(beamtime.id, beamtime);
    for (const proposal of state?.memberships.proposals ?? []) this.proposals.set(proposal.id, proposal);
    for (const entry of state?.memberships.users ?? []) {
      this.users.set(entry.id, entry);
      if (entry.idp_sub !== undefined) this.subjects.set(entry.idp_sub, entry.id);
    }
  }

  get enforced(): boolean {
    return this.state !== undefined;
  }

  /** The user an identity provider's subject (or a proxy's user name) stands for, if known and enabled. */
  userOfSubject(subject: string): string | undefined {
    const id = this.subjects.get(subject) ?? subject;
    const entry = this.users.get(id);
    return entry && !entry.disabled ? id : undefined;
  }

  /** Whether the user office knows `subject` (a user id or an identity provider's subject), enabled or not. */
  isKnownUser(subject: string): boolean {
    return this.users.has(this.subjects.get(subject) ?? subject);
  }

  /** Whether `id` is a known, enabled user (keys of others are refused). */
  isActiveUser(id: string): boolean {
    const entry = this.users.get(id);
    return entry !== undefined && !entry.disabled;
  }

  roleOf(principal: Principal): Role {
    if (principal.kind === "anonymous") return "anonymous";
    if (!this.state) return "admin";
    // A disabled user (an admin too) holds no role: no key or token signs them in, nor does `Broker.as`.
    if (this.isKnownUser(principal.id) && !this.isActiveUser(principal.id)) return "anonymous";
    if (this.state.memberships.admins.includes(principal.id)) return "admin";
    if (this.staffBeamlines(principal.id).size > 0) return "staff";
    return this.users.get(principal.id)?.roles?.includes("ingest") ? "writer" : "user";
  }

  /** The principal's scopes now: its role's, narrowed by its key's. */
  scopesOf(principal: Principal): Scope[] {
    if (principal.kind === "user" && this.state && !this.isActiveUser(principal.id)) {
      // Signed in, but unknown to the user office: what anyone may do (read released runs); disabled: nothing.
      return this.isKnownUser(principal.id) ? [] : [...ROLE_SCOPES.anonymous];
    }
    const scopes = intersectScopes(
      ROLE_SCOPES[this.roleOf(principal)],
      principal.kind === "user" ? principal.key?.scopes : undefined,
    );
    return scopes;
  }

  /** The runs `principal` may see, as a Query to AND with every search (ALL: no narrowing). */
  visibleRuns(principal: Principal): Query {
    const state = this.state;
    if (!state) return ALL;
    const binding = principal.kind === "user" ? (principal.key?.beamtimes ?? null) : null;
    const role = this.roleOf(principal);
    if (role === "admin" && binding === null) return ALL;
    const visible = new Set<string>();
    for (const id of this.beamtimes.keys()) if (this.canReadBeamtime(principal, id)) visible.add(id);
    // Runs without a known beamtime belong to nobody's experiment: staff and admins look after them.
    const seesUnassigned = binding === null && (role === "staff" || role === "admin");
    const key = state.memberships.beamtime_key;
    // Staff see every run but those of the beamtimes hidden from them: one NOT IN list, whatever the
    // beamtime of a run is (none, unknown, or one they may see).
    const hidden = [...this.beamtimes.keys()].filter((id) => !visible.has(id));
    const byStart: Query = seesUnassigned
      ? hidden.length > 0
        ? { op: "not", query: { op: "in", key, values: hidden } }
        : ALL
      : { op: "in", key, values: [...visible] };
    return this.withRetags(byStart, (beamtime) =>
      beamtime !== null && this.beamtimes.has(beamtime) ? visible.has(beamtime) : seesUnassigned,
    );
  }

  /** The runs that belong to beamtime `id` now (re-tags included), as a Query; what an alias looks among. */
  runsOfBeamtime(id: string): Query {
    const byStart: Query = { op: "eq", key: this.state?.memberships.beamtime_key ?? "beamtime", value: id };
    return this.withRetags(byStart, (beamtime) => beamtime === id);
  }

  /**
   * `byStart` (a selection by the start's beamtime) corrected for re-tags: re-tagged runs are judged by the
   * beamtime they were moved to (`keeps` says whether that one is selected), never by their start.
   */
  private withRetags(byStart: Query, keeps: (beamtime: string | null) => boolean): Query {
    const retags = this.state?.retags ?? {};
    const retagged = Object.keys(retags);
    if (retagged.length === 0) return byStart;
    const kept = retagged.filter((uid) => keeps(retags[uid]));
    const parts: Query[] = [{ op: "and", queries: [{ op: "notIn", key: "uid", values: retagged }, byStart] }];
    if (kept.length > 0) parts.push({ op: "in", key: "uid", values: kept });
    return parts.length === 1 ? parts[0] : { op: "or", queries: parts };
  }

  /** The beamtime of that id in the memberships, if any (whoever asks: check `canReadBeamtime` first). */
  beamtime(id: string): Beamtime | undefined {
    return this.beamtimes.get(id);
  }

  /** The beamtime a run belongs to now: a re-tag wins over its start document. */
  beamtimeOf(start: RunStart): string | undefined {
    if (!this.state) return undefined;
    const retag = this.state.retags[start.uid];
    if (retag !== undefined) return retag ?? undefined;
    const named = (start as Record<string, unknown>)[this.state.memberships.beamtime_key];
    return typeof named === "string" ? named : undefined;
  }

  /** Whether `principal` may read the run `start` opens (the per-object form of `visibleRuns`). */
  canRead(principal: Principal, start: RunStart): boolean {
    if (!this.state) return true;
    const beamtime = this.beamtimeOf(start) ?? "";
    if (this.beamtimes.has(beamtime)) return this.canReadBeamtime(principal, beamtime);
    const binding = principal.kind === "user" ? (principal.key?.beamtimes ?? null) : null;
    const role = this.roleOf(principal);
    return binding === null && (role === "staff" || role === "admin");
  }

  /** Whether `principal` may read the runs of beamtime `id`: false for an unknown one (true without memberships). */
  canReadBeamtime(principal: Principal, id: string): boolean {
    if (!this.state) return true;
    const beamtime = this.beamtimes.get(id);
    if (!beamtime) return false;
    const binding = principal.kind === "user" ? (principal.key?.beamtimes ?? null) : null;
    if (binding !== null && !binding.includes(beamtime.id)) return false;
    return this.roleOf(principal) === "admin" || this.seesBeamtime(principal, beamtime);
  }

  /**
   * Why `principal` may not write the run `start` opens (undefined: it may): the start must name a known
   * beamtime (admins may store runs without one), agree with its proposal, lie within the key's binding, and
   * the writer must be an admin, staff of its beamline, or an ingest-role member of it or its proposal.
   */
  writeRefusal(principal: Principal, start: RunStart): WriteRefusal | undefined {
    const state = this.state;
    if (!state) return undefined;
    const { beamtime_key: key, proposal_key: proposalKey } = state.memberships;
    const role = this.roleOf(principal);
    const named = (start as Record<string, unknown>)[key];
    const beamtime = typeof named === "string" ? this.beamtimes.get(named) : undefined;
    const where = `start document ${start.uid}`;
    if (named === undefined && role !== "admin")
      return {
        status: 400,
        message: `${where}: '${key}' is required: it names the beamtime the run belongs to`,
      };
    if (!beamtime && role !== "admin")
      return { status: 400, message: `${where}: '${key}' ${JSON.stringify(named)} is not a known beamtime` };
    const claimed = (start as Record<string, unknown>)[proposalKey];
    if (beamtime && claimed !== undefined && claimed !== beamtime.proposal)
      return {
        status: 400,
        message: `${where}: '${proposalKey}' ${JSON.stringify(claimed)} is not the proposal of beamtime ${beamtime.id} (${beamtime.proposal}); leave it out, the server derives it`,
      };
    const binding = principal.kind === "user" ? (principal.key?.beamtimes ?? null) : null;
    if (binding !== null && !binding.includes(beamtime?.id ?? ""))
      return { status: 403, message: `this key may write only to beamtime(s) ${binding.join(", ")}` };
    if (!this.scopesOf(principal).includes("write:data"))
      return { status: 403, message: "writing runs needs the scope write:data" };
    if (role === "admin") return undefined;
    if (beamtime && principal.kind === "user") {
      if (this.staffBeamlines(principal.id).has(beamtime.beamline)) return undefined;
      if (role === "writer" && this.isMember(principal, beamtime)) return undefined;
    }
    return { status: 403, message: `you may not write runs into beamtime ${beamtime?.id}` };
  }

  /**
   * The reader tokens of the annotations `principal` reads (annotations/Annotation.ts): shared ones and their
   * own; undefined without memberships (one user: every annotation).
   */
  annotationReaders(principal: Principal): string[] | undefined {
    if (!this.state) return undefined;
    return principal.kind === "user" ? [EVERY_READER, principal.id] : [EVERY_READER];
  }

  /** Whether `principal` is a PI of the run's beamtime or of its proposal (who may delete shared annotations). */
  isPrincipalInvestigator(principal: Principal, start: RunStart): boolean {
    if (principal.kind !== "user" || !this.isActiveUser(principal.id)) return false;
    const beamtime = this.beamtimes.get(this.beamtimeOf(start) ?? "");
    if (!beamtime) return false;
    if (beamtime.pis.includes(principal.id)) return true;
    return this.proposals.get(beamtime.proposal)?.pis.includes(principal.id) ?? false;
  }

  /** The beamlines `id` is staff of, directly or through a group. */
  staffBeamlines(id: string): Set<string> {
    const cached = this.staffCache.get(id);
    if (cached) return cached;
    const memberships = this.state?.memberships;
    const groups = new Set(
      memberships?.groups.filter((group) => group.members.includes(id)).map((group) => group.id),
    );
    const beamlines = new Set<string>();
    for (const staff of memberships?.staff ?? []) {
      if (staff.users.includes(id) || staff.groups.some((group) => groups.has(group)))
        beamlines.add(staff.beamline);
    }
    this.staffCache.set(id, beamlines);
    return beamlines;
  }

  /** Whether a beamtime (or its proposal) was released at `now`: readable by anyone. */
  isReleased(beamtime: Beamtime): boolean {
    const proposal = this.proposals.get(beamtime.proposal);
    const released = (at: number | null | undefined) => at !== null && at !== undefined && at <= this.now;
    return released(beamtime.release_at) || released(proposal?.release_at);
  }

  private seesBeamtime(principal: Principal, beamtime: Beamtime): boolean {
    if (this.isReleased(beamtime)) return true;
    if (principal.kind !== "user") return false;
    if (this.roleOf(principal) === "admin") return true;
    return this.isMember(principal, beamtime) || this.staffBeamlines(principal.id).has(beamtime.beamline);
  }

  private isMember(principal: Principal, beamtime: Beamtime): boolean {
    if (principal.kind !== "user" || !this.isActiveUser(principal.id)) return false;
    const { id } = principal;
    if (beamtime.pis.includes(id) || beamtime.users.includes(id)) return true;
    const proposal = this.proposals.get(beamtime.proposal);
    return proposal !== undefined && (proposal.pis.includes(id) || proposal.users.includes(id));
  }
}
