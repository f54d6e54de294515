// The `time-range` rule: the `time` of start, stop, descriptor and each event (or page row) must be seconds
// since the epoch within years 1 to 9999 (UTC), what ISO 8601, Python's datetime and every catalog's time
// index hold. A time outside is a unit mistake or garbage, which once stored broke every listing; the finding
// names the unit the number looks like. Not `timestamps`: devices' clocks, never turned into dates.
import { isoTimeOf } from "../epochTime.ts";

export const TIME_RULE = "time-range";

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in seconds since the epoch: the accepted half-open range. */
export const FIRST_TIME = -62135596800;
export const END_TIME = 253402300800;

/** Is `value` a time the event model means: a number of seconds within [FIRST_TIME, END_TIME)? */
export function isAcceptedTime(value: unknown): boolean {
  // NaN fails every comparison.
  return typeof value === "number" && value >= FIRST_TIME && value < END_TIME;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["milliseconds", 1e3],
  ["microseconds", 1e6],
  ["nanoseconds", 1e9],
];

/** Why `value` (a number that isAcceptedTime refused) is refused, with the unit it seems to be in. */
export function timeRangeMessage(value: number): string {
  if (!Number.isFinite(value)) return `time ${value} is not a finite number of seconds since the epoch`;
  const base =
    `time ${value} is outside seconds since the epoch within years 1 to 9999 ` +
    `(${FIRST_TIME} to ${END_TIME - 1})`;
  for (const [unit, perSecond] of UNITS) {
    const seconds = value / perSecond;
    if (isAcceptedTime(seconds))
      return `${base}: it looks like ${unit} (${isoTimeOf(seconds)}); the event model wants seconds`;
  }
  return base;
}

/** Reports a refused time at `path` (a finding's path: `time`, `time[3]`, `<descriptor>[0].time`). */
export type TimeReport = (path: string, message: string) => void;

function checkTimeColumn(times: unknown[], report: TimeReport): void {
  // at(j): see schema/fields.ts checkItems (indexed reads of double arrays stay unboxed).
  for (let j = 0; j < times.length; j++) {
    const value = times.at(j);
    if (typeof value === "number" && !isAcceptedTime(value)) report(`time[${j}]`, timeRangeMessage(value));
  }
}

/**
 * Whether every time of the document is accepted: the ingest's fast path (no allocation), so that only a
 * document with a refused time pays for checkDocumentTimes' reporting.
 */
export function documentTimesAccepted(name: string, doc: Record<string, unknown>): boolean {
  switch (name) {
    case "start":
    case "stop":
    case "descriptor":
    case "event":
      return typeof doc.time !== "number" || isAcceptedTime(doc.time);
    case "event_page":
    case "bulk_events":
      return false; // columns: checked by checkDocumentTimes, whose loop is the cost anyway
    default:
      return true;
  }
}

/**
 * Checks the times of one document (`name`, an object) and reports each refused one. A time that is not a
 * number at all is the schema's finding (`type`), not this rule's.
 */
export function checkDocumentTimes(name: string, doc: Record<string, unknown>, report: TimeReport): void {
  switch (name) {
    case "start":
    case "stop":
    case "descriptor":
    case "event": {
      const value = doc.time;
      if (typeof value === "number" && !isAcceptedTime(value)) report("time", timeRangeMessage(value));
      return;
    }
    case "event_page":
      if (Array.isArray(doc.time)) checkTimeColumn(doc.time, report);
      return;
    case "bulk_events":
      for (const [descriptor, events] of Object.entries(doc)) {
        if (!Array.isArray(events)) continue;
        events.forEach((event: unknown, j) => {
          const value = (event as { time?: unknown } | null)?.time;
          if (typeof value === "number" && !isAcceptedTime(value))
            report(`${descriptor}[${j}].time`, timeRangeMessage(value));
        });
      }
      return;
  }
}
