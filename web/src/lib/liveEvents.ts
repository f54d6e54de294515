// The events of a run received live, by stream: each event's (or event page's rows') seq_num, time and
// scalar values (numbers and booleans: what the plot and the summary count; arrays and datum ids are read
// through the API as before). Descriptors tell which stream an event belongs to.
import type { Doc, Json } from "./runs.ts";

export interface LiveEvent {
  /** seq_num: the event's 1-based place in its stream (the row of the stream's arrays it becomes). */
  seq: number;
  time: number;
  values: Record<string, number>;
}

function scalarsOf(data: Record<string, Json>, row?: number): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [field, value] of Object.entries(data)) {
    const cell = row === undefined ? value : (value as Json[])[row];
    if (typeof cell === "number") values[field] = cell;
    else if (typeof cell === "boolean") values[field] = Number(cell);
  }
  return values;
}

export class LiveEvents {
  private readonly streamOf = new Map<string, string>();
  private readonly byStream = new Map<string, LiveEvent[]>();
  private readonly highest: Record<string, number> = {};

  /** Takes in one document; the stream whose events changed, if any. */
  add(name: string, doc: Doc): string | undefined {
    if (name === "descriptor") {
      this.streamOf.set(String(doc.uid), String(doc.name ?? "primary"));
      return undefined;
    }
    if (name !== "event" && name !== "event_page") return undefined;
    const stream = this.streamOf.get(String(doc.descriptor));
    if (stream === undefined) return undefined;
    const data = (doc.data ?? {}) as Record<string, Json>;
    const added =
      name === "event"
        ? [{ seq: Number(doc.seq_num), time: Number(doc.time), values: scalarsOf(data) }]
        : (doc.seq_num as number[]).map((seq, row) => ({
            seq,
            time: (doc.time as number[])[row],
            values: scalarsOf(data, row),
          }));
    const events = this.byStream.get(stream) ?? [];
    this.byStream.set(stream, events);
    for (const event of added) {
      events.push(event);
      this.highest[stream] = Math.max(this.highest[stream] ?? 0, event.seq);
    }
    return stream;
  }

  /** The events of `stream` received so far, in the order they came. */
  of(stream: string): readonly LiveEvent[] {
    return this.byStream.get(stream) ?? [];
  }

  /** The highest seq_num received in each stream (its event count, events being numbered from 1). */
  counts(): Readonly<Record<string, number>> {
    return this.highest;
  }
}
