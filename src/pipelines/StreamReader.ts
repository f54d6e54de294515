// The part every stream processor shares: a document router that knows which descriptors make up the input
// stream it reads (by name; a descriptor without one is `primary`) and hands it that stream's event pages
// only. Single events reach `rows` as one-row pages (the router bridges them).
import { DocumentRouter } from "../documents/router.ts";
import type { EventDescriptor, EventPage } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";

export abstract class StreamReader extends DocumentRouter {
  private readonly ours = new Set<string>();

  constructor(protected readonly streamName: string) {
    super();
  }

  override descriptor(doc: EventDescriptor): void {
    if ((doc.name ?? "primary") === this.streamName) this.ours.add(doc.uid);
  }

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
