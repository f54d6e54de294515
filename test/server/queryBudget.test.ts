// No query stalls the server (issue 11, item 3), over HTTP on SQLite and PostgreSQL, as an anonymous caller of
// a --public server sends them: catastrophic regexes against long stored values answer correctly while
// another client's requests keep answering, and a search past the server's budget answers 503 with a message.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import type { Query } from "../../src/queries/Query.ts";
import { queryToTiledParams } from "../../src/queries/tiledParams.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { READ_CATALOGS } from "./readServer.ts";

/** Stored samples: long runs of one letter, where backtracking engines take exponential time. */
const SAMPLES: Record<string, string> = {
  x: "x".repeat(5000),
  xy: `${"x".repeat(5000)}y`,
  a: "a".repeat(5000),
  text: "Ni foil at 300 K",
};
/** Samples long enough that scanning them all takes longer than a 1 ms budget on any machine. */
const HEAVY = Array.from({ length: 6 }, (_, i) => `${"ab".repeat(250_000)}${i}`);

const CATASTROPHIC: Array<[string, string[]]> = [
  ["^(x+x+)+y$", ["xy"]],
  ["(a*)*b", []],
  ["(a|aa)+$", ["a"]],
  ["(.*a){20}", ["a"]],
];

function regex(pattern: string): Query {
  return { op: "regex", key: "sample", pattern, caseSensitive: true };
}

/** The regex among the short samples only (the heavy ones would match some patterns too). */
function amongSamples(pattern: string): Query {
  return { op: "and", queries: [{ op: "eq", key: "plan_name", value: "scan" }, regex(pattern)] };
}

async function listen(
  broker: Broker,
  searchBudgetMs?: number,
): Promise<{ api: string; close(): Promise<void> }> {
  const app = await createServer({
    broker,
    auth: { apiKey: "budget_test_key_0123456789", public: true },
    searchBudgetMs,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { api: `http://127.0.0.1:${port}/api/v1`, close: () => app.close() };
}

/** An anonymous GET of `route` with the query's Tiled filters: status and JSON body. */
async function search(api: string, route: string, query: Query, extra: Array<[string, string]> = []) {
  const params = new URLSearchParams([...queryToTiledParams(query), ...extra]);
  const response = await fetch(`${api}/${route}?${params}`);
  return { status: response.status, body: (await response.json()) as any };
}

function labelsOf(body: { data: Array<{ attributes: { metadata: { start: { label: string } } } }> }) {
  return body.data.map((item) => item.attributes.metadata.start.label).sort();
}

for (const catalog of READ_CATALOGS) {
  describe(`search budget over HTTP: ${catalog.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-budget-"));
    let store: Store;
    let broker: Broker;
    let server: { api: string; close(): Promise<void> };
    let tiny: { api: string; close(): Promise<void> };

    before(async () => {
      store = await openStore(await catalog.uri(dir));
      for (const [label, sample] of Object.entries(SAMPLES))
        await store.put(smallRun({ plan_name: "scan", label, sample }).documents);
      for (const [i, sample] of HEAVY.entries())
        await store.put(smallRun({ plan_name: "heavy", label: `heavy${i}`, sample }).documents);
      broker = new Broker(store);
      server = await listen(broker);
      tiny = await listen(broker, 1);
    });
    after(async () => {
      await server?.close();
      await tiny?.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("catastrophic patterns answer, correctly, while another client's requests keep answering", {
      timeout: 120_000,
    }, async () => {
      const other = () => search(server.api, "search/", { op: "eq", key: "label", value: "text" });
      const searches = CATASTROPHIC.map(([pattern]) =>
        search(server.api, "search/", amongSamples(pattern), [["page[limit]", "100"]]),
      );
      // Another client's requests, sent while the regex searches are in flight.
      const others = Array.from({ length: 8 }, other);
      const [found, answered] = await Promise.all([Promise.all(searches), Promise.all(others)]);
      for (const [index, [pattern, labels]] of CATASTROPHIC.entries()) {
        assert.equal(found[index].status, 200, `${pattern}: ${JSON.stringify(found[index].body)}`);
        assert.deepEqual(labelsOf(found[index].body), labels, pattern);
      }
      for (const { status, body } of answered) {
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(labelsOf(body), ["text"]);
      }
    });

    test("past the budget a search answers 503 with the budget named, and the server goes on answering", async () => {
      const heavy = regex("(a|b)*c");
      const expected = /search took longer than the 1 ms budget; narrow the query/;
      const listing = search(tiny.api, "search/", heavy);
      const counting = search(tiny.api, "search/", heavy, [["fields", "count"]]);
      const distinct = search(tiny.api, "distinct/", heavy, [["metadata", "label"]]);
      // Another client's request on the server with the default budget, sent meanwhile.
      const other = search(server.api, "search/", { op: "eq", key: "label", value: "text" });
      for (const answer of await Promise.all([listing, counting, distinct])) {
        assert.equal(answer.status, 503, JSON.stringify(answer.body));
        assert.match(answer.body.detail, expected);
      }
      const { status, body } = await other;
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(labelsOf(body), ["text"]);
      // Within the default budget the same pattern answers.
      const full = await search(server.api, "search/", amongSamples("(a|b)*c"), [["fields", "count"]]);
      assert.equal(full.status, 200, JSON.stringify(full.body));
      assert.equal(full.body.meta.count, 0);
    });
  });
}
