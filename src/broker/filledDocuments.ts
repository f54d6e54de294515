// Replay with external data filled in, as event-model's Filler does: an unfilled key of an event (or a row of
// an event_page) gets the array its datum points at in `data[k]`, and the datum id in `filled[k]`.
import type { DataKey, DocumentPair, Event, EventDescriptor, EventPage } from "../documents/types.ts";
import { fieldSource } from "./dataKeys.ts";
import type { RunAssets } from "./RunAssets.ts";

/** `filled[k]` false or absent means `data[k]` is a datum id still to resolve. */
function unfilled(flag: boolean | string | undefined): boolean {
  return flag === false || flag === undefined;
}

/** The external keys of a descriptor, with what each declares (which bounds the reads). */
type ExternalKeys = Array<[string, DataKey]>;

async function fillEvent(event: Event, keys: ExternalKeys, assets: RunAssets): Promise<Event> {
  const data = { ...event.data };
  const filled = { ...(event.filled ?? {}) };
  let changed = false;
  for (const [key, dataKey] of keys) {
    if (!Object.hasOwn(data, key) || !unfilled(filled[key])) continue;
    const datumId = data[key] as string;
    data[key] = await assets.readDatum(datumId, dataKey);
    filled[key] = datumId;
    changed = true;
  }
  return changed ? { ...event, data, filled } : event;
}

async function fillEventPage(page: EventPage, keys: ExternalKeys, assets: RunAssets): Promise<EventPage> {
  const data = { ...page.data };
  const filled = { ...(page.filled ?? {}) };
  let changed = false;
  for (const [key, dataKey] of keys) {
    if (!Object.hasOwn(data, key)) continue;
    const flags = filled[key];
    const values = [...data[key]];
    const newFlags = flags ? [...flags] : new Array<boolean | string>(values.length).fill(false);
    for (let row = 0; row < values.length; row++) {
      if (!unfilled(flags?.[row])) continue;
      const datumId = values[row] as string;
      values[row] = await assets.readDatum(datumId, dataKey);
      newFlags[row] = datumId;
      changed = true;
    }
    data[key] = values;
    filled[key] = newFlags;
  }
  return changed ? { ...page, data, filled } : page;
}

/**
 * The documents with every external key that events carry filled (`STREAM:` keys normally live in
 * stream_datum documents only; events that do carry one hold datum ids, as legacy runs do).
 */
export async function* filledDocuments(
  documents: AsyncIterable<DocumentPair>,
  assets: RunAssets,
): AsyncGenerator<DocumentPair> {
  const externalKeys = new Map<string, ExternalKeys>();
  for await (const pair of documents) {
    const [name, doc] = pair;
    if (name === "descriptor") {
      const descriptor = doc as EventDescriptor;
      const keys = Object.entries(descriptor.data_keys ?? {}).filter(
        ([, dataKey]) => fieldSource(dataKey) !== "inline",
      );
      externalKeys.set(descriptor.uid, keys);
      yield pair;
    } else if (name === "event") {
      const keys = externalKeys.get(doc.descriptor) ?? [];
      yield keys.length ? ["event", await fillEvent(doc, keys, assets)] : pair;
    } else if (name === "event_page") {
      const keys = externalKeys.get(doc.descriptor) ?? [];
      yield keys.length ? ["event_page", await fillEventPage(doc, keys, assets)] : pair;
    } else {
      yield pair;
    }
  }
}
