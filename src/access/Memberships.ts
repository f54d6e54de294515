// Who belongs where, as the user office says: users, groups, proposals, beamtimes, beamline staff and admins.
// `checkMemberships` reads them from JSON (a loaded file, an HTTP body, the stored state) and refuses anything
// inconsistent with a message naming the entry, the field and the rule, so a bad file never half-loads.
import { ValidationError } from "../errors.ts";

export interface AccessUser {
  id: string;
  email?: string;
  /** The subject the identity provider gives this user, when it differs from `id`. */
  idp_sub?: string;
  /** A disabled user's keys and tokens are refused. */
  disabled?: boolean;
  /** `ingest`: may write runs into the beamtimes they belong to. */
  roles?: string[];
}

export interface AccessGroup {
  id: string;
  members: string[];
}

export interface Proposal {
  id: string;
  pis: string[];
  users: string[];
  /** Seconds since the epoch after which its runs are readable by anyone; null: never. */
  release_at: number | null;
}

export interface Beamtime {
  id: string;
  proposal: string;
  beamline: string;
  start: number | null;
  end: number | null;
  pis: string[];
  users: string[];
  release_at: number | null;
}

export interface BeamlineStaff {
  beamline: string;
  users: string[];
  groups: string[];
}

export interface Memberships {
  /** The start-document key naming a run's beamtime. */
  beamtime_key: string;
  /** The start-document key that, when present, must name the beamtime's proposal (never trusted for access). */
  proposal_key: string;
  users: AccessUser[];
  groups: AccessGroup[];
  proposals: Proposal[];
  beamtimes: Beamtime[];
  staff: BeamlineStaff[];
  admins: string[];
}

export const ROLES = ["ingest"] as const;

type Json = Record<string, unknown>;

/** Reads one entry's fields, naming `where` (e.g. `beamtimes[2] (B1a)`) in every error. */
class EntryReader {
  constructor(
    private readonly entry: Json,
    readonly where: string,
    private readonly problems: string[],
  ) {}

  text(field: string, required = true): string | undefined {
    const value = this.entry[field];
    if (value === undefined || value === null) {
      if (required) this.problem(field, "is required");
      return undefined;
    }
    if (typeof value !== "string" || value.trim() === "" || /[\p{Cc}]/u.test(value)) {
      this.problem(field, "must be a non-empty text without control characters");
      return undefined;
    }
    return value;
  }

  list(field: string): string[] {
    const value = this.entry[field] ?? [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
      this.problem(field, "must be a list of ids");
      return [];
    }
    if (new Set(value).size !== value.length) this.problem(field, "lists an id twice");
    return value as string[];
  }

  /** A time: null, seconds since the epoch, or ISO 8601 text with a time zone (a date alone is UTC midnight). */
  time(field: string): number | null {
    const value = this.entry[field] ?? null;
    if (value === null) return null;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (value instanceof Date) return value.getTime() / 1000;
    if (
      typeof value === "string" &&
      /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d))?$/.test(value)
    ) {
      const millis = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
      if (Number.isFinite(millis)) return millis / 1000;
    }
    this.problem(field, "must be null, seconds since the epoch or an ISO 8601 time with a time zone");
    return null;
  }

  flag(field: string): boolean | undefined {
    const value = this.entry[field];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") this.problem(field, "must be true or false");
    return value === true;
  }

  unknownFields(known: readonly string[]): void {
    for (const field of Object.keys(this.entry)) {
      if (!known.includes(field))
        this.problem(field, `is not a field of this entry (fields: ${known.join(", ")})`);
    }
  }

  problem(field: string, rule: string): void {
    this.problems.push(`${this.where}: '${field}' ${rule}`);
  }
}

function entriesOf(data: Json, section: string, problems: string[]): EntryReader[] {
  const value = data[section] ?? [];
  if (!Array.isArray(value)) {
    problems.push(`'${section}' must be a list`);
    return [];
  }
  return value.flatMap((entry, index) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.push(`${section}[${index}] must be a mapping`);
      return [];
    }
    const id = typeof (entry as Json).id === "string" ? ` (${(entry as Json).id})` : "";
    return [new EntryReader(entry as Json, `${section}[${index}]${id}`, problems)];
  });
}

const SECTIONS = [
  "beamtime_key",
  "proposal_key",
  "users",
  "groups",
  "proposals",
  "beamtimes",
  "staff",
  "admins",
];

/**
 * The memberships `data` describes, checked whole: unique ids, every reference to a known user, group or
 * proposal, at least one PI per proposal and beamtime. ValidationError listing every problem otherwise.
 */
export function checkMemberships(data: unknown, source = "memberships"): Memberships {
  const problems: string[] = [];
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ValidationError(`${source}: must be a mapping with ${SECTIONS.join(", ")}`);
  }
  const top = new EntryReader(data as Json, "top level", problems);
  top.unknownFields(SECTIONS);
  const keyText = (field: string, fallback: string) => top.text(field, false) ?? fallback;
  const memberships: Memberships = {
    beamtime_key: keyText("beamtime_key", "beamtime"),
    proposal_key: keyText("proposal_key", "proposal"),
    users: entriesOf(data as Json, "users", problems).map((entry) => {
      entry.unknownFields(["id", "email", "idp_sub", "disabled", "roles"]);
      const user: AccessUser = { id: entry.text("id") ?? "" };
      const email = entry.text("email", false);
      const sub = entry.text("idp_sub", false);
      const disabled = entry.flag("disabled");
      const roles = entry.list("roles");
      for (const role of roles) {
        if (!(ROLES as readonly string[]).includes(role))
          entry.problem("roles", `holds '${role}': roles are ${ROLES.join(", ")}`);
      }
      if (email !== undefined) user.email = email;
      if (sub !== undefined) user.idp_sub = sub;
      if (disabled !== undefined) user.disabled = disabled;
      if (roles.length > 0) user.roles = roles;
      return user;
    }),
    groups: entriesOf(data as Json, "groups", problems).map((entry) => {
      entry.unknownFields(["id", "members"]);
      return { id: entry.text("id") ?? "", members: entry.list("members") };
    }),
    proposals: entriesOf(data as Json, "proposals", problems).map((entry) => {
      entry.unknownFields(["id", "pis", "users", "release_at"]);
      return {
        id: entry.text("id") ?? "",
        pis: entry.list("pis"),
        users: entry.list("users"),
        release_at: entry.time("release_at"),
      };
    }),
    beamtimes: entriesOf(data as Json, "beamtimes", problems).map((entry) => {
      entry.unknownFields(["id", "proposal", "beamline", "start", "end", "pis", "users", "release_at"]);
      return {
        id: entry.text("id") ?? "",
        proposal: entry.text("proposal") ?? "",
        beamline: entry.text("beamline") ?? "",
        start: entry.time("start"),
        end: entry.time("end"),
        pis: entry.list("pis"),
        users: entry.list("users"),
        release_at: entry.time("release_at"),
      };
    }),
    staff: entriesOf(data as Json, "staff", problems).map((entry) => {
      entry.unknownFields(["beamline", "users", "groups"]);
      return {
        beamline: entry.text("beamline") ?? "",
        users: entry.list("users"),
        groups: entry.list("groups"),
      };
    }),
    admins: new EntryReader({ admins: (data as Json).admins ?? [] }, "top level", problems).list("admins"),
  };
  checkReferences(memberships, problems);
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).map((problem) => `  - ${problem}`);
    if (problems.length > 20) shown.push(`  - and ${problems.length - 20} more`);
    throw new ValidationError(`${source}: ${problems.length} problem(s):\n${shown.join("\n")}`);
  }
  return memberships;
}

function checkReferences(m: Memberships, problems: string[]): void {
  const ids = (section: string, entries: Array<{ id: string }>) => {
    const seen = new Set<string>();
    for (const { id } of entries) {
      if (id !== "" && seen.has(id)) problems.push(`${section}: id '${id}' appears twice`);
      seen.add(id);
    }
    return seen;
  };
  const users = ids("users", m.users);
  const groups = ids("groups", m.groups);
  const proposals = ids("proposals", m.proposals);
  ids("beamtimes", m.beamtimes);
  const knownUsers = (where: string, field: string, list: string[]) => {
    for (const id of list)
      if (!users.has(id)) problems.push(`${where}: '${field}' names '${id}', not in users`);
  };
  for (const group of m.groups) knownUsers(`groups (${group.id})`, "members", group.members);
  for (const proposal of m.proposals) {
    const where = `proposals (${proposal.id})`;
    if (proposal.pis.length === 0) problems.push(`${where}: 'pis' needs at least one PI`);
    knownUsers(where, "pis", proposal.pis);
    knownUsers(where, "users", proposal.users);
  }
  for (const beamtime of m.beamtimes) {
    const where = `beamtimes (${beamtime.id})`;
    if (beamtime.pis.length === 0) problems.push(`${where}: 'pis' needs at least one PI`);
    if (beamtime.proposal !== "" && !proposals.has(beamtime.proposal))
      problems.push(`${where}: 'proposal' names '${beamtime.proposal}', not in proposals`);
    knownUsers(where, "pis", beamtime.pis);
    knownUsers(where, "users", beamtime.users);
  }
  for (const staff of m.staff) {
    const where = `staff (${staff.beamline})`;
    knownUsers(where, "users", staff.users);
    for (const id of staff.groups)
      if (!groups.has(id)) problems.push(`${where}: 'groups' names '${id}', not in groups`);
  }
  knownUsers("top level", "admins", m.admins);
}
