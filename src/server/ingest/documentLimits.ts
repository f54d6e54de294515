// The per-document limits of an ingest request that need its parsed documents: how many documents it holds,
// and how long a string of its metadata may be (a 50 MB string in a start is a mistake or an attack; event
// data is not walked: it is data, and the hot path).
import { type DocumentStream, documentCountOf } from "../../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../../documents/formats/eventBlock.ts";
import { LimitError } from "../../errors.ts";
import { howToRaise, type IngestLimits } from "./ingestLimits.ts";

const EVENT_NAMES: ReadonlySet<string> = new Set(["event", "event_page", "bulk_events"]);

/** The documents of `stream`, refused (LimitError) past `maxDocuments` or at a string past `maxStringLength`. */
export function limitDocuments(
  stream: DocumentStream,
  source: string,
  limits: Pick<IngestLimits, "maxDocuments" | "maxStringLength">,
): DocumentStream {
  let count = 0;
  return stream.tap((item) => {
    const index = count;
    count += documentCountOf(item);
    if (count > limits.maxDocuments)
      throw new LimitError(
        `${source}: more than ${limits.maxDocuments} documents in one request (${howToRaise("maxDocuments")}); send the rest in another request`,
      );
    if (isEventBlock(item) || EVENT_NAMES.has(item[0])) return;
    const long = longString(item[1], limits.maxStringLength, "");
    if (long === undefined) return;
    throw new LimitError(
      `${source}: document ${index} (${item[0]}): ${long.where} holds ${long.length} characters, more than the ` +
        `${limits.maxStringLength} one string of a document other than an event may hold (${howToRaise("maxStringLength")})`,
    );
  });
}

interface LongString {
  /** `the string at plan_args.note`, `a key of plan_args` */
  where: string;
  length: number;
}

/** The first string (value or key) of `value` longer than `max`. */
function longString(value: unknown, max: number, path: string): LongString | undefined {
  if (typeof value === "string")
    return value.length > max ? { where: `the string at ${path}`, length: value.length } : undefined;
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return undefined;
  // Depth is bounded: the readers refuse documents nested deeper than MAX_INPUT_DEPTH.
  for (const [key, member] of Object.entries(value)) {
    if (key.length > max)
      return { where: `a key of ${path === "" ? "the document" : path}`, length: key.length };
    const found = longString(member, max, path === "" ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
