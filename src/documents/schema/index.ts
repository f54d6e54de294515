// The document checks by name: one per official schema of event-model 1.24. A check judges `doc` at `path`
// and reports into a sink (null on the fast path).
import type { DocumentName } from "../types.ts";
import { checkBulkEvents } from "./bulkEvents.ts";
import { checkBulkDatum, checkDatum, checkDatumPage } from "./datum.ts";
import { checkDescriptor } from "./descriptor.ts";
import { checkEvent } from "./event.ts";
import { checkEventPage } from "./eventPage.ts";
import type { Check } from "./fields.ts";
import { checkResource } from "./resource.ts";
import { checkStart } from "./start.ts";
import { checkStop } from "./stop.ts";
import { checkStreamDatum } from "./streamDatum.ts";
import { checkStreamResource } from "./streamResource.ts";

export { FindingSink } from "./findings.ts";

/** The check of a document name; undefined for a name that is not one (callers may pass untrusted input). */
export function documentCheck(name: DocumentName): Check | undefined {
  switch (name) {
    case "start":
      return checkStart;
    case "stop":
      return checkStop;
    case "descriptor":
      return checkDescriptor;
    case "event":
      return checkEvent;
    case "event_page":
      return checkEventPage;
    case "resource":
      return checkResource;
    case "datum":
      return checkDatum;
    case "datum_page":
      return checkDatumPage;
    case "stream_resource":
      return checkStreamResource;
    case "stream_datum":
      return checkStreamDatum;
    case "bulk_events":
      return checkBulkEvents;
    case "bulk_datum":
      return checkBulkDatum;
    default:
      return undefined;
  }
}
