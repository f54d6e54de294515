// The part every stream processor shares: a document router that knows which descriptors make up the input
// stream it reads (by name; a descriptor without one is `primary`) and hands it that stream's event pages
// only. Single events reach `rows` as one-row pages (the router bridges them). The fields the processor reads
// must be in the stream's descriptors, and the stream must be in the run: a misspelled field or stream fails the
// run with a line saying so, rather than deriving a run of empty results.
import { DocumentRouter } from "../documents/router.ts";
import type { EventDescriptor, EventPage, RunStop } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";

export abstract class StreamReader extends DocumentRouter {
  private readonly ours = new Set<string>();
  /** Every stream the run has, for the message when ours is not among them. */
  private readonly streams = new Set<string>();

  /** `fields`: those the processor reads, each required in every descriptor of the stream. */
  constructor(
    protected readonly streamName: string,
    private readonly fields: readonly string[] = [],
  ) {
    super();
  }

  override descriptor(doc: EventDescriptor): void {
    const name = doc.name ?? "primary";
    this.streams.add(name);
    if (name !== this.streamName) return;
    const missing = this.fields.filter((field) => !Object.hasOwn(doc.data_keys, field));
    if (missing.length > 0)
      throw new ValidationError(
        `stream ${name} has no field ${missing.join(", ")} (its fields: ${Object.keys(doc.data_keys).join(", ")})`,
      );
    this.ours.add(doc.uid);
  }

  override stop(doc: RunStop): void {
    if (this.ours.size === 0)
      throw new ValidationError(
        `the run has no stream ${this.streamName} (its streams: ${[...this.streams].join(", ") || "none"})`,
      );
    this.finish(doc);
  }

  /** What the processor writes once the input's stop has come (after the checks above). */
  protected finish(_doc: RunStop): void {}

  override event_page(page: EventPage): void {
    if (this.ours.has(page.descriptor)) this.rows(page);
  }

  /** The rows of one page of the input stream. */
  protected abstract rows(page: EventPage): void;
}

/** Row `row` of a page's field as a number; undefined when the page lacks the field, an error for any other kind. */
export function numberAt(page: EventPage, field: string, row: number): number | undefined {
  const column = page.data[field];
  if (column === undefined) return undefined;
  const value = column[row];
  if (typeof value === "number") return value;
  throw new ValidationError(
    `field ${field} of event seq_num ${page.seq_num[row]} is ${value === null ? "null" : typeof value}, not a number`,
  );
}
