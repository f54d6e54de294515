// Search into data over HTTP, on the real reference runs, for every catalog kind the read suites use: the
// query language in `filter[query]` and the registered Tiled-style filters (datastat, datarange, datashape,
// hasdata) select exactly the runs a brute-force scan of the runs' own events selects; a field of external
// data not indexed yet is a 400 that says to run `databroker index`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { getJson, type Params, READ_CATALOGS, type ReadServer, startReadServer } from "./readServer.ts";

interface Seen {
  events: number;
  numbers: Map<string, number[]>;
  external: Set<string>;
}

/** Each stream's events and each field's numbers, read from the documents as ingested (NaN left out). */
function streamsOf(documents: DocumentPair[]): Map<string, Seen> {
  const streams = new Map<string, Seen>();
  const byDescriptor = new Map<string, Seen>();
  const add = (seen: Seen, data: Record<string, unknown>) => {
    for (const [field, value] of Object.entries(data)) {
      if (seen.external.has(field)) continue;
      const into = seen.numbers.get(field) ?? [];
      seen.numbers.set(field, into);
      for (const one of [value].flat(Number.POSITIVE_INFINITY))
        if (typeof one === "number" && !Number.isNaN(one)) into.push(one);
    }
  };
  for (const [name, doc] of documents as Array<[string, Record<string, any>]>) {
    if (name === "descriptor") {
      const stream = doc.name ?? "primary";
      const seen = streams.get(stream) ?? { events: 0, numbers: new Map(), external: new Set() };
      streams.set(stream, seen);
      for (const [field, key] of Object.entries(doc.data_keys as Record<string, { external?: string }>))
        if (key.external) seen.external.add(field);
      byDescriptor.set(doc.uid, seen);
    } else if (name === "event") {
      const seen = byDescriptor.get(doc.descriptor)!;
      seen.events++;
      add(seen, doc.data);
    } else if (name === "event_page") {
      const seen = byDescriptor.get(doc.descriptor)!;
      seen.events += doc.seq_num.length;
      for (let i = 0; i < doc.seq_num.length; i++)
        add(
          seen,
          Object.fromEntries(
            Object.entries(doc.data).map(([field, column]) => [field, (column as unknown[])[i]]),
          ),
        );
    }
  }
  return streams;
}

for (const catalog of READ_CATALOGS) {
  describe(`search into data over HTTP, ${catalog.name}`, () => {
    let server: ReadServer;
    let seen: Map<string, Map<string, Seen>>;
    before(async () => {
      server = await startReadServer(catalog);
      seen = new Map([...server.runs].map(([uid, documents]) => [uid, streamsOf(documents)]));
    });
    after(() => server.close());

    async function ids(params: Params): Promise<string[]> {
      const { status, body } = await getJson(`${server.api}/search/`, [...params, ["page[limit]", "300"]]);
      assert.equal(status, 200, JSON.stringify(body));
      return body.data.map((item: { id: string }) => item.id).sort();
    }
    const where = (holds: (streams: Map<string, Seen>) => boolean) =>
      [...seen]
        .filter(([, streams]) => holds(streams))
        .map(([uid]) => uid)
        .sort();
    const text = (query: string): Params => [["filter[query][condition][text]", query]];

    test("the language's data queries select what the events say", async () => {
      const max = (streams: Map<string, Seen>, stream: string, field: string) => {
        const numbers = streams.get(stream)?.numbers.get(field);
        return numbers && numbers.length > 0 ? Math.max(...numbers) : undefined;
      };
      // A field many runs recorded, and a threshold between their maxima.
      const maxima = [...seen.values()]
        .map((streams) => max(streams, "primary", "noisy_det"))
        .filter((value) => value !== undefined)
        .sort((a, b) => a! - b!) as number[];
      assert.ok(maxima.length >= 5, `noisy_det in ${maxima.length} runs`);
      const threshold = maxima[Math.floor(maxima.length / 2)];
      const expected = where(
        (streams) => (max(streams, "primary", "noisy_det") ?? Number.NEGATIVE_INFINITY) > threshold,
      );
      assert.ok(expected.length > 0 && expected.length < maxima.length);
      assert.deepEqual(await ids(text(`primary.noisy_det.max > ${threshold}`)), expected);
      assert.deepEqual(
        await ids([
          ["filter[datastat][condition][stream]", "primary"],
          ["filter[datastat][condition][field]", "noisy_det"],
          ["filter[datastat][condition][stat]", "max"],
          ["filter[datastat][condition][operator]", "gt"],
          ["filter[datastat][condition][value]", JSON.stringify(threshold)],
        ]),
        expected,
      );

      const many = where((streams) => (streams.get("primary")?.events ?? -1) >= 50);
      assert.ok(many.length > 0);
      assert.deepEqual(await ids(text("primary.events >= 50")), many);
      const withBaseline = where((streams) => streams.has("baseline"));
      assert.deepEqual(await ids(text("has baseline")), withBaseline);
      assert.deepEqual(await ids([["filter[hasdata][condition][stream]", "baseline"]]), withBaseline);
      assert.deepEqual(
        await ids(text("not has baseline")),
        [...seen.keys()].filter((uid) => !withBaseline.includes(uid)).sort(),
      );
    });

    test("distinct over a statistic counts each value's runs", async () => {
      const { status, body } = await getJson(`${server.api}/distinct/`, [
        ["metadata", "primary.events"],
        ["counts", "true"],
      ]);
      assert.equal(status, 200, JSON.stringify(body));
      const expected = new Map<number, number>();
      for (const streams of seen.values()) {
        const events = streams.get("primary")?.events;
        if (events !== undefined) expected.set(events, (expected.get(events) ?? 0) + 1);
      }
      assert.deepEqual(
        new Map(body.metadata["primary.events"].map(({ value, count }: any) => [value, count])),
        expected,
      );
      const perEvent = await getJson(`${server.api}/distinct/`, [["metadata", "primary.noisy_det.sum"]]);
      assert.equal(perEvent.status, 422);
      assert.match(JSON.stringify(perEvent.body), /per event/);
    });

    test("a field of external data not indexed yet is a 400 naming `databroker index`", async () => {
      const external = [...seen.values()]
        .flatMap((streams) =>
          [...streams].flatMap(([stream, one]) => [...one.external].map((f) => `${stream}.${f}`)),
        )
        .at(0);
      assert.ok(external, "the reference runs hold external data");
      const { status, body } = await getJson(`${server.api}/search/`, text(`${external}.max > 1`));
      assert.equal(status, 400);
      assert.match(JSON.stringify(body), /not indexed yet.*databroker index/);
    });
  });
}
