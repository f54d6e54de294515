// Our `filter[query][condition][text]` over HTTP: the query language (parseQuery.ts) as the web page's search
// box sends it, on search (items and fields=count) and distinct, ANDed with Tiled's filters; a syntax error
// is a 400 whose detail points at the column.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunStart } from "../../src/documents/types.ts";
import { getJson, type Params, READ_CATALOGS, type ReadServer, startReadServer } from "./readServer.ts";

let server: ReadServer;

const starts = () =>
  [...server.runs.values()].map((docs) => docs.find(([name]) => name === "start")![1] as RunStart);

const query = (text: string): Params => [["filter[query][condition][text]", text]];

/** Every uid a search lists (one page is enough: the reference data holds fewer runs than a page). */
async function ids(params: Params): Promise<Set<string>> {
  const { status, body } = await getJson(`${server.api}/search/`, [...params, ["page[limit]", "300"]]);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.links.next, null);
  return new Set(body.data.map((item: { id: string }) => item.id));
}

/** The uids of the runs whose start document satisfies `predicate`. */
function uidsWhere(predicate: (start: RunStart) => boolean): Set<string> {
  return new Set(
    starts()
      .filter(predicate)
      .map((start) => start.uid),
  );
}

// The filter is read before any storage sees it: one catalog is enough.
describe(`the query filter over ${READ_CATALOGS[0].name}`, () => {
  before(async () => {
    server = await startReadServer(READ_CATALOGS[0]);
  });
  after(() => server.close());

  // or and not: what Tiled's filters cannot say.
  const TEXT = 'plan_name == "count" or not (scan_id >= 5)';
  const matches = (start: RunStart) =>
    start.plan_name === "count" || !(typeof start.scan_id === "number" && start.scan_id >= 5);

  test("or / not find exactly the runs they describe, counted exactly", async () => {
    const expected = uidsWhere(matches);
    assert.ok(expected.size > 0 && expected.size < server.runs.size, "the query splits the real data");
    assert.deepEqual(await ids(query(TEXT)), expected);
    const counted = await getJson(`${server.api}/search/`, [...query(TEXT), ["fields", "count"]]);
    assert.equal(counted.body.meta.count, expected.size);
  });

  test("ANDed with another filter", async () => {
    const expected = uidsWhere((start) => matches(start) && start.plan_name === "scan");
    assert.ok(expected.size > 0, "some scans match");
    const found = await ids([
      ...query(TEXT),
      ["filter[eq][condition][key]", "start.plan_name"],
      ["filter[eq][condition][value]", '"scan"'],
    ]);
    assert.deepEqual(found, expected);
  });

  test("distinct counts the runs the query selects", async () => {
    const { status, body } = await getJson(`${server.api}/distinct/`, [
      ...query(TEXT),
      ["metadata", "start.plan_name"],
      ["counts", "true"],
    ]);
    assert.equal(status, 200, JSON.stringify(body));
    const expected = new Map<string, number>();
    for (const start of starts())
      if (matches(start) && typeof start.plan_name === "string")
        expected.set(start.plan_name, (expected.get(start.plan_name) ?? 0) + 1);
    assert.deepEqual(
      new Map(body.metadata["start.plan_name"].map(({ value, count }: any) => [value, count])),
      expected,
    );
  });

  test("a time zone for times without an offset", async () => {
    const text = 'time >= "2000-01-01 00:00"';
    assert.equal(
      (await ids([...query(text), ["filter[query][condition][tz]", "UTC"]])).size,
      server.runs.size,
    );
    const { status, body } = await getJson(`${server.api}/search/`, [
      ...query(text),
      ["filter[query][condition][tz]", "Mars/Olympus"],
    ]);
    assert.equal(status, 422); // a bad parameter value, as other filters' are
    assert.match(body.detail, /zone/);
  });

  test("a syntax error is a 400 whose detail names the column, with a caret", async () => {
    const { status, body } = await getJson(`${server.api}/search/`, query('plan_name == "scan" and and'));
    assert.equal(status, 400);
    assert.match(body.detail, /column 25\n {2}plan_name == "scan" and and\n {2} {24}\^/);
  });
});
