// A document router in the spirit of event-model's DocumentRouter: `route(name, doc)` calls the handler named
// after the document, given as an object of handlers or as methods of a subclass. A handler returns a
// replacement document, or nothing for "unchanged". Missing handlers are bridged: an event goes to an
// `event_page` handler as a one-row page (and a page to an `event` handler row by row), the same for datum
// and datum_page, and the deprecated bulk_events / bulk_datum travel as pages.
import { ValidationError } from "../errors.ts";
import {
  bulkDatumToDatumPage,
  bulkEventsToEventPages,
  packDatumPage,
  packEventPage,
  unpackDatumPage,
  unpackEventPage,
} from "./pages.ts";
import type {
  BulkDatum,
  BulkEvents,
  Datum,
  DatumPage,
  DocumentName,
  DocumentTypes,
  Event,
  EventDescriptor,
  EventPage,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "./types.ts";
import { validateDocument } from "./validate.ts";

/** What a handler returns: the document to pass on, or nothing to pass the input on unchanged. */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers that only observe are plain `void` functions.
export type Passed<T> = T | undefined | void;

export type DocumentHandler<N extends DocumentName> = (doc: DocumentTypes[N]) => Passed<DocumentTypes[N]>;

export type DocumentHandlers = { [N in DocumentName]?: DocumentHandler<N> };

export interface DocumentRouterOptions {
  /** Check every replacement a handler returns against its JSON Schema (throws ValidationError). */
  validate?: boolean;
}

export class DocumentRouter {
  private readonly handlers: DocumentHandlers;
  private readonly validate: boolean;

  /** Handlers as an object, or none when a subclass defines them as methods (an object's win). */
  constructor(handlers: DocumentHandlers = {}, options: DocumentRouterOptions = {}) {
    this.handlers = handlers;
    this.validate = options.validate ?? false;
  }

  start?(doc: RunStart): Passed<RunStart>;
  stop?(doc: RunStop): Passed<RunStop>;
  descriptor?(doc: EventDescriptor): Passed<EventDescriptor>;
  event?(doc: Event): Passed<Event>;
  event_page?(doc: EventPage): Passed<EventPage>;
  resource?(doc: Resource): Passed<Resource>;
  datum?(doc: Datum): Passed<Datum>;
  datum_page?(doc: DatumPage): Passed<DatumPage>;
  stream_resource?(doc: StreamResource): Passed<StreamResource>;
  stream_datum?(doc: StreamDatum): Passed<StreamDatum>;
  bulk_events?(doc: BulkEvents): Passed<BulkEvents>;
  bulk_datum?(doc: BulkDatum): Passed<BulkDatum>;

  /** Dispatch one document; returns what its handler passes on (the input itself when unchanged). */
  route<N extends DocumentName>(name: N, doc: DocumentTypes[N]): DocumentTypes[N] {
    const out = this.dispatch(name, doc);
    if (this.validate && out !== doc) {
      const findings = validateDocument(name, out);
      if (findings.length > 0) {
        throw new ValidationError(`the ${name} handler returned a document that breaks its schema`, findings);
      }
    }
    return out;
  }

  private handler<N extends DocumentName>(name: N): DocumentHandler<N> | undefined {
    const handler = this.handlers[name] ?? (this[name] as DocumentHandler<N> | undefined);
    return handler?.bind(this) as DocumentHandler<N> | undefined;
  }

  private dispatch<N extends DocumentName>(name: N, doc: DocumentTypes[N]): DocumentTypes[N] {
    const own = this.handler(name);
    if (own) return own(doc) ?? doc;
    return this.bridge(name, doc) as DocumentTypes[N];
  }

  /** No handler of this name: pass the document on through the handler of its row/page twin, if any. */
  private bridge(name: DocumentName, doc: unknown): unknown {
    switch (name) {
      case "event":
        if (!this.hasHandler("event_page")) return doc;
        return viaPage(
          doc as Event,
          packEventPage,
          (page) => this.dispatch("event_page", page),
          unpackEventPage,
        );
      case "datum":
        if (!this.hasHandler("datum_page")) return doc;
        return viaPage(
          doc as Datum,
          packDatumPage,
          (page) => this.dispatch("datum_page", page),
          unpackDatumPage,
        );
      case "event_page":
        if (!this.hasHandler("event")) return doc;
        return viaRows(
          doc as EventPage,
          unpackEventPage,
          (event) => this.dispatch("event", event),
          packEventPage,
        );
      case "datum_page":
        if (!this.hasHandler("datum")) return doc;
        return viaRows(
          doc as DatumPage,
          unpackDatumPage,
          (datum) => this.dispatch("datum", datum),
          packDatumPage,
        );
      case "bulk_events":
        return this.routeBulkEvents(doc as BulkEvents);
      case "bulk_datum":
        return this.routeBulkDatum(doc as BulkDatum);
      default:
        return doc;
    }
  }

  private hasHandler(name: DocumentName): boolean {
    return this.handlers[name] !== undefined || typeof this[name] === "function";
  }

  private routeBulkEvents(bulk: BulkEvents): BulkEvents {
    if (!this.hasHandler("event_page") && !this.hasHandler("event")) return bulk;
    const pages = bulkEventsToEventPages(bulk);
    const routed = pages.map((page) => this.dispatch("event_page", page));
    if (routed.every((page, i) => page === pages[i])) return bulk;
    const out: BulkEvents = {};
    for (const page of routed)
      out[page.descriptor] = [...(out[page.descriptor] ?? []), ...unpackEventPage(page)];
    return out;
  }

  private routeBulkDatum(bulk: BulkDatum): BulkDatum {
    if (!this.hasHandler("datum_page") && !this.hasHandler("datum")) return bulk;
    const page = bulkDatumToDatumPage(bulk);
    const routed = this.dispatch("datum_page", page);
    if (routed === page) return bulk;
    return {
      resource: routed.resource,
      datum_ids: routed.datum_id,
      datum_kwarg_list: unpackDatumPage(routed).map((datum) => datum.datum_kwargs),
    };
  }
}

/** A row through a page handler: packed as a one-row page; the input itself when the page is unchanged. */
function viaPage<R, P>(row: R, pack: (rows: R[]) => P, handle: (page: P) => P, unpack: (page: P) => R[]): R {
  const page = pack([row]);
  const out = handle(page);
  return out === page ? row : unpack(out)[0];
}

/** A page through a row handler, row by row; the input itself when no row changed. */
function viaRows<P, R>(page: P, unpack: (page: P) => R[], handle: (row: R) => R, pack: (rows: R[]) => P): P {
  const rows = unpack(page);
  const out = rows.map(handle);
  return out.every((row, i) => row === rows[i]) ? page : pack(out);
}
