// What loading new memberships changes, entry by entry, as people read it ("beamtime B1a: users -u1"): what
// `access load` reports and the audit log keeps.
import type { Memberships } from "./Memberships.ts";

type Entry = Record<string, unknown>;

function describe(value: unknown): string {
  return JSON.stringify(value);
}

/** Field-by-field differences of two entries of one section; lists show what was added and removed. */
function entryChanges(before: Entry, after: Entry): string[] {
  const changes: string[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [old, now] = [before[field], after[field]];
    if (describe(old) === describe(now)) continue;
    if (Array.isArray(old) || Array.isArray(now)) {
      const [was, is] = [(old ?? []) as unknown[], (now ?? []) as unknown[]];
      const added = is.filter((item) => !was.includes(item)).map((item) => `+${item}`);
      const removed = was.filter((item) => !is.includes(item)).map((item) => `-${item}`);
      changes.push(`${field} ${[...added, ...removed].join(" ")}`);
    } else changes.push(`${field} ${describe(old ?? null)} -> ${describe(now ?? null)}`);
  }
  return changes;
}

function sectionChanges(
  name: string,
  before: Entry[],
  after: Entry[],
  idOf: (entry: Entry) => string,
): string[] {
  const old = new Map(before.map((entry) => [idOf(entry), entry]));
  const now = new Map(after.map((entry) => [idOf(entry), entry]));
  const changes: string[] = [];
  for (const [id, entry] of now) {
    const was = old.get(id);
    if (!was) changes.push(`${name} ${id} added`);
    else {
      const fields = entryChanges(was, entry);
      if (fields.length > 0) changes.push(`${name} ${id}: ${fields.join("; ")}`);
    }
  }
  for (const id of old.keys()) if (!now.has(id)) changes.push(`${name} ${id} removed`);
  return changes;
}

/** Every difference between two memberships, one line each; empty when loading changes nothing. */
export function membershipChanges(before: Memberships | undefined, after: Memberships): string[] {
  const b = before ?? {
    ...after,
    users: [],
    groups: [],
    proposals: [],
    beamtimes: [],
    staff: [],
    admins: [],
  };
  const byId = (entry: Entry) => String(entry.id);
  const lists = (m: Memberships) => m as unknown as Record<string, Entry[]>;
  return [
    ...entryChanges(
      { beamtime_key: b.beamtime_key, proposal_key: b.proposal_key, admins: b.admins },
      { beamtime_key: after.beamtime_key, proposal_key: after.proposal_key, admins: after.admins },
    ),
    ...(["users", "groups", "proposals", "beamtimes"] as const).flatMap((section) =>
      sectionChanges(section.slice(0, -1), lists(b)[section], lists(after)[section], byId),
    ),
    ...sectionChanges("staff of beamline", lists(b).staff, lists(after).staff, (entry) =>
      String(entry.beamline),
    ),
  ];
}
