// A run's documents read ahead to the first event that carries external data, before any byte is sent: the
// filling errors of that event (no handler for a spec, a missing file) then answer as a 4xx JSON body.
// Later errors can only cut the json-seq body (its headers are gone); the client reports that cut.
import type { DocumentPair, EventDescriptor } from "../../documents/types.ts";

/** Documents held at most before sending starts, so a run with no external data is not held whole. */
const MOST_HELD = 1000;

/** Whether a descriptor declares a key whose values live outside the documents. */
function hasExternalKeys(descriptor: EventDescriptor): boolean {
  return Object.values(descriptor.data_keys ?? {}).some((dataKey) => typeof dataKey.external === "string");
}

export async function primedDocuments(
  documents: AsyncIterable<DocumentPair>,
): Promise<AsyncIterable<DocumentPair>> {
  const iterator = documents[Symbol.asyncIterator]();
  const held: DocumentPair[] = [];
  const external = new Set<string>();
  let finished = false;
  while (held.length < MOST_HELD) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    const [name, doc] = next.value;
    held.push(next.value);
    if (name === "descriptor" && hasExternalKeys(doc as EventDescriptor))
      external.add((doc as EventDescriptor).uid);
    if ((name === "event" || name === "event_page") && external.has(doc.descriptor)) break;
  }
  return (async function* () {
    yield* held;
    if (finished) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
}
