// The timeRange kind: the start time within [since, until). Written timeRange(since=, until=, timezone=) or
// `time >= ".."` / `time < ".."`; Tiled's `time_range` filter.
import { finding, number, text } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import { timeOf } from "../runValues.ts";
import type { TiledFields } from "../tiledFilter.ts";
import { timeZoneProblem } from "../timeParsing.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * The start document's `time` lies in the half-open range `since <= time < until` (either end optional), in
 * epoch seconds. `timezone` (an IANA name) is the zone the ends were written in: kept for display and for
 * Tiled's `time_range` parameters; evaluation only reads the numbers.
 */
export interface TimeRange {
  op: "timeRange";
  since?: number;
  until?: number;
  timezone: string;
}

export function timeRangeQuery(
  since: number | undefined,
  until: number | undefined,
  timezone: string,
): TimeRange {
  const range: TimeRange = { op: "timeRange", timezone };
  if (since !== undefined) range.since = since;
  if (until !== undefined) range.until = until;
  return range;
}

/** Several time ranges in one conjunction are their intersection. */
function intersection(ranges: TimeRange[]): TimeRange {
  const since = Math.max(...ranges.map((range) => range.since ?? Number.NEGATIVE_INFINITY));
  const until = Math.min(...ranges.map((range) => range.until ?? Number.POSITIVE_INFINITY));
  return timeRangeQuery(
    Number.isFinite(since) ? since : undefined,
    Number.isFinite(until) ? (Number.isFinite(since) ? Math.max(since, until) : until) : undefined,
    ranges[0].timezone,
  );
}

export const timeRangeKind: QueryKind<TimeRange> = {
  op: "timeRange",
  fields: { since: number(true), until: number(true), timezone: text(timeZoneProblem, "time-zone") },
  crossCheck: (query, path, findings) => {
    if (typeof query.since === "number" && typeof query.until === "number" && query.since > query.until)
      findings.push(finding(`${path}.until`, "range", "since must not be after until"));
  },
  format: (query, text) => {
    const args: string[] = [];
    if (query.since !== undefined) args.push(`since=${text.timeEnd(query.since, query.timezone)}`);
    if (query.until !== undefined) args.push(`until=${text.timeEnd(query.until, query.timezone)}`);
    args.push(`timezone=${text.value(query.timezone)}`);
    return `timeRange(${args.join(", ")})`;
  },
  language: {
    functions: {
      names: ["timeRange", "time_range"],
      read: (call) => {
        if (call.positional.length > 0)
          throw call.error(call.positional[0].token, `${call.name} takes only named arguments`);
        const found = call.named(["since", "until", "timezone"]);
        const timezone = found.timezone ? (found.timezone.value as string) : call.timezone;
        const problem = timeZoneProblem(timezone);
        if (problem) throw call.error(found.timezone.token, problem);
        const end = (which: "since" | "until") => {
          const arg = found[which];
          if (arg === undefined) return undefined;
          if (typeof arg.value !== "number" && typeof arg.value !== "string")
            throw call.error(arg.token, `${which} is a time: epoch seconds or a string`);
          return call.epoch(arg.token, arg.value, timezone);
        };
        return { op: "timeRange", since: end("since"), until: end("until"), timezone };
      },
    },
  },
  tiled: {
    name: "time_range",
    encode: (query) => {
      const fields: TiledFields = { timezone: query.timezone };
      if (query.since !== undefined) fields.since = String(query.since);
      if (query.until !== undefined) fields.until = String(query.until);
      return fields;
    },
    decode: (reader) => {
      const timezone = reader.raw("timezone") ?? "";
      return timeRangeQuery(reader.number("since", true), reader.number("until", true), timezone);
    },
    merge: intersection,
  },
};

export const matchTimeRange: MemoryTranslation<TimeRange> = (query) => (run) => {
  const time = timeOf(run);
  if (time === null) return false;
  return (
    (query.since === undefined || time >= query.since) && (query.until === undefined || time < query.until)
  );
};
