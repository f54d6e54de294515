// The Python client's read path (tiled 0.2 + bluesky-tiled-plugins, contract §3), replayed request by
// request against a real server over the real runs of ../shared/data, checking every field the client reads.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { tableFromIPC } from "apache-arrow";
import { unpackEventPage } from "../../src/documents/pages.ts";
import type { DocumentPair, Event, EventDescriptor, EventPage, RunStart } from "../../src/documents/types.ts";
import {
  AUTH,
  get,
  getJson,
  READ_CATALOGS,
  type ReadServer,
  startReadServer,
  withParams,
} from "./readServer.ts";

// The current catalog's server: the catalogs' suites run one after another, each starting its own.
let server: ReadServer;

const starts = () =>
  [...server.runs.values()].map((docs) => docs.find(([name]) => name === "start")![1] as RunStart);

/** The events of a stream in seq_num order, event_pages unpacked. */
function eventsOf(documents: DocumentPair[], stream: string): Event[] {
  const descriptors = new Set(
    documents
      .filter(
        ([name, doc]) => name === "descriptor" && ((doc as EventDescriptor).name ?? "primary") === stream,
      )
      .map(([, doc]) => (doc as EventDescriptor).uid),
  );
  return documents
    .flatMap(([name, doc]) =>
      name === "event" ? [doc as Event] : name === "event_page" ? unpackEventPage(doc as EventPage) : [],
    )
    .filter((event) => descriptors.has(event.descriptor))
    .sort((a, b) => a.seq_num - b.seq_num);
}

function checkRunItem(item: any, uid: string): void {
  assert.equal(item.id, uid);
  assert.equal(item.attributes.structure_family, "container");
  assert.deepEqual(item.attributes.specs, [{ name: "BlueskyRun", version: "1" }]);
  assert.equal(item.attributes.metadata.start.uid, uid);
  assert.ok("stop" in item.attributes.metadata, "metadata.stop must be present (null while open)");
  assert.ok("contents" in item.attributes.structure);
  assert.equal(item.attributes.structure.contents, null);
  for (const link of ["self", "search", "full"]) {
    assert.match(item.links[link], /^http:\/\//);
    assert.ok(!item.links[link].includes("?"), `${link} carries no query string`);
  }
  assert.equal(item.links.self, `${server.api}/metadata/${uid}`);
}

for (const catalog of READ_CATALOGS) {
  describe(`the Python client's read path over ${catalog.name}`, () => {
    // Runs are ingested once per catalog, before its first test.
    before(async () => {
      server = await startReadServer(catalog);
    });
    after(() => server.close());

    describe("(a) from_uri: 3 requests", () => {
      test("GET / answers without credentials", async () => {
        const response = await fetch(server.base, { redirect: "manual" });
        assert.ok(response.status < 500);
      });

      test("About is public, uncached, every field typed as the client's pydantic model wants", async () => {
        const response = await fetch(`${server.api}/`, {
          headers: { accept: "application/x-msgpack", "cache-control": "no-cache, no-store" },
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), "application/json");
        const about = (await response.json()) as any;
        assert.equal(about.api_version, 0);
        assert.match(about.library_version, /^\d+\.\d+\.\d+/);
        for (const [family, types] of Object.entries(about.formats)) {
          assert.equal(typeof family, "string");
          assert.ok(Array.isArray(types) && (types as unknown[]).every((type) => typeof type === "string"));
        }
        for (const byType of Object.values(about.aliases))
          for (const extensions of Object.values(byType as object)) assert.ok(Array.isArray(extensions));
        assert.ok(about.queries.includes("partial_uid") && about.queries.includes("eq"));
        assert.equal(about.authentication.required, true);
        assert.deepEqual(about.authentication.providers, []);
        assert.equal(about.authentication.links, null);
        assert.equal(about.links.self, `${server.api}/`);
        assert.equal(typeof about.links.documentation, "string");
        assert.equal(typeof about.meta, "object");
      });

      test("GET API/metadata/ (the root): CatalogOfBlueskyRuns, contents null, exact count, time sorting", async () => {
        const { status, body } = await getJson(`${server.api}/metadata/`);
        assert.equal(status, 200);
        const root = body.data;
        assert.equal(root.id, "");
        assert.equal(root.attributes.structure_family, "container");
        assert.deepEqual(root.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
        assert.deepEqual(root.attributes.structure, { contents: null, count: server.runs.size });
        assert.deepEqual(root.attributes.sorting, [{ key: "time", direction: 1 }]);
        assert.deepEqual(root.links, {
          self: `${server.api}/metadata/`,
          search: `${server.api}/search/`,
          full: `${server.api}/container/full/`,
        });
        assert.equal(typeof root.attributes.metadata, "object");
      });
    });

    describe("(b) lookups on the catalog", () => {
      test("c[-1]: one reverse-sorted page of 1 gives the newest run as a complete item", async () => {
        const newest = starts().sort((a, b) => b.time - a.time || a.uid.localeCompare(b.uid))[0];
        for (const sort of ["-time", "-"]) {
          const { body } = await getJson(`${server.api}/search/`, [
            ["page[offset]", "0"],
            ["page[limit]", "1"],
            ["sort", sort],
          ]);
          assert.equal(body.data.length, 1);
          checkRunItem(body.data[0], newest.uid);
          assert.equal(body.meta.count, server.runs.size);
          assert.ok("next" in body.links);
        }
      });

      test("c[uid]: GET API/metadata/<uid>; an unknown 36-character uid is 404 with a JSON object", async () => {
        const uid = [...server.runs.keys()][3];
        const { status, body } = await getJson(`${server.api}/metadata/${uid}`);
        assert.equal(status, 200);
        checkRunItem(body.data, uid);
        const missing = await get(`${server.api}/metadata/00000000-0000-4000-8000-000000000000`);
        assert.equal(missing.status, 404);
        assert.equal(missing.headers.get("content-type"), "application/json");
        const detail = (await missing.json()) as any;
        assert.match(detail.detail, /^No such entry/);
      });

      test("c['abcde']: partial_uid filter, page of 2, gives exactly the run", async () => {
        const uid = [...server.runs.keys()][5];
        const { body } = await getJson(`${server.api}/search/`, [
          ["page[offset]", "0"],
          ["page[limit]", "2"],
          ["filter[partial_uid][condition][partial_uids]", uid.slice(0, 8)],
          ["sort", "time"],
        ]);
        assert.equal(body.data.length, 1);
        checkRunItem(body.data[0], uid);
      });

      test("c[1234]: exact filtered fields=count, then the newest match by the reverse sort", async () => {
        const byScan = new Map<number, RunStart[]>();
        for (const start of starts())
          if (typeof start.scan_id === "number")
            byScan.set(start.scan_id, [...(byScan.get(start.scan_id) ?? []), start]);
        const [scanId, matches] = [...byScan].sort((a, b) => b[1].length - a[1].length)[0];
        assert.ok(matches.length > 1, "the real data holds repeated scan_ids");
        const filter: Array<[string, string]> = [
          ["filter[eq][condition][key]", "start.scan_id"],
          ["filter[eq][condition][value]", JSON.stringify(scanId)],
        ];
        const counted = await getJson(`${server.api}/search/`, [
          ["fields", "count"],
          ...filter,
          ["sort", "time"],
        ]);
        assert.equal(counted.body.meta.count, matches.length);
        assert.deepEqual(counted.body.data, []);
        const newest = matches.sort((a, b) => b.time - a.time)[0];
        const page = await getJson(`${server.api}/search/`, [
          ["page[offset]", "0"],
          ["page[limit]", "1"],
          ...filter,
          ["sort", "-time"],
        ]);
        checkRunItem(page.body.data[0], newest.uid);
        const none = await getJson(`${server.api}/search/`, [
          ["fields", "count"],
          ["filter[eq][condition][key]", "start.scan_id"],
          ["filter[eq][condition][value]", "987654321"],
        ]);
        assert.equal(none.body.meta.count, 0);
      });
    });

    describe("(c) search, len, iteration", () => {
      const scanFilter: Array<[string, string]> = [
        ["filter[eq][condition][key]", "start.plan_name"],
        ["filter[eq][condition][value]", '"scan"'],
      ];
      const scans = () =>
        starts()
          .filter((start) => start.plan_name === "scan")
          .sort((a, b) => a.time - b.time || a.uid.localeCompare(b.uid))
          .map((start) => start.uid);

      test("len(r): fields=count with the filter is exact", async () => {
        const { body } = await getJson(`${server.api}/search/`, [["fields", "count"], ...scanFilter]);
        assert.equal(body.meta.count, scans().length);
        assert.ok(scans().length > 10);
      });

      test("list(r): fields= without page parameters, then links.next until null, ids in time order", async () => {
        const ids: string[] = [];
        let link: string | null = withParams(`${server.api}/search/`, [["fields", ""], ...scanFilter]);
        let first = true;
        while (link) {
          // The client merges fields, filter and sort back into every next link (replacing equal keys).
          const url = new URL(link);
          if (!first)
            for (const [name, value] of [["fields", ""], ...scanFilter]) url.searchParams.set(name, value);
          url.searchParams.set("page[limit]", first ? "100" : "7");
          const { body } = await getJson(url.toString());
          assert.equal(body.meta.count, scans().length);
          ids.push(...body.data.map((item: any) => item.id));
          link = body.links.next;
          if (first && link === null) {
            // One page held everything: walk again in pages of 7 to exercise next.
            ids.length = 0;
            link = withParams(`${server.api}/search/`, [
              ["page[offset]", "0"],
              ["page[limit]", "7"],
              ["fields", ""],
              ...scanFilter,
            ]);
          }
          first = false;
        }
        assert.deepEqual(ids, scans());
      });

      test("r.values(): full items, every one a complete BlueskyRun item", async () => {
        const { body } = await getJson(`${server.api}/search/`, [
          ["page[offset]", "0"],
          ["page[limit]", "5"],
          ...scanFilter,
        ]);
        assert.equal(body.data.length, 5);
        body.data.forEach((item: any, i: number) => {
          checkRunItem(item, scans()[i]);
        });
        assert.match(body.links.next, /page%5Boffset%5D=5/);
      });
    });

    /** The USAXS / apstools run with the most primary events whose fields are all inline scalars. */
    function scalarRun(): { uid: string; documents: DocumentPair[]; fields: string[]; events: Event[] } {
      let best: { uid: string; documents: DocumentPair[]; fields: string[]; events: Event[] } | undefined;
      for (const [uid, documents] of server.runs) {
        const descriptor = documents.find(
          ([name, doc]) =>
            name === "descriptor" && ((doc as EventDescriptor).name ?? "primary") === "primary",
        )?.[1] as EventDescriptor | undefined;
        if (!descriptor) continue;
        const keys = Object.entries(descriptor.data_keys);
        if (keys.some(([, key]) => key.external || key.dtype !== "number" || (key.shape ?? []).length > 0))
          continue;
        const events = eventsOf(documents, "primary");
        if (!best || events.length > best.events.length)
          best = { uid, documents, fields: keys.map(([name]) => name), events };
      }
      return best!;
    }

    describe("(d) run.start, run['primary'], run.primary.read()", () => {
      test("run['primary']: BlueskyEventStream '1' with descriptors and stream_name", async () => {
        const { uid, documents } = scalarRun();
        const { status, body } = await getJson(`${server.api}/metadata/${uid}/primary`);
        assert.equal(status, 200);
        const stream = body.data;
        assert.deepEqual(stream.attributes.specs, [{ name: "BlueskyEventStream", version: "1" }]);
        assert.equal(stream.attributes.metadata.stream_name, "primary");
        const descriptors = documents.filter(
          ([name, doc]) =>
            name === "descriptor" && ((doc as EventDescriptor).name ?? "primary") === "primary",
        );
        assert.deepEqual(
          stream.attributes.metadata.descriptors.map((d: EventDescriptor) => d.uid),
          descriptors.map(([, doc]) => (doc as EventDescriptor).uid),
        );
        assert.deepEqual(stream.attributes.ancestors, [uid]);
        const children = await getJson(`${server.api}/search/${uid}/primary`);
        assert.deepEqual(
          children.body.data.map((item: any) => item.id),
          ["data", "timestamps", "config", "config_timestamps"],
        );
        const missing = await get(`${server.api}/metadata/${uid}/no_such_stream`);
        assert.equal(missing.status, 404);
        assert.equal(typeof ((await missing.json()) as any).detail, "string");
      });

      test("read(): data is an xarray_dataset; its variables; the wide-table Arrow fetch (GET and POST)", async () => {
        const { uid, fields, events } = scalarRun();
        const data = (await getJson(`${server.api}/metadata/${uid}/primary/data`)).body.data;
        assert.equal(data.attributes.specs[0].name, "xarray_dataset");
        assert.deepEqual(data.attributes.metadata.attrs, {});
        const listing = (await getJson(data.links.search, [["page[offset]", "0"]])).body;
        assert.deepEqual(
          listing.data.map((item: any) => item.id),
          ["time", ...fields],
        );
        for (const item of listing.data) {
          assert.equal(item.attributes.structure_family, "array");
          assert.deepEqual(item.attributes.specs, [
            { name: item.id === "time" ? "xarray_coord" : "xarray_data_var", version: null },
          ]);
          assert.equal(typeof item.attributes.metadata.attrs, "object");
          const structure = item.attributes.structure;
          assert.deepEqual(structure.data_type, {
            kind: "f",
            itemsize: 8,
            endianness: "little",
            dt_units: null,
          });
          assert.deepEqual(structure.shape, [events.length]);
          assert.deepEqual(structure.chunks, [[events.length]]);
          assert.deepEqual(structure.dims, ["time"]);
          assert.equal(structure.resizable, false);
          assert.equal(item.links.full, `${server.api}/array/full/${uid}/primary/data/${item.id}`);
          assert.equal(
            item.links.block,
            `${server.api}/array/block/${uid}/primary/data/${item.id}?block={0}`,
          );
        }
        const arrow = "application/vnd.apache.arrow.file";
        const coords = await fetch(
          withParams(data.links.full, [
            ["format", arrow],
            ["field", "time"],
          ]),
          { headers: AUTH },
        );
        assert.equal(coords.headers.get("content-type"), arrow);
        const coordBytes = new Uint8Array(await coords.arrayBuffer());
        assert.equal(new TextDecoder().decode(coordBytes.subarray(0, 6)), "ARROW1");
        assert.equal(new TextDecoder().decode(coordBytes.subarray(coordBytes.length - 6)), "ARROW1");
        assert.deepEqual(
          [...tableFromIPC(coordBytes).getChild("time")!.toArray()],
          events.map((event) => event.time),
        );

        const vars = await fetch(
          withParams(data.links.full, [
            ["format", arrow],
            ...fields.map((f): [string, string] => ["field", f]),
          ]),
          {
            headers: AUTH,
          },
        );
        const table = tableFromIPC(new Uint8Array(await vars.arrayBuffer()));
        for (const field of fields)
          assert.deepEqual(
            [...table.getChild(field)!.toArray()],
            events.map((event) => event.data[field]),
            field,
          );

        const posted = await fetch(withParams(data.links.full, [["format", arrow]]), {
          method: "POST",
          headers: { ...AUTH, "content-type": "application/json" },
          body: JSON.stringify(fields),
        });
        assert.equal(posted.status, 200);
        const postedTable = tableFromIPC(new Uint8Array(await posted.arrayBuffer()));
        assert.equal(postedTable.numRows, events.length);
        for (const field of fields) assert.ok(postedTable.getChild(field), field);
      });

      test("timestamps, config and config_timestamps are there as the client lists them", async () => {
        const { uid, fields, events } = scalarRun();
        const stamps = (await getJson(`${server.api}/search/${uid}/primary/timestamps`)).body;
        assert.deepEqual(
          stamps.data.map((item: any) => item.id),
          ["time", ...fields],
        );
        const bytes = await (
          await get(`${server.api}/array/full/${uid}/primary/timestamps/${fields[0]}`, [], {
            accept: "application/octet-stream",
          })
        ).arrayBuffer();
        assert.deepEqual(
          [...new Float64Array(bytes)],
          events.map((event) => event.timestamps[fields[0]]),
        );
        const config = (await getJson(`${server.api}/metadata/${uid}/primary/config`)).body.data;
        assert.equal(config.attributes.structure_family, "container");
        const devices = (await getJson(config.links.search)).body.data;
        for (const device of devices) assert.equal(device.attributes.specs[0].name, "xarray_dataset");
      });
    });

    describe("(e) run['primary']['data'][field].read(): raw bytes, external data filled on the server", () => {
      test("a scalar field: exactly prod(shape) * itemsize little-endian bytes", async () => {
        const { uid, fields, events } = scalarRun();
        const item = (await getJson(`${server.api}/metadata/${uid}/primary/data/${fields[0]}`)).body.data;
        const response = await get(item.links.full, [["expected_shape", String(events.length)]], {
          accept: "application/octet-stream",
        });
        assert.equal(response.headers.get("content-type"), "application/octet-stream");
        const values = new Float64Array(await response.arrayBuffer());
        assert.deepEqual(
          [...values],
          events.map((event) => event.data[fields[0]]),
        );
      });

      test("NPY_SEQ images of a databroker-pack: declared [n, 10, 10] float64 and the file's ones", async () => {
        const entry = [...server.runs].find(([, documents]) =>
          documents.some(
            ([name]) =>
              name === "resource" &&
              (documents.find(([n]) => n === "resource")![1] as { spec: string }).spec === "NPY_SEQ",
          ),
        )!;
        const [uid, documents] = entry;
        const n = eventsOf(documents, "primary").length;
        const item = (await getJson(`${server.api}/metadata/${uid}/primary/data/img`)).body.data;
        assert.deepEqual(item.attributes.structure.shape, [n, 10, 10]);
        assert.deepEqual(item.attributes.structure.dims.length, 3);
        assert.equal(item.attributes.structure.data_type.kind, "f");
        assert.equal(item.links.block, `${server.api}/array/block/${uid}/primary/data/img?block={0},{1},{2}`);
        const response = await get(item.links.full, [["expected_shape", `${n},10,10`]], {
          accept: "application/octet-stream",
        });
        assert.equal(response.status, 200);
        const values = new Float64Array(await response.arrayBuffer());
        assert.equal(values.length, n * 100);
        assert.ok(values.every((value) => value === 1));
        const wrong = await get(item.links.full, [["expected_shape", `${n},10,11`]], {
          accept: "application/octet-stream",
        });
        assert.equal(wrong.status, 422);
      });
    });

    describe("(f) run.documents()", () => {
      test("json-seq: ASCII-only {name, doc} lines, no blank lines, no plain datum, start first and stop last", async () => {
        for (const [uid, documents] of [...server.runs]
          .filter(([, docs]) => docs.some(([name]) => name === "datum" || name === "datum_page"))
          .slice(0, 3)) {
          const response = await get(`${server.api}/documents/${uid}`, [["fill", "false"]], {
            accept: "application/json-seq",
          });
          assert.equal(response.status, 200);
          const bytes = new Uint8Array(await response.arrayBuffer());
          assert.ok(
            bytes.every((byte) => byte < 128),
            "ASCII only",
          );
          const lines = new TextDecoder().decode(bytes).split("\n");
          assert.equal(lines.pop(), "");
          assert.ok(lines.every((line) => line.trim() !== ""));
          const records = lines.map((line) => JSON.parse(line));
          assert.ok(records.every((record) => Object.keys(record).join() === "name,doc"));
          assert.ok(!records.some((record) => record.name === "datum"));
          assert.equal(records[0].name, "start");
          assert.equal(records[0].doc.uid, uid);
          const hasStop = documents.some(([name]) => name === "stop");
          if (hasStop) assert.equal(records.at(-1).name, "stop");
          const datumIds = documents
            .filter(([name]) => name === "datum")
            .map(([, doc]) => (doc as { datum_id: string }).datum_id);
          const pagedIds = records
            .filter((record) => record.name === "datum_page")
            .flatMap((record) => record.doc.datum_id);
          for (const id of datumIds) assert.ok(pagedIds.includes(id), `datum ${id} is in a datum_page`);
        }
      });

      test("non-ASCII text in documents comes back as \\u escapes and reads back equal", async () => {
        // The reference data is all ASCII: a small run with accents, CJK and an emoji is stored here.
        const uid = "f00dcafe-0000-4000-8000-00000000a5c1";
        const start = { uid, time: 1700000000, scan_id: 1, operator: "J\u00fcrgen \u6e2c\u5b9a \u{1F600}" };
        const stop = {
          uid: "f00dcafe-0000-4000-8000-00000000a5c2",
          run_start: uid,
          time: 1700000001,
          exit_status: "success",
        };
        await server.broker.store.put([
          ["start", start],
          ["stop", stop],
        ] as DocumentPair[]);
        server.runs.set(uid, [
          ["start", start],
          ["stop", stop],
        ] as DocumentPair[]);
        const response = await get(`${server.api}/documents/${uid}`, [["fill", "false"]]);
        const bytes = new Uint8Array(await response.arrayBuffer());
        assert.ok(
          bytes.every((byte) => byte < 128),
          "ASCII only",
        );
        const text = new TextDecoder().decode(bytes);
        assert.ok(text.includes("\\u00fc") && text.includes("\\ud83d\\ude00"));
        const records = text
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line));
        assert.deepEqual(records[0], { name: "start", doc: start });
        assert.deepEqual(records[1], { name: "stop", doc: stop });
      });
    });

    describe("(g) export", () => {
      test("dataset as csv (the alias the client sends), header and one row per event", async () => {
        const { uid, fields, events } = scalarRun();
        const response = await fetch(
          withParams(`${server.api}/container/full/${uid}/primary/data`, [["format", "csv"]]),
          { headers: AUTH },
        );
        assert.equal(response.status, 200);
        assert.match(response.headers.get("content-type") ?? "", /^text\/csv/);
        const lines = (await response.text()).trim().split(/\r?\n/);
        assert.deepEqual(lines[0].split(","), ["time", ...fields]);
        assert.equal(lines.length, events.length + 1);
      });

      test("array as csv: one value per line", async () => {
        const { uid, fields, events } = scalarRun();
        const text = await (
          await fetch(
            withParams(`${server.api}/array/full/${uid}/primary/data/${fields[0]}`, [["format", "csv"]]),
            { headers: AUTH },
          )
        ).text();
        assert.deepEqual(
          text.trim().split("\n").map(Number),
          events.map((event) => event.data[fields[0]]),
        );
      });
    });
  });
}
