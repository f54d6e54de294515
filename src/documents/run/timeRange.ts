// The `time-range` rule: a document's `time` must be seconds since the epoch within years 1 to 9999 (UTC).
// Why that range: it is what ISO 8601's four-digit years, Python's datetime (the Tiled client's) and every
// catalog's time index hold, far inside what a JavaScript Date holds; real runs sit around 1970-2100, and a
// time outside it is a unit mistake (milliseconds, microseconds or nanoseconds since the epoch) or garbage,
// which once stored broke every listing of the run. The finding names the unit the number looks like.
//
// Which fields: `time` of start, stop, descriptor, event, each row of an event_page and each event of a
// bulk_events — the times readers turn into dates and sort runs by. Not `timestamps`: they are the devices'
// own clocks, read back as plain numbers and never turned into dates, and checking them would cost a pass
// over every column of every event. Resources, datums and stream documents carry no time.
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
