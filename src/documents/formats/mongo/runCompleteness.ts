// After damage in a dump, which runs are still stored: only those the dump shows whole — a stop whose
// num_events agrees, stream by stream, with the events found. Any other run may lack what lay past the damage;
// it is held back rather than stored with its stop (a later ingest of the repaired dump stores it whole).
import type { MongoReadOptions } from "./dumpRecords.ts";

/** Whether a run with this stop and these events per stream is whole. */
export function completeAfterDamage(
  stop: Record<string, unknown> | undefined,
  eventsPerStream: ReadonlyMap<string, number>,
): boolean {
  const told = stop?.num_events;
  if (typeof told !== "object" || told === null) return false;
  const expected = told as Record<string, unknown>;
  const streams = new Set([...Object.keys(expected), ...eventsPerStream.keys()]);
  for (const stream of streams)
    if ((expected[stream] ?? 0) !== (eventsPerStream.get(stream) ?? 0)) return false;
  return true;
}

/** Reports the runs held back, by start uid (a few named, then how many). */
export function noteHeldBack(runs: readonly string[], options: MongoReadOptions): void {
  if (runs.length === 0) return;
  const named = runs.slice(0, 5).join(", ") + (runs.length > 5 ? ", …" : "");
  options.onNote?.(
    `${runs.length} run(s) not stored because the damage may have cut them (${named}): ` +
      "ingest the dump again once repaired to store them; stored runs are not duplicated",
  );
}
