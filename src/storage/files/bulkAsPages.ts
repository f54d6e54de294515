// The deprecated bulk documents as the pages they stand for (bulk_events -> event_pages, bulk_datum ->
// datum_page), which is how every store replays them: the files adapter writes that form.
import { bulkDatumToDatumPage, bulkEventsToEventPages } from "../../documents/pages.ts";
import type { DocumentPair } from "../../documents/types.ts";

export function* bulkAsPages(documents: Iterable<DocumentPair>): Generator<DocumentPair> {
  for (const pair of documents) {
    if (pair[0] === "bulk_events")
      for (const page of bulkEventsToEventPages(pair[1])) yield ["event_page", page];
    else if (pair[0] === "bulk_datum") yield ["datum_page", bulkDatumToDatumPage(pair[1])];
    else yield pair;
  }
}
