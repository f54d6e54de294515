// align over HTTP: `?align=baseline&method=...&tolerance=...` on the table routes of a real server on
// loopback, in Arrow, CSV and JSON, equal to the library's align of the same streams (itself checked against
// pandas); bad parameters a 400 whose detail names the parameter and its rule.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import { align, bin } from "../../src/muxing/index.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { tableFromArrowIPC } from "../../src/tables/arrow.ts";
import { tableToCSV } from "../../src/tables/csv.ts";
import { tableToJSONColumns } from "../../src/tables/jsonColumns.ts";
import { runsOf } from "../broker/catalogs.ts";
import { assertSameColumn, wireColumn } from "./pandasReference.ts";

const API_KEY = "muxing_test_key_0123456789";
let api: string;
let broker: Broker;
let close: () => Promise<void>;
let uids: string[];

before(async () => {
  const runs: DocumentPair[][] = [
    ...(await runsOf("apstools/440_specwriter_problem_run")),
    ...(await runsOf("apstools/tests/usaxs.json")),
  ];
  const store = new MemoryStore();
  for (const documents of runs) await store.put(documents);
  broker = new Broker(store);
  const app = await createServer({ broker, auth: { apiKey: API_KEY }, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  api = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`;
  close = async () => {
    await app.close();
    await broker.close();
  };
  uids = [];
  for (const documents of runs) {
    const run = await broker.run((documents[0][1] as RunStart).uid);
    if (!run.streamNames.includes("baseline") || !run.streamNames.includes("primary")) continue;
    if ((await run.stream("primary").read()).length > 0) uids.push(run.uid);
  }
});
after(() => close());

async function get(path: string, params: Record<string, string>): Promise<Response> {
  const url = `${api}${path}?${new URLSearchParams(params)}`;
  return fetch(url, { headers: { authorization: `Apikey ${API_KEY}` } });
}

/** The library's answer: primary's data (time first, as the route serves it) with baseline aligned. */
async function expected(uid: string, method: "previous" | "next" | "nearest" | "linear", tolerance?: number) {
  const run = await broker.run(uid);
  const primary = await run.stream("primary").read();
  const baseline = await run.stream("baseline").read();
  const served = primary.select([
    "time",
    ...primary.columnNames.filter((name) => name !== "seq_num" && name !== "time"),
  ]);
  return align(served, baseline, { method, tolerance, prefix: "baseline" });
}

test("Arrow, JSON and CSV of ?align=baseline equal the library's align, for every method", async () => {
  assert.ok(uids.length >= 3, `${uids.length} runs with a baseline`);
  for (const uid of uids.slice(0, 3))
    for (const [method, tolerance] of [
      ["previous", undefined],
      ["next", undefined],
      ["nearest", 1],
      ["linear", undefined],
    ] as const) {
      const params: Record<string, string> = { align: "baseline", method };
      if (tolerance !== undefined) params.tolerance = String(tolerance);
      const ours = await expected(uid, method, tolerance);
      const path = `/table/full/${uid}/primary/data`;
      const arrow = await get(path, { ...params, format: "arrow" });
      assert.equal(arrow.status, 200, await arrow.clone().text());
      const table = tableFromArrowIPC(new Uint8Array(await arrow.arrayBuffer()));
      assert.deepEqual(table.columnNames, ours.columnNames);
      for (const name of ours.columnNames.filter((each) => each.startsWith("baseline."))) {
        const expectedColumn = ours.column(name);
        if ("data" in wireColumn(expectedColumn))
          assertSameColumn(table.column(name), wireColumn(expectedColumn), `${uid} ${method} ${name}`);
      }
      const json = await get(path, { ...params, format: "json" });
      assert.equal(json.status, 200);
      assert.deepEqual(await json.json(), JSON.parse(JSON.stringify(tableToJSONColumns(ours))));
      const csv = await get(path, { ...params, format: "csv" });
      assert.equal(csv.status, 200);
      assert.equal(await csv.text(), tableToCSV(ours));
    }
});

test("bad align parameters: a 400 whose detail names the parameter and the rule", async () => {
  const uid = uids[0];
  const cases: Array<[string, Record<string, string>, string]> = [
    [`/table/full/${uid}/primary/data`, { method: "next" }, "method needs align=<stream>"],
    [
      `/table/full/${uid}/primary/data`,
      { align: "baseline", method: "closest" },
      `method "closest": use previous, next, nearest, linear, or field=method items separated by commas`,
    ],
    [
      `/table/full/${uid}/primary/data`,
      { align: "baseline", tolerance: "soon" },
      'tolerance must be a number of seconds, 0 or more, got "soon"',
    ],
    [
      `/table/full/${uid}/primary/timestamps`,
      { align: "baseline" },
      `align applies to a stream's data (<run>/<stream>/data), not /${uid}/primary/timestamps`,
    ],
  ];
  for (const [path, params, detail] of cases) {
    const response = await get(path, params);
    assert.equal(response.status, 400, JSON.stringify(params));
    const body = (await response.json()) as { detail: string };
    assert.equal(body.detail, detail);
  }
  for (const [params, detail] of [
    [{ agg: "max" }, "agg needs resample=<seconds> or bin_by=<field>"],
    [{ resample: "0" }, 'resample must be a number of seconds above 0, got "0"'],
    [{ bin_by: "time" }, "send one bins per bin_by (1 bin_by, 0 bins)"],
    [{ bin_by: "nope", bins: "3" }, "bin_by nope is not a column of this table: "],
    [
      { resample: "1", agg: "median" },
      'agg must be one of mean, sum, min, max, count, first, last, got "median"',
    ],
  ] as const) {
    const response = await get(`/table/full/${uid}/primary/data`, params);
    assert.equal(response.status, 400, JSON.stringify(params));
    assert.ok(
      ((await response.json()) as { detail: string }).detail.startsWith(detail),
      JSON.stringify(params),
    );
  }
  const missing = await get(`/table/full/${uid}/primary/data`, { align: "nope" });
  assert.equal(missing.status, 404);
});

test("?resample= and ?bin_by=&bins= (after align) equal the library's bin of the same table", async () => {
  const uid = uids[0];
  const aligned = await expected(uid, "previous");
  const path = `/table/full/${uid}/primary/data`;
  for (const [params, axes, agg] of [
    [{ resample: "1", agg: "max" }, [{ field: "time", every: 1 }], "max"],
    [{ bin_by: "time", bins: "3" }, [{ field: "time", bins: 3 }], "mean"],
  ] as const) {
    const response = await get(path, { ...params, align: "baseline", format: "json" });
    assert.equal(response.status, 200, await response.clone().text());
    const ours = bin(aligned, [...axes], { agg });
    assert.deepEqual(await response.json(), JSON.parse(JSON.stringify(tableToJSONColumns(ours))));
  }
});

test("?method= per field (a default, then field=method items) equals the library's per-field methods", async () => {
  const uid = uids[0];
  const run = await broker.run(uid);
  const baseline = await run.stream("baseline").read();
  const field = baseline.columnNames.find(
    (name) => name !== "time" && baseline.columns[name] instanceof Float64Array,
  )!;
  const response = await get(`/table/full/${uid}/primary/data`, {
    align: "baseline",
    method: `next,${field}=linear`,
    format: "json",
  });
  assert.equal(response.status, 200, await response.clone().text());
  const primary = await run.stream("primary").read();
  const served = primary.select(primary.columnNames.filter((name) => name !== "seq_num"));
  const ours = align(served, baseline, {
    method: "next",
    methods: { [field]: "linear" },
    prefix: "baseline",
  });
  assert.deepEqual(await response.json(), JSON.parse(JSON.stringify(tableToJSONColumns(ours))));
});
