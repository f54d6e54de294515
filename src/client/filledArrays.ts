// Filled documents from the json-seq export carry each filled value as nested lists (JSON has no typed
// arrays); here they become NDArrays again, typed by their data key, as the local broker yields them.
import type { DocumentPair, EventDescriptor } from "../documents/types.ts";
import { fromNested } from "../tables/NDArray.ts";
import { dtypeFromDataKey } from "../tables/numpyDtype.ts";

type EventLike = { descriptor: string; data: Record<string, unknown>; filled?: Record<string, unknown> };

/** A key was filled when its `filled` entry holds the datum id it was filled from. */
function wasFilled(flag: unknown): boolean {
  return typeof flag === "string" || (Array.isArray(flag) && flag.some((id) => typeof id === "string"));
}

export async function* withFilledArrays(
  documents: AsyncIterable<DocumentPair>,
  descriptors: readonly EventDescriptor[],
): AsyncGenerator<DocumentPair> {
  const byUid = new Map(descriptors.map((descriptor) => [descriptor.uid, descriptor]));
  for await (const pair of documents) {
    const [name, doc] = pair;
    if (name !== "event" && name !== "event_page") {
      yield pair;
      continue;
    }
    const event = doc as EventLike;
    const descriptor = byUid.get(event.descriptor);
    const data = { ...event.data };
    for (const [key, flag] of Object.entries(event.filled ?? {})) {
      if (!wasFilled(flag) || !descriptor?.data_keys[key]) continue;
      const dtype = dtypeFromDataKey(descriptor.data_keys[key]);
      const value = data[key];
      data[key] =
        name === "event"
          ? fromNested(value, dtype)
          : (value as unknown[]).map((row) => fromNested(row, dtype));
    }
    yield [name, { ...doc, data }] as DocumentPair;
  }
}
