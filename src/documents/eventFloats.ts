// Which numbers of events are floats. An event's values come from float64 columns or JSON.parse, neither of
// which tells 1.0 from 1; its descriptor does: dtype "number" (or an array of a numpy float dtype) is a float,
// "integer" an int. `time` and `timestamps` are floats (seconds, as Python's time.time() gives them).
import { markFloat } from "./floatMarks.ts";
import type { DataKey, DocumentPair, Event, EventDescriptor, EventPage } from "./types.ts";

const NUMPY_FLOAT = /^[<>|=]?f/;

function isFloatKey(key: DataKey): boolean {
  if (key.dtype === "number") return true;
  return key.dtype === "array" && typeof key.dtype_numpy === "string" && NUMPY_FLOAT.test(key.dtype_numpy);
}

/** Marks (floatMarks.ts) the floats of the events of a stream of documents, learning from its descriptors. */
export class EventFloats {
  private readonly fieldsOf = new Map<string, string[]>();

  /** Learns from `pair` if it is a descriptor; marks its floats if it is an event or event_page. */
  see(pair: DocumentPair): void {
    const [name, doc] = pair;
    if (name === "descriptor") this.learn(doc as EventDescriptor);
    else if (name === "event" || name === "event_page") this.mark(doc as Event | EventPage);
  }

  private learn(descriptor: EventDescriptor): void {
    const keys = Object.entries(descriptor.data_keys ?? {});
    this.fieldsOf.set(
      descriptor.uid,
      keys.filter(([, key]) => isFloatKey(key)).map(([field]) => field),
    );
  }

  private mark(event: Event | EventPage): void {
    markFloat(event, "time");
    const timestamps = event.timestamps as Record<string, unknown> | undefined;
    if (timestamps) for (const field in timestamps) markFloat(timestamps, field);
    const data = event.data as Record<string, unknown> | undefined;
    if (!data) return;
    for (const field of this.fieldsOf.get(event.descriptor) ?? []) if (field in data) markFloat(data, field);
  }
}
