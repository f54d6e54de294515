// The Python client (tiled 0.2 + bluesky-tiled-plugins, ../shared/reference/python-client-contract.md) browsing a
// server of several catalogs, replayed request by request as the client sends them (Debian's python3 has no
// tiled to run it): from_uri -> list(c) -> c["csx"] -> c["csx"][uid] -> search, len, c[-1], a partial uid ->
// run["primary"]["data"].read() -> run.documents(). With a root catalog the client's c["csx"] is a partial-uid
// lookup (the plugin's CatalogOfBlueskyRuns never asks the server for a key that is not a uid), so there a
// named catalog is opened as from_uri(".../api/v1/metadata/csx"), whose requests are replayed too.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { tableFromIPC } from "apache-arrow";
import { unpackEventPage } from "../../src/documents/pages.ts";
import type { DocumentPair, Event, EventDescriptor, EventPage, RunStart } from "../../src/documents/types.ts";
import {
  makeTreeCatalogs,
  startTreeServer,
  type TreeCatalogs,
  type TreeServer,
} from "./catalogTreeServer.ts";
import { AUTH, get, getJson, withParams } from "./readServer.ts";

const ARROW = "application/vnd.apache.arrow.file";

/** The primary events of a run, in seq_num order, pages unpacked. */
function primaryEvents(documents: DocumentPair[]): Event[] {
  const primary = new Set(
    documents
      .filter(([name, doc]) => name === "descriptor" && (doc as EventDescriptor).name === "primary")
      .map(([, doc]) => (doc as EventDescriptor).uid),
  );
  return documents
    .flatMap(([name, doc]) =>
      name === "event" ? [doc as Event] : name === "event_page" ? unpackEventPage(doc as EventPage) : [],
    )
    .filter((event) => primary.has(event.descriptor))
    .sort((a, b) => a.seq_num - b.seq_num);
}

/** A run whose primary stream holds float fields, with them and its events. */
function floatRun(runs: Map<string, DocumentPair[]>) {
  for (const [uid, documents] of runs) {
    const events = primaryEvents(documents);
    const fields = Object.keys(events[0]?.data ?? {}).filter((field) =>
      events.every((event) => typeof event.data[field] === "number" && !Number.isInteger(event.data[field])),
    );
    if (events.length > 1 && fields.length > 0) return { uid, documents, events, field: fields[0] };
  }
  throw new Error("no run with float fields in its primary stream");
}

/** The client's `link` minus a trailing slash, with `key` appended (Container.__getitem__). */
const child = (link: string, key: string) => `${link.replace(/\/$/, "")}/${key}`;

/** The requests of c["csx"]-and-below, from the catalog's item on (the same whatever opened it). */
async function browseCatalog(csx: any, catalogs: TreeCatalogs): Promise<void> {
  assert.equal(csx.attributes.structure_family, "container");
  assert.deepEqual(csx.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
  assert.deepEqual(csx.attributes.structure, { contents: null, count: catalogs.runs.csx.size });
  const starts = [...catalogs.runs.csx.values()].map((documents) => documents[0][1] as RunStart);

  // c["csx"][-1]: the newest run, one reverse-sorted page of 1.
  const newest = [...starts].sort((a, b) => b.time - a.time || a.uid.localeCompare(b.uid))[0];
  const last = await getJson(csx.links.search, [
    ["page[offset]", "0"],
    ["page[limit]", "1"],
    ["sort", "-time"],
  ]);
  assert.equal(last.body.data[0].id, newest.uid);
  assert.equal(last.body.meta.count, catalogs.runs.csx.size);

  // c["csx"].search(Key("plan_name") == name): len() and list() (fields=, following links.next).
  const planName = starts[0].plan_name;
  const filter: Array<[string, string]> = [
    ["filter[eq][condition][key]", "start.plan_name"],
    ["filter[eq][condition][value]", JSON.stringify(planName)],
  ];
  const matching = starts.filter((start) => start.plan_name === planName).map((start) => start.uid);
  const counted = await getJson(csx.links.search, [["fields", "count"], ...filter, ["sort", "time"]]);
  assert.equal(counted.body.meta.count, matching.length);
  const listed: string[] = [];
  let next: string | null = withParams(csx.links.search, [["fields", ""], ...filter, ["sort", "time"]]);
  while (next !== null) {
    const page: { body: any } = await getJson(next, [["page[limit]", "2"]]);
    listed.push(...page.body.data.map((item: any) => item.id));
    next = page.body.links.next;
  }
  assert.deepEqual(new Set(listed), new Set(matching));

  // c["csx"]["abcdefgh"]: a partial uid, a page of 2 that holds exactly the run.
  const { uid, documents, events, field } = floatRun(catalogs.runs.csx);
  const partial = await getJson(csx.links.search, [
    ["page[offset]", "0"],
    ["page[limit]", "2"],
    ["filter[partial_uid][condition][partial_uids]", uid.slice(0, 8)],
    ["sort", "time"],
  ]);
  assert.deepEqual(
    partial.body.data.map((item: any) => item.id),
    [uid],
  );

  // c["csx"][uid]: a 36-character key is asked for directly under the catalog's own link.
  const run = (await getJson(child(csx.links.self, uid))).body.data;
  assert.deepEqual(run.attributes.specs, [{ name: "BlueskyRun", version: "1" }]);
  assert.equal(run.attributes.metadata.start.uid, uid);
  assert.ok("stop" in run.attributes.metadata);
  assert.equal(run.attributes.structure.contents, null);

  // run["primary"]["data"].read(): the stream, the dataset, its variables, the wide-table Arrow fetch.
  const stream = (await getJson(child(run.links.self, "primary"))).body.data;
  assert.deepEqual(stream.attributes.specs, [{ name: "BlueskyEventStream", version: "1" }]);
  const data = (await getJson(child(stream.links.self, "data"))).body.data;
  assert.equal(data.attributes.specs[0].name, "xarray_dataset");
  const variables = (await getJson(data.links.search, [["page[offset]", "0"]])).body.data;
  assert.ok(variables.some((item: any) => item.id === field));
  for (const fetched of ["time", field]) {
    const response = await fetch(
      withParams(data.links.full, [
        ["format", ARROW],
        ["field", fetched],
      ]),
      { headers: AUTH },
    );
    assert.equal(response.headers.get("content-type"), ARROW);
    const column = tableFromIPC(new Uint8Array(await response.arrayBuffer())).getChild(fetched)!;
    assert.deepEqual(
      [...column.toArray()],
      events.map((event) => (fetched === "time" ? event.time : event.data[field])),
      fetched,
    );
  }
  // run[...]["data"][field].read(): its raw bytes.
  const variable = variables.find((item: any) => item.id === field);
  const raw = await get(variable.links.full, [["expected_shape", String(events.length)]], {
    accept: "application/octet-stream",
  });
  assert.deepEqual(
    [...new Float64Array(await raw.arrayBuffer())],
    events.map((event) => event.data[field]),
  );

  // run.documents(): the run's self link with /metadata replaced by /documents.
  const exported = await get(run.links.self.replace("/metadata", "/documents"), [["fill", "false"]], {
    accept: "application/json-seq",
  });
  assert.equal(exported.status, 200);
  const lines = (await exported.text()).split("\n").filter((line) => line !== "");
  assert.equal(JSON.parse(lines[0]).name, "start");
  assert.equal(JSON.parse(lines.at(-1)!).name, documents.at(-1)![0]);
}

let catalogs: TreeCatalogs;
before(async () => {
  catalogs = await makeTreeCatalogs();
});
after(() => catalogs.remove());

describe("the Python client browses a server of named catalogs: from_uri(url), c['csx']", () => {
  let server: TreeServer;
  before(async () => {
    server = await startTreeServer({ csx: catalogs.files.csx, chx: catalogs.files.chx });
  });
  after(() => server.close());

  test("from_uri -> list(c) -> c['csx'] -> runs, search, a stream's table, documents", async () => {
    const base = server.api.replace(/\/api\/v1$/, "");
    // from_uri: GET base (no credentials, any status), About (public), then the root.
    assert.ok((await fetch(base, { redirect: "manual" })).status < 500);
    const about = await fetch(`${server.api}/`, { headers: { accept: "application/x-msgpack" } });
    assert.equal(about.status, 200);
    const root = (await getJson(`${server.api}/metadata/`)).body.data;
    // No spec: the client makes it a plain Container, whose c[key] asks the server for the key.
    assert.deepEqual(root.attributes.specs, []);
    assert.deepEqual(root.attributes.structure, { contents: null, count: 2 });

    // list(c): fields= without page parameters; the root's sorting is null, so no sort is sent.
    const listing = (await getJson(root.links.search, [["fields", ""]])).body;
    assert.deepEqual(
      listing.data.map((item: any) => item.id),
      ["csx", "chx"],
    );
    assert.equal(listing.meta.count, 2);
    assert.equal(listing.links.next, null);

    // c["csx"]: GET {root self minus trailing /}/csx.
    const csx = await getJson(child(root.links.self, "csx"));
    assert.equal(csx.status, 200);
    await browseCatalog(csx.body.data, catalogs);
    // c["nope"]: a 404, which the client raises as KeyError.
    assert.equal((await get(child(root.links.self, "nope"))).status, 404);
  });
});

describe("the Python client on a server with a root catalog: from_uri('.../api/v1/metadata/csx')", () => {
  let server: TreeServer;
  before(async () => {
    server = await startTreeServer({ csx: catalogs.files.csx, chx: catalogs.files.chx }, catalogs.files.chx);
  });
  after(() => server.close());

  test("the node URI's first GET goes without credentials, then About, then the catalog's metadata", async () => {
    const nodeUri = `${server.api}/metadata/csx`;
    // Any answer will do (here a 401: the data needs the key), as long as it is not a redirect elsewhere.
    const first = await fetch(nodeUri, { redirect: "manual" });
    assert.ok(first.status < 500 && first.headers.get("location") === null);
    assert.equal((await fetch(`${server.api}/`)).status, 200);
    const csx = await getJson(nodeUri);
    assert.equal(csx.status, 200);
    await browseCatalog(csx.body.data, catalogs);
  });
});
