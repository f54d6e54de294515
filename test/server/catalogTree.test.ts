// A server of several catalogs (server/CatalogTree.ts), in process over real HTTP on loopback, with two real
// SQLite catalogs of ../shared/data: the root as a container of the catalogs, every path route under a
// catalog's name answering as it does at a catalog's root, a catalog's name before a run's uid, the routes
// without a path taking `catalog=`, a clear 404 for an unknown catalog, and the access policy hiding the
// same runs in every catalog.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { serverSentEvents } from "../../src/client/serverSentEvents.ts";
import type { DocumentPair, EventDescriptor } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { ALL_RUNS, MEMBERSHIPS, RUN_SPECS, runDocuments, VISIBLE } from "../access/accessFixture.ts";
import {
  makeTreeCatalogs,
  startTreeServer,
  type TreeCatalogs,
  type TreeServer,
} from "./catalogTreeServer.ts";
import { AUTH, get, getJson } from "./readServer.ts";

/** A run with a primary stream of plain numbers, and one such field. */
function scalarRun(runs: Map<string, DocumentPair[]>): { uid: string; field: string } {
  for (const [uid, documents] of runs) {
    const primary = documents.find(
      ([name, doc]) => name === "descriptor" && (doc as EventDescriptor).name === "primary",
    )?.[1] as EventDescriptor | undefined;
    const field = Object.entries(primary?.data_keys ?? {}).find(
      ([, key]) => key.dtype === "number" && key.external === undefined,
    )?.[0];
    const hasEvents = documents.some(([name]) => name === "event" || name === "event_page");
    if (field && hasEvents) return { uid, field };
  }
  throw new Error("no run with numeric events");
}

async function bytesOf(url: string, init: RequestInit = {}): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(url, { ...init, headers: { ...AUTH, ...init.headers } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function detailOf(url: string, init: RequestInit = {}): Promise<{ status: number; detail: string }> {
  const response = await fetch(url, { ...init, headers: { ...AUTH, ...init.headers } });
  const body = (await response.json()) as { detail: string };
  return { status: response.status, detail: body.detail };
}

let catalogs: TreeCatalogs;
before(async () => {
  catalogs = await makeTreeCatalogs();
});
after(() => catalogs.remove());

describe("named catalogs without a root catalog: the root is a container of them", () => {
  let server: TreeServer;
  before(async () => {
    server = await startTreeServer({ csx: catalogs.files.csx, chx: catalogs.files.chx });
  });
  after(() => server.close());

  test("GET metadata/: a container (no spec) counting the catalogs; search/ lists them in order, paged", async () => {
    const root = (await getJson(`${server.api}/metadata/`)).body.data;
    assert.equal(root.attributes.structure_family, "container");
    assert.deepEqual(root.attributes.specs, []);
    assert.deepEqual(root.attributes.structure, { contents: null, count: 2 });
    assert.equal(root.links.search, `${server.api}/search/`);
    const listing = (await getJson(`${server.api}/search/`)).body;
    assert.deepEqual(
      listing.data.map((item: any) => item.id),
      ["csx", "chx"],
    );
    assert.equal(listing.meta.count, 2);
    assert.equal(listing.links.next, null);
    for (const item of listing.data) {
      const name = item.id as "csx" | "chx";
      assert.deepEqual(item.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
      assert.deepEqual(item.attributes.structure, { contents: null, count: catalogs.runs[name].size });
      assert.deepEqual(item.attributes.ancestors, []);
      assert.equal(item.links.self, `${server.api}/metadata/${name}`);
      assert.equal(item.links.search, `${server.api}/search/${name}`);
    }
    const first = (await getJson(`${server.api}/search/`, [["page[limit]", "1"]])).body;
    assert.deepEqual(
      first.data.map((item: any) => item.id),
      ["csx"],
    );
    const second = (await getJson(first.links.next)).body;
    assert.deepEqual(
      second.data.map((item: any) => item.id),
      ["chx"],
    );
    assert.equal(second.links.next, null);
    const counted = (await getJson(`${server.api}/search/`, [["fields", "count"]])).body;
    assert.deepEqual([counted.meta.count, counted.data], [2, []]);
    const lookup = (await getJson(`${server.api}/search/`, [["filter[lookup][condition][key]", "chx"]])).body;
    assert.deepEqual(
      lookup.data.map((item: any) => item.id),
      ["chx"],
    );
  });

  test("a catalog under its name: CatalogOfBlueskyRuns, its runs, search and distinct", async () => {
    const csx = (await getJson(`${server.api}/metadata/csx`)).body.data;
    assert.deepEqual(csx.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
    assert.deepEqual(csx.attributes.sorting, [{ key: "time", direction: 1 }]);
    assert.equal(csx.id, "csx");
    const runs = (await getJson(csx.links.search, [["page[limit]", "300"]])).body;
    assert.equal(runs.meta.count, catalogs.runs.csx.size);
    assert.deepEqual(new Set(runs.data.map((item: any) => item.id)), new Set(catalogs.runs.csx.keys()));
    const run = runs.data[0];
    assert.deepEqual(run.attributes.ancestors, ["csx"]);
    assert.equal(run.links.self, `${server.api}/metadata/csx/${run.id}`);
    const planName = run.attributes.metadata.start.plan_name;
    const filter: Array<[string, string]> = [
      ["filter[eq][condition][key]", "start.plan_name"],
      ["filter[eq][condition][value]", JSON.stringify(planName)],
    ];
    const same = [...catalogs.runs.csx.values()].filter(
      (documents) => (documents[0][1] as { plan_name?: string }).plan_name === planName,
    );
    const found = (await getJson(`${server.api}/search/csx`, [["fields", "count"], ...filter])).body;
    assert.equal(found.meta.count, same.length);
    const distinct = (await getJson(`${server.api}/distinct/csx`, [["metadata", "start.plan_name"]])).body;
    assert.ok(distinct.metadata["start.plan_name"].some((entry: any) => entry.value === planName));
    // The tree's root holds catalogs, not runs: no distinct values there.
    assert.equal((await get(`${server.api}/distinct/`)).status, 405);
  });

  test("an unknown catalog is a 404 naming the catalogs there are, on path routes and on catalog=", async () => {
    const { uid } = scalarRun(catalogs.runs.csx);
    const message = /^No such entry: \['nope'\] is not a catalog of this server \(catalogs: csx, chx\)$/;
    for (const route of [
      "metadata/nope",
      `metadata/nope/${uid}`,
      `search/nope/${uid}/primary`,
      `table/full/nope/${uid}/primary/data`,
      `documents/nope/${uid}`,
      `annotations/nope/${uid}`,
      "fields?catalog=nope",
      "tags?catalog=nope",
    ]) {
      const { status, detail } = await detailOf(`${server.api}/${route}`);
      assert.equal(status, 404, route);
      assert.match(detail, message, route);
    }
    // A run of one catalog is not a run of the other.
    assert.equal((await get(`${server.api}/metadata/chx/${uid}`)).status, 404);
    // Without a root catalog no run is at the root.
    assert.equal((await get(`${server.api}/metadata/${uid}`)).status, 404);
  });
});

describe("a root catalog and named ones: every path route under a catalog's name", () => {
  let server: TreeServer;
  let run: { uid: string; field: string };
  /** A run of csx whose uid is also the name of a catalog. */
  let shadowed: string;
  before(async () => {
    run = scalarRun(catalogs.runs.csx);
    shadowed = [...catalogs.runs.csx.keys()].find((uid) => uid !== run.uid)!;
    // csx at the root too, and chx also mounted under the uid of a csx run (a name comes before a uid).
    server = await startTreeServer(
      { csx: catalogs.files.csx, chx: catalogs.files.chx, [shadowed]: catalogs.files.chx },
      catalogs.files.csx,
    );
  });
  after(() => server.close());

  test("the root lists the root catalog's runs; a catalog's name is resolved before a run's uid", async () => {
    const root = (await getJson(`${server.api}/metadata/`)).body.data;
    assert.deepEqual(root.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
    assert.equal(root.attributes.structure.count, catalogs.runs.csx.size);
    const csx = (await getJson(`${server.api}/metadata/csx`)).body.data;
    assert.deepEqual(csx.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
    // The uid names the catalog mounted under it, so the run is reached through its catalog's name.
    const named = (await getJson(`${server.api}/metadata/${shadowed}`)).body.data;
    assert.deepEqual(named.attributes.specs, [{ name: "CatalogOfBlueskyRuns", version: "1" }]);
    assert.equal(named.attributes.structure.count, catalogs.runs.chx.size);
    const item = (await getJson(`${server.api}/metadata/csx/${shadowed}`)).body.data;
    assert.deepEqual(item.attributes.specs, [{ name: "BlueskyRun", version: "1" }]);
    // A run of the root catalog that no name shadows is at the root, as before.
    assert.equal((await getJson(`${server.api}/metadata/${run.uid}`)).body.data.id, run.uid);
    // No catalog named so and no such run: Tiled's 404.
    const missing = await detailOf(`${server.api}/metadata/nope`);
    assert.deepEqual(missing, { status: 404, detail: "No such entry: ['nope']" });
  });

  test("metadata, search, stream and dataset items name their catalog in their links and ancestors", async () => {
    const { uid } = run;
    const item = (await getJson(`${server.api}/metadata/csx/${uid}/primary/data`)).body.data;
    assert.deepEqual(item.attributes.ancestors, ["csx", uid, "primary"]);
    assert.equal(item.links.self, `${server.api}/metadata/csx/${uid}/primary/data`);
    assert.equal(item.links.full, `${server.api}/container/full/csx/${uid}/primary/data`);
    const variables = (await getJson(item.links.search)).body.data;
    const variable = variables.find((entry: any) => entry.id === run.field);
    assert.equal(variable.links.full, `${server.api}/array/full/csx/${uid}/primary/data/${run.field}`);
    const atRoot = (await getJson(`${server.api}/search/${uid}/primary/data`)).body.data;
    assert.deepEqual(
      variables.map((entry: any) => [entry.id, entry.attributes.structure]),
      atRoot.map((entry: any) => [entry.id, entry.attributes.structure]),
    );
  });

  test("each data route answers the same bytes under the catalog's name as at the root", async () => {
    const { uid, field } = run;
    const arrow = { accept: "application/vnd.apache.arrow.file" };
    const routes: Array<[string, RequestInit?]> = [
      [`table/full/{}/primary/data`, { headers: arrow }],
      [`table/full/{}/primary/data?column=${field}`, { headers: arrow }],
      [
        `table/full/{}/primary/data`,
        {
          method: "POST",
          headers: { ...arrow, "content-type": "application/json" },
          body: JSON.stringify([field]),
        },
      ],
      [`table/partition/{}/primary/data?partition=0`, { headers: arrow }],
      [`container/full/{}/primary/data?field=time`, { headers: arrow }],
      [`container/full/{}`, { headers: { accept: "application/json-seq" } }],
      [`array/full/{}/primary/data/${field}`, { headers: { accept: "application/octet-stream" } }],
      [`array/block/{}/primary/data/${field}?block=0`, { headers: { accept: "application/octet-stream" } }],
      [`array/full/{}/primary/timestamps/${field}?format=json`],
      [`documents/{}?fill=false`],
      [`provenance/{}`, { headers: { accept: "application/json" } }],
      [`lineage/{}`, { headers: { accept: "application/json" } }],
      [`annotations/{}`],
    ];
    for (const [route, init] of routes) {
      const atRoot = await bytesOf(`${server.api}/${route.replace("{}", uid)}`, init);
      const named = await bytesOf(`${server.api}/${route.replace("{}", `csx/${uid}`)}`, init);
      assert.equal(atRoot.status, 200, `${route}: ${atRoot.bytes.toString().slice(0, 200)}`);
      assert.equal(named.status, 200, `${route} under csx: ${named.bytes.toString().slice(0, 200)}`);
      assert.ok(atRoot.bytes.equals(named.bytes), `${route}: the same answer under csx`);
    }
  });

  test("a run of a named catalog only: under its name, not at the root nor under another name", async () => {
    const [uid] = catalogs.runs.chx.keys();
    assert.equal((await get(`${server.api}/metadata/chx/${uid}`)).status, 200);
    assert.equal((await get(`${server.api}/documents/chx/${uid}`)).status, 200);
    for (const route of [
      `metadata/${uid}`,
      `metadata/csx/${uid}`,
      `documents/${uid}`,
      `provenance/csx/${uid}`,
    ])
      assert.equal((await get(`${server.api}/${route}`)).status, 404, route);
    const fields = (await getJson(`${server.api}/fields`, [["catalog", "chx"]])).body.fields;
    const rootFields = (await getJson(`${server.api}/fields`)).body.fields;
    assert.notDeepEqual(fields, rootFields, "catalog= picks the catalog the fields come from");
  });

  test("writes under a name go to that catalog: ingest, annotations, tags, metadata, alias, delete", async () => {
    const documents = runDocuments({
      uid: "cccc0000-0000-4000-8000-000000000001",
      scan_id: 7,
      plan_name: "tree_write",
      beamline_id: "X",
      proposal_id: "P1",
      beamtime: "B1",
    });
    const uid = "cccc0000-0000-4000-8000-000000000001";
    const posted = await fetch(`${server.api}/documents/?catalog=chx`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify(documents),
    });
    assert.equal(posted.status, 200, await posted.text());
    assert.equal((await get(`${server.api}/metadata/chx/${uid}`)).status, 200);
    assert.equal((await get(`${server.api}/metadata/${uid}`)).status, 404, "not in the root catalog");

    const alias = await get(`${server.api}/alias/chx/X/P1/B1/latest`);
    assert.equal(alias.status, 200);
    assert.equal(alias.headers.get("content-location"), `${server.api}/metadata/chx/${uid}`);
    assert.equal((await get(`${server.api}/alias/X/P1/B1/latest`)).status, 404, "not in the root catalog");

    const created = await fetch(`${server.api}/annotations/chx/${uid}`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ tags: ["tree"] }),
    });
    assert.equal(created.status, 201);
    const annotation = (await created.json()) as { id: string; revision: number };
    assert.equal(created.headers.get("location"), `/api/v1/annotations/chx/${uid}/${annotation.id}`);
    const one = await getJson(`${server.api}/annotations/chx/${uid}/${annotation.id}`);
    assert.deepEqual(one.body.tags, ["tree"]);
    const edited = await fetch(`${server.api}/annotations/chx/${uid}/${annotation.id}`, {
      method: "PATCH",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ tags: ["tree", "edited"], revision: annotation.revision }),
    });
    assert.equal(edited.status, 200, await edited.text());
    const revisions = await getJson(`${server.api}/annotations/chx/${uid}/${annotation.id}/revisions`);
    assert.equal(revisions.body.meta.count, 2);
    const tags = (await getJson(`${server.api}/tags`, [["catalog", "chx"]])).body.data;
    assert.ok(tags.some((entry: any) => entry.tag === "edited"));
    const rootTags = (await getJson(`${server.api}/tags`)).body.data;
    assert.ok(!rootTags.some((entry: any) => entry.tag === "edited"), "the root catalog has no such tag");
    const runRevisions = await getJson(`${server.api}/revisions/chx/${uid}`);
    assert.equal(runRevisions.body.meta.count, 2);
    const item = (await getJson(`${server.api}/metadata/chx/${uid}`)).body.data;
    assert.deepEqual(
      item.attributes.metadata.annotations.map((entry: any) => entry.tags),
      [["tree", "edited"]],
    );
    const patched = await fetch(`${server.api}/metadata/chx/${uid}`, {
      method: "PATCH",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({
        metadata: [{ op: "add", path: "/annotations/-", value: { tags: ["patched"] } }],
      }),
    });
    const patchedText = await patched.text();
    assert.equal(patched.status, 200, patchedText);
    assert.equal((JSON.parse(patchedText) as { id: string }).id, uid);
    const removed = await fetch(`${server.api}/annotations/chx/${uid}/${annotation.id}`, {
      method: "DELETE",
      headers: { ...AUTH, "if-match": '"2"' },
    });
    assert.equal(removed.status, 200, await removed.text());

    const deleted = await fetch(`${server.api}/metadata/chx/${uid}`, { method: "DELETE", headers: AUTH });
    assert.equal(deleted.status, 204);
    assert.equal((await get(`${server.api}/metadata/chx/${uid}`)).status, 404);
  });

  test("live streams: a run's documents under its catalog's name; the listing of the catalog catalog= names", async () => {
    const [uid, documents] = [...catalogs.runs.chx][0];
    const response = await fetch(`${server.api}/stream/run/chx/${uid}`, {
      headers: { ...AUTH, accept: "text/event-stream" },
    });
    assert.equal(response.status, 200);
    const names: string[] = [];
    for await (const message of serverSentEvents(response.body as unknown as AsyncIterable<Uint8Array>)) {
      if (message.event === "end") break;
      names.push(JSON.parse(message.data)[0]);
    }
    assert.equal(names.length, documents.length);
    assert.equal(
      (await get(`${server.api}/stream/run/${uid}`, [], { accept: "text/event-stream" })).status,
      404,
    );
    const head = (path: string) =>
      fetch(`${server.api}/${path}`, { method: "HEAD", headers: { ...AUTH, accept: "text/event-stream" } });
    assert.equal((await head("stream/runs?catalog=chx")).status, 200);
    assert.equal((await head("stream/runs?catalog=nope")).status, 404);
  });
});

describe("the access policy hides the same runs in every catalog", () => {
  const dir = mkdtempSync(join(tmpdir(), "databroker-tree-access-"));
  let api: string;
  let keys: Record<string, string>;
  let close: () => Promise<void>;
  /** The second catalog's copy of a run of the access world: the same beamtime, another uid. */
  const otherUid = (uid: string) => uid.replace(/^aaaa/, "bbbb");

  before(async () => {
    const one = await openStore(join(dir, "one.sqlite"));
    const two = await openStore(join(dir, "two.sqlite"));
    for (const spec of Object.values(RUN_SPECS)) {
      await one.put(runDocuments(spec));
      await two.put(runDocuments({ ...spec, uid: otherUid(spec.uid) }));
    }
    const first = new Broker(one);
    // The first catalog's access data (no root catalog here): what signs callers in and what they see.
    await first.access.loadMemberships(MEMBERSHIPS, "test");
    keys = {};
    for (const { id } of MEMBERSHIPS.users)
      keys[id] = (await first.access.createKey({ owner: id }, "test")).secret;
    const app = await createServer({ catalogs: { one: first, two: new Broker(two) }, logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    api = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
    close = async () => {
      await app.close();
      await one.close();
      await two.close();
    };
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (user: string): Record<string, string> =>
    user === "anonymous" ? {} : { authorization: `Apikey ${keys[user]}` };

  test("each user lists exactly their runs in each catalog; a hidden run is a 404 on every run route", async () => {
    for (const [user, visible] of Object.entries(VISIBLE)) {
      for (const [catalog, uidOf] of [
        ["one", (uid: string) => uid],
        ["two", otherUid],
      ] as const) {
        const response = await fetch(`${api}/search/${catalog}?page[limit]=300&fields=`, {
          headers: as(user),
        });
        assert.equal(response.status, 200, `${user} lists ${catalog}`);
        const ids = ((await response.json()) as { data: Array<{ id: string }> }).data.map((item) => item.id);
        const expected = visible.map((name) => uidOf(RUN_SPECS[name].uid));
        assert.deepEqual(new Set(ids), new Set(expected), `${user} in ${catalog}`);
        for (const hidden of ALL_RUNS.filter((name) => !visible.includes(name))) {
          const uid = uidOf(RUN_SPECS[hidden].uid);
          for (const route of [
            `metadata/${catalog}/${uid}`,
            `search/${catalog}/${uid}/primary`,
            `table/full/${catalog}/${uid}/primary/data`,
            `documents/${catalog}/${uid}`,
            `annotations/${catalog}/${uid}`,
            `provenance/${catalog}/${uid}`,
          ]) {
            const answer = await fetch(`${api}/${route}`, { headers: as(user) });
            assert.equal(answer.status, 404, `${user}: ${route} of hidden ${hidden}`);
          }
          const live = await fetch(`${api}/stream/run/${catalog}/${uid}`, {
            method: "HEAD",
            headers: { ...as(user), accept: "text/event-stream" },
          });
          assert.equal(live.status, 404, `${user}: live ${catalog}/${hidden}`);
        }
      }
    }
  });

  test("re-tagging a run of the second catalog (catalog=two) moves it out of its beamtime's view there only", async () => {
    const moved = otherUid(RUN_SPECS.R1a.uid);
    const retag = await fetch(`${api}/access/retag?catalog=two`, {
      method: "POST",
      headers: { ...as("staffX"), "content-type": "application/json" },
      body: JSON.stringify({ uid: moved, beamtime: "B1b" }),
    });
    assert.equal(retag.status, 200, await retag.text());
    // u1 works on B1a: its run in the first catalog stays visible, the re-tagged copy is gone.
    assert.equal(
      (await fetch(`${api}/metadata/one/${RUN_SPECS.R1a.uid}`, { headers: as("u1") })).status,
      200,
    );
    assert.equal((await fetch(`${api}/metadata/two/${moved}`, { headers: as("u1") })).status, 404);
    assert.equal((await fetch(`${api}/metadata/two/${moved}`, { headers: as("pi1") })).status, 200);
    // The run is looked up in the catalog named: in the first one it is unknown.
    const elsewhere = await fetch(`${api}/access/retag?catalog=one`, {
      method: "POST",
      headers: { ...as("staffX"), "content-type": "application/json" },
      body: JSON.stringify({ uid: moved, beamtime: "B1a" }),
    });
    assert.equal(elsewhere.status, 404);
  });
});
