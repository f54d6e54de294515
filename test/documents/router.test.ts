// The document router: dispatch by name, replacements, and the bridges event <-> event_page,
// datum <-> datum_page and the deprecated bulk documents, on a real tutorial run.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { packEventPage, unpackDatumPage, unpackEventPage } from "../../src/documents/pages.ts";
import { DocumentRouter } from "../../src/documents/router.ts";
import type {
  Datum,
  DatumPage,
  DocumentPair,
  Event,
  EventPage,
  RunStart,
  RunStop,
} from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import { dataPath } from "../support/sharedData.ts";
import { loadPairs } from "./loadPairs.ts";

// Event pages (with `filled`) and datum pages of a real run.
const newton = await loadPairs(
  dataPath("bluesky-tutorials/example_data/17edf994-bcbe-4113-840b-3ccebb1dfdbe.jsonl"),
);
const pagesOf = <T>(name: string) => newton.filter((pair) => pair[0] === name).map((pair) => pair[1] as T);
const eventPages = pagesOf<EventPage>("event_page");
const datumPages = pagesOf<DatumPage>("datum_page");

function routeAll(router: DocumentRouter, pairs: DocumentPair[]): DocumentPair[] {
  return pairs.map(([name, doc]) => [name, router.route(name, doc as never)] as DocumentPair);
}

describe("DocumentRouter", () => {
  test("dispatches by name from an object of handlers; nothing returned means unchanged", () => {
    const seen: string[] = [];
    const router = new DocumentRouter({
      start: (doc) => {
        seen.push(`start ${doc.uid}`);
      },
      stop: (doc) => ({ ...doc, reason: "routed" }),
    });
    const out = routeAll(router, newton);
    assert.deepEqual(seen, [`start ${(newton[0][1] as RunStart).uid}`]);
    assert.equal(out[0][1], newton[0][1]);
    assert.equal((out.at(-1)![1] as RunStop).reason, "routed");
    // Documents without a handler pass through as the very same objects.
    for (let i = 1; i < newton.length - 1; i++) assert.equal(out[i][1], newton[i][1]);
  });

  test("handlers may be methods of a subclass", () => {
    class Counter extends DocumentRouter {
      events = 0;
      override event_page(page: EventPage): undefined {
        this.events += page.uid.length;
        return undefined;
      }
    }
    const counter = new Counter();
    routeAll(counter, newton);
    assert.equal(
      counter.events,
      eventPages.reduce((sum, page) => sum + page.uid.length, 0),
    );
  });

  test("an event page reaches an event handler row by row, and comes back a page", () => {
    const router = new DocumentRouter({
      event: (event) =>
        event.data.ns_gap === undefined ? undefined : { ...event, data: { ...event.data, ns_gap: -1 } },
    });
    for (const page of eventPages) {
      const out = router.route("event_page", page);
      if (!("ns_gap" in page.data)) {
        assert.equal(out, page);
        continue;
      }
      assert.deepEqual(
        out.data.ns_gap,
        page.data.ns_gap.map(() => -1),
      );
      assert.deepEqual({ ...out, data: {} }, { ...page, data: {} });
    }
  });

  test("an event reaches an event_page handler as a one-row page, and comes back an event", () => {
    const pages: EventPage[] = [];
    const router = new DocumentRouter({
      event_page: (page) => {
        pages.push(page);
        return { ...page, time: page.time.map((t) => t + 1) };
      },
    });
    const [event] = unpackEventPage(eventPages[1]);
    const out = router.route("event", event);
    assert.deepEqual(pages, [packEventPage([event])]);
    assert.deepEqual(out, { ...event, time: event.time + 1 });
    // Unchanged pages give back the very same event.
    assert.equal(new DocumentRouter({ event_page: () => undefined }).route("event", event), event);
  });

  test("datum <-> datum_page the same way", () => {
    const datums: Datum[] = [];
    const perDatum = new DocumentRouter({
      datum: (datum) => {
        datums.push(datum);
        return undefined;
      },
    });
    for (const page of datumPages) assert.equal(perDatum.route("datum_page", page), page);
    assert.deepEqual(datums, datumPages.flatMap(unpackDatumPage));

    const perPage = new DocumentRouter({ datum_page: (page) => ({ ...page, datum_kwargs: { gap: [0] } }) });
    assert.deepEqual(perPage.route("datum", datums[3]), { ...datums[3], datum_kwargs: { gap: 0 } });
  });

  test("bulk documents travel as pages to page or row handlers", () => {
    const events = eventPages.flatMap(unpackEventPage);
    const bulk: Record<string, Event[]> = {};
    for (const event of events) (bulk[event.descriptor] ??= []).push(event);
    const seen: Event[] = [];
    const router = new DocumentRouter({
      event: (event) => {
        seen.push(event);
        return { ...event, seq_num: event.seq_num + 100 };
      },
      datum_page: (page) => ({ ...page, resource: "elsewhere" }),
    });
    const out = router.route("bulk_events", bulk);
    assert.equal(seen.length, events.length);
    for (const [descriptor, list] of Object.entries(bulk)) {
      assert.deepEqual(
        out[descriptor].map((event) => event.seq_num),
        list.map((event) => event.seq_num + 100),
      );
    }
    const datums = datumPages.flatMap(unpackDatumPage);
    const bulkDatum = {
      resource: datums[0].resource,
      datum_ids: datums.map((d) => d.datum_id),
      datum_kwarg_list: datums.map((d) => d.datum_kwargs),
    };
    assert.deepEqual(router.route("bulk_datum", bulkDatum), { ...bulkDatum, resource: "elsewhere" });
    assert.equal(new DocumentRouter().route("bulk_datum", bulkDatum), bulkDatum);
  });

  test("validate: a handler's replacement must pass its schema", () => {
    const start = newton[0][1] as RunStart;
    const breaking = new DocumentRouter(
      { start: (doc) => ({ ...doc, time: "noon" as never }) },
      { validate: true },
    );
    assert.throws(
      () => breaking.route("start", start),
      (error: ValidationError) => error instanceof ValidationError && error.findings[0].path === "time",
    );
    const fine = new DocumentRouter({ start: (doc) => ({ ...doc, note: "ok" }) }, { validate: true });
    assert.equal(fine.route("start", start).note, "ok");
  });
});
