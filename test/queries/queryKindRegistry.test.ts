// A kind of query added from outside the query layer: `startsWith` (the string at a key begins with a
// prefix), defined and registered here alone, then searched on the memory, SQLite and PostgreSQL catalogs
// and carried through JSON, the query language and Tiled's filter parameters like a built-in kind.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { keyField, text } from "../../src/queries/fieldChecks.ts";
import {
  and,
  checkQuery,
  formatQuery,
  key,
  memoryTranslations,
  parseQuery,
  type Query,
  type QueryKey,
  type QueryKind,
  queryFromJSON,
  queryFromTiledParams,
  queryToJSON,
  queryToTiledParams,
  registerQueryKind,
} from "../../src/queries/index.ts";
import type { Translations } from "../../src/queries/kinds/TranslationTable.ts";
import { keyTest, type MatchContext, type RunTest } from "../../src/queries/memoryMatch.ts";
import { tiledKey } from "../../src/queries/tiledFilter.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { stringOf } from "../../src/storage/postgres/jsonPaths.ts";
import { postgresTranslations } from "../../src/storage/postgres/postgresTranslations.ts";
import type { Store } from "../../src/storage/Store.ts";
import { keyLeaf, sqliteTranslations } from "../../src/storage/sqlite/sqliteTranslations.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

/** The string at `key` begins with `prefix` (case-sensitive). */
interface StartsWith {
  op: "startsWith";
  key: QueryKey;
  prefix: string;
}

const startsWithQuery = (key: QueryKey, prefix: string): StartsWith => ({ op: "startsWith", key, prefix });

const startsWithKind: QueryKind<StartsWith> = {
  op: "startsWith",
  fields: { key: keyField, prefix: text() },
  format: (query, text) => `${text.key(query.key)} startsWith ${text.value(query.prefix)}`,
  language: {
    operators: {
      names: ["startsWith"],
      read: (condition) => {
        const prefix = condition.value();
        if (typeof prefix !== "string") throw condition.error(condition.next(), "startsWith needs a string");
        return startsWithQuery(condition.key, prefix);
      },
    },
  },
  tiled: {
    name: "startswith",
    encode: (query) => ({ key: tiledKey(query.key), prefix: JSON.stringify(query.prefix) }),
    decode: (reader) => startsWithQuery(reader.key(), reader.json("prefix") as string),
  },
};

registerQueryKind(startsWithKind);
memoryTranslations.register<StartsWith>("startsWith", (query) =>
  keyTest(query.key, (stored) => typeof stored === "string" && stored.startsWith(query.prefix)),
);
sqliteTranslations.register<StartsWith>("startsWith", (query, node) =>
  keyLeaf(
    node,
    query,
    (at) =>
      `(${at.type} = 'text' AND substr(${at.value}, 1, ${node.compiler.bind([...query.prefix].length)}) = ${node.compiler.bind(query.prefix)})`,
  ),
);
postgresTranslations.register<StartsWith>("startsWith", (query, { compiler, alias }) =>
  compiler.keyCondition(
    query.key,
    alias,
    ({ at }) => `starts_with(${stringOf(at().jsonb)}, ${compiler.params.bind(query.prefix, "text")})`,
  ),
);

// A backend table must translate every built-in kind: leaving one out does not compile.
// @ts-expect-error `not` has no translation
const _incomplete: Translations<MatchContext, RunTest> = {
  ...({} as Omit<Translations<MatchContext, RunTest>, "not">),
};

/** The new kind as a built query (registered kinds are not in the built-in `Query` union). */
const startsWith = (key: QueryKey, prefix: string) => checkQuery(startsWithQuery(key, prefix) as unknown);

describe("a query kind registered from outside the query layer", () => {
  const root = mkdtempSync(join(tmpdir(), "databroker-query-kind-"));
  const stores: Array<[string, Store]> = [];
  const uids: Record<string, string> = {};

  before(async () => {
    stores.push(["memory", await openStore("memory:")]);
    stores.push(["sqlite", await openStore(`sqlite://${join(root, "catalog.sqlite")}`)]);
    stores.push(["files", await openStore(`file://${join(root, "files")}`)]);
    stores.push(["postgres", await openStore(await (await sharedPostgres()).createDatabase())]);
    const runs = [
      smallRun({ plan_name: "scan", sample: "silicon" }, 1, 100),
      smallRun({ plan_name: "scan_nd", sample: "copper" }, 1, 200),
      smallRun({ plan_name: "count", sample: "scandium" }, 1, 300),
      smallRun({ plan_name: 5, sample: "silver" }, 1, 400),
    ];
    for (const run of runs) uids[String(run.run.start.plan_name)] = run.uid;
    for (const [, store] of stores) for (const run of runs) await store.put(run.documents);
  });

  after(async () => {
    for (const [, store] of stores) await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function search(store: Store, query: Query): Promise<string[]> {
    const found: string[] = [];
    for await (const summary of store.runs(query)) found.push(summary.uid);
    return found.sort();
  }

  it("is searched alike on every catalog, alone, combined and negated", async () => {
    const cases: Array<[Query, string[]]> = [
      [startsWith("plan_name", "sc"), ["scan", "scan_nd"]],
      [and(startsWith("plan_name", "sc"), key("sample").eq("copper")), ["scan_nd"]],
      [startsWith("sample", "si").not(), ["scan_nd", "count"]],
      [startsWith("descriptors.name", "prim"), ["scan", "scan_nd", "count", "5"]],
      [startsWith("no_such_key", "x"), []],
    ];
    for (const [query, names] of cases) {
      const expected = names.map((name) => uids[name]).sort();
      for (const [name, store] of stores) {
        assert.deepEqual(await search(store, query), expected, `${name}: ${formatQuery(query)}`);
        assert.equal(await store.count(query), expected.length, `${name}: count ${formatQuery(query)}`);
      }
    }
  });

  it("travels as JSON and is validated on the way back", () => {
    const query = and(startsWith("plan_name", "sc"), key("scan_id").ge(2));
    assert.deepEqual(queryFromJSON(queryToJSON(query)), query);
    assert.throws(
      () => queryFromJSON('{"op":"startsWith","key":"plan_name","prefix":3}'),
      (error: Error & { findings?: Array<{ path: string }> }) => error.findings?.[0].path === "$.prefix",
    );
  });

  it("prints in the query language and parses back", () => {
    const query = and(startsWith("plan_name", "sc"), key("sample").eq("copper"));
    const printed = formatQuery(query);
    assert.equal(printed, 'plan_name startsWith "sc" and sample == "copper"');
    assert.deepEqual(parseQuery(printed), query);
    // Its operator is a word of the language now: a key spelled like it is written in backticks.
    assert.equal(formatQuery(key("startsWith").eq(1)), "`startsWith` == 1");
  });

  it("is sent and read as a Tiled filter", () => {
    const query = and(startsWith("plan_name", "sc"), key("sample").eq("copper"));
    const params = queryToTiledParams(query);
    assert.deepEqual(params, [
      ["filter[startswith][condition][key]", "start.plan_name"],
      ["filter[startswith][condition][prefix]", '"sc"'],
      ["filter[eq][condition][key]", "start.sample"],
      ["filter[eq][condition][value]", '"copper"'],
    ]);
    assert.deepEqual(queryFromTiledParams(params), query);
  });
});
