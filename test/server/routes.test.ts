// The rest of the read API over real runs: every filter type against the broker's own answer, pages and
// cursors, sort, distinct, tables, blocks, content negotiation, gzip, OpenAPI/docs, and the error statuses.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { tableFromIPC } from "apache-arrow";
import type { RunStart } from "../../src/documents/types.ts";
import { queryFromTiledParams } from "../../src/queries/index.ts";
import {
  AUTH,
  get,
  getJson,
  type Params,
  READ_CATALOGS,
  type ReadServer,
  startReadServer,
  withParams,
} from "./readServer.ts";

// The current catalog's server: the catalogs' suites run one after another, each starting its own.
let server: ReadServer;

const starts = () =>
  [...server.runs.values()].map((docs) => docs.find(([name]) => name === "start")![1] as RunStart);

/** Every uid a filtered search lists, following links.next. */
async function allIds(params: Params, limit = 20): Promise<string[]> {
  const ids: string[] = [];
  let link: string | null = withParams(`${server.api}/search/`, [
    ...params,
    ["page[limit]", String(limit)],
    ["fields", ""],
  ]);
  while (link) {
    const { status, body } = await getJson(link);
    assert.equal(status, 200, JSON.stringify(body));
    ids.push(...body.data.map((item: any) => item.id));
    link = body.links.next;
  }
  return ids;
}

for (const catalog of READ_CATALOGS) {
  describe(`the read API over ${catalog.name}`, () => {
    // Runs are ingested once per catalog, before its first test.
    before(async () => {
      server = await startReadServer(catalog);
    });
    after(() => server.close());

    describe("search filters", () => {
      const someStart = () => starts().find((start) => typeof start.scan_id === "number" && start.plan_name)!;
      const cases: Array<[string, () => Params]> = [
        [
          "eq",
          () => [
            ["filter[eq][condition][key]", "start.plan_name"],
            ["filter[eq][condition][value]", '"count"'],
          ],
        ],
        [
          "noteq",
          () => [
            ["filter[noteq][condition][key]", "plan_name"],
            ["filter[noteq][condition][value]", '"scan"'],
          ],
        ],
        [
          "comparison",
          () => [
            ["filter[comparison][condition][operator]", "ge"],
            ["filter[comparison][condition][key]", "start.scan_id"],
            ["filter[comparison][condition][value]", "10"],
          ],
        ],
        [
          "contains",
          () => [
            ["filter[contains][condition][key]", "start.detectors"],
            ["filter[contains][condition][value]", '"noisy_det"'],
          ],
        ],
        [
          "in",
          () => [
            ["filter[in][condition][key]", "start.plan_name"],
            ["filter[in][condition][value]", '["scan", "count"]'],
          ],
        ],
        [
          "notin",
          () => [
            ["filter[notin][condition][key]", "start.plan_name"],
            ["filter[notin][condition][value]", '["scan", "count"]'],
          ],
        ],
        [
          "like",
          () => [
            ["filter[like][condition][key]", "start.uid"],
            ["filter[like][condition][pattern]", JSON.stringify(`${someStart().uid.slice(0, 6)}%`)],
          ],
        ],
        [
          "regex",
          () => [
            ["filter[regex][condition][key]", "start.plan_name"],
            ["filter[regex][condition][pattern]", "^s.a"],
            ["filter[regex][condition][case_sensitive]", "true"],
          ],
        ],
        ["fulltext", () => [["filter[fulltext][condition][text]", "scan"]]],
        [
          "keypresent",
          () => [
            ["filter[keypresent][condition][key]", "start.hints"],
            ["filter[keypresent][condition][exists]", "true"],
          ],
        ],
        ["lookup", () => [["filter[lookup][condition][key]", someStart().uid]]],
        [
          "specs",
          () => [
            ["filter[specs][condition][include]", '["BlueskyRun"]'],
            ["filter[specs][condition][exclude]", "[]"],
          ],
        ],
        ["structure_family", () => [["filter[structure_family][condition][value]", "container"]]],
        [
          "scan_id",
          () => [
            ["filter[scan_id][condition][scan_ids]", `${someStart().scan_id}`],
            ["filter[scan_id][condition][duplicates]", "all"],
          ],
        ],
        [
          "scan_id_range",
          () => [
            ["filter[scan_id_range][condition][start_id]", "1"],
            ["filter[scan_id_range][condition][end_id]", "20"],
            ["filter[scan_id_range][condition][duplicates]", "all"],
          ],
        ],
        [
          "partial_uid",
          () => [
            [
              "filter[partial_uid][condition][partial_uids]",
              `${someStart().uid.slice(0, 7)},${starts()[1].uid.slice(0, 7)}`,
            ],
          ],
        ],
        [
          "time_range",
          () => {
            // From the median start time on: some runs fall in the range and others do not.
            const times = starts()
              .map((start) => start.time)
              .sort((a, b) => a - b);
            return [
              ["filter[time_range][condition][timezone]", "UTC"],
              ["filter[time_range][condition][since]", String(times[Math.floor(times.length / 2)])],
            ];
          },
        ],
      ];
      for (const [name, paramsOf] of cases) {
        test(`filter[${name}] lists exactly the runs the broker's search selects, counted exactly`, async () => {
          const params = paramsOf();
          const expected: string[] = [];
          const broker = server.broker.search(queryFromTiledParams(params));
          for await (const summary of broker.summaries({ sort: [{ key: "time", direction: "asc" }] }))
            expected.push(summary.uid);
          assert.ok(expected.length > 0 || name === "notin", `${name} selects something in the real data`);
          assert.ok(expected.length < server.runs.size || ["specs", "structure_family"].includes(name));
          assert.deepEqual(await allIds(params), expected);
          const counted = await getJson(`${server.api}/search/`, [...params, ["fields", "count"]]);
          assert.equal(counted.body.meta.count, expected.length);
        });
      }

      test("the plugin's eq on plan_name agrees with the documents, and filters AND together", async () => {
        const scans = starts().filter(
          (start) => start.plan_name === "scan" && typeof start.scan_id === "number" && start.scan_id >= 10,
        );
        const ids = await allIds([
          ["filter[eq][condition][key]", "start.plan_name"],
          ["filter[eq][condition][value]", '"scan"'],
          ["filter[comparison][condition][operator]", "ge"],
          ["filter[comparison][condition][key]", "start.scan_id"],
          ["filter[comparison][condition][value]", "10"],
        ]);
        assert.deepEqual(new Set(ids), new Set(scans.map((start) => start.uid)));
      });
    });

    describe("pages, cursors, sort, fields", () => {
      test("next links walk every run once in start-time order; page[cursor] links continue the same way", async () => {
        const expected = starts()
          .sort((a, b) => a.time - b.time || (a.uid < b.uid ? -1 : 1))
          .map((start) => start.uid);
        assert.deepEqual(await allIds([], 13), expected);
        const first = await getJson(`${server.api}/search/`, [
          ["page[limit]", "10"],
          ["fields", ""],
        ]);
        const cursor = await getJson(`${server.api}/search/`, [
          ["page[cursor]", "oa"],
          ["page[limit]", "10"],
          ["fields", ""],
        ]);
        assert.deepEqual(
          first.body.data.map((item: any) => item.id),
          expected.slice(0, 10),
        );
        assert.deepEqual(
          cursor.body.data.map((item: any) => item.id),
          expected.slice(10, 20),
        );
        const last = await getJson(`${server.api}/search/`, [
          ["page[offset]", String(expected.length - 1)],
          ["page[limit]", "10"],
        ]);
        assert.equal(last.body.data.length, 1);
        assert.equal(last.body.links.next, null);
        const beyond = await getJson(`${server.api}/search/`, [
          ["page[offset]", String(expected.length + 5)],
        ]);
        assert.deepEqual(beyond.body.data, []);
        assert.equal(beyond.body.links.next, null);
      });

      test("sort: '-' and '-time' reverse the default, other keys sort, a key twice is 400", async () => {
        const forward = await allIds([], 300);
        assert.deepEqual(
          await allIds([["sort", "-"]], 300),
          [...forward].reverse().sort((a, b) => forward.indexOf(b) - forward.indexOf(a)),
        );
        const byScan = await getJson(`${server.api}/search/`, [
          ["sort", "-start.scan_id"],
          ["page[limit]", "5"],
        ]);
        const scanIds = byScan.body.data.map((item: any) => item.attributes.metadata.start.scan_id);
        assert.deepEqual(
          scanIds,
          [...scanIds].sort((a: number, b: number) => b - a),
        );
        assert.equal(
          Math.max(...starts().map((start) => (typeof start.scan_id === "number" ? start.scan_id : -1))),
          scanIds[0],
        );
        const twice = await get(`${server.api}/search/`, [
          ["sort", "time"],
          ["sort", "-time"],
        ]);
        assert.equal(twice.status, 400);
      });

      test("fields= gives ids only; fields=metadata only metadata; unknown parameters are ignored", async () => {
        const ids = await getJson(`${server.api}/search/`, [
          ["fields", ""],
          ["page[limit]", "2"],
        ]);
        assert.deepEqual(Object.keys(ids.body.data[0].attributes), ["ancestors"]);
        assert.match(ids.body.data[0].links.self, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/metadata\//);
        const meta = await getJson(`${server.api}/search/`, [
          ["fields", "metadata"],
          ["page[limit]", "2"],
        ]);
        assert.deepEqual(Object.keys(meta.body.data[0].attributes).sort(), ["ancestors", "metadata"]);
        const noisy = await getJson(`${server.api}/search/`, [
          ["select_metadata", "false"],
          ["include_data_sources", "true"],
          ["omit_links", "false"],
          ["max_depth", "2"],
          ["no_such_parameter", "x"],
          ["page[limit]", "3"],
        ]);
        assert.equal(noisy.status, 200);
        assert.equal(noisy.body.data.length, 3);
      });
    });

    describe("distinct", () => {
      test("plan_name values with run counts, as the documents hold them", async () => {
        const { status, body } = await getJson(`${server.api}/distinct/`, [
          ["metadata", "start.plan_name"],
          ["counts", "true"],
          ["structure_families", "true"],
          ["specs", "true"],
        ]);
        assert.equal(status, 200);
        const expected = new Map<string, number>();
        for (const start of starts())
          if (typeof start.plan_name === "string")
            expected.set(start.plan_name, (expected.get(start.plan_name) ?? 0) + 1);
        assert.deepEqual(
          new Map(body.metadata["start.plan_name"].map(({ value, count }: any) => [value, count])),
          expected,
        );
        assert.deepEqual(body.structure_families, [{ value: "container", count: server.runs.size }]);
        assert.deepEqual(body.specs, [
          { value: [{ name: "BlueskyRun", version: "1" }], count: server.runs.size },
        ]);
        const run = [...server.runs.keys()][0];
        assert.equal(
          (await get(`${server.api}/distinct/${run}`, [["metadata", "start.plan_name"]])).status,
          405,
        );
      });
    });

    /** A run whose primary stream has at least 3 events of inline scalar numbers. */
    function scalarStream(): { uid: string; field: string } {
      for (const [uid, documents] of server.runs) {
        const descriptor = documents.find(
          ([name, doc]) => name === "descriptor" && ((doc as any).name ?? "primary") === "primary",
        )?.[1] as any;
        if (!descriptor) continue;
        const field = Object.entries(descriptor.data_keys).find(
          ([, key]: [string, any]) => key.dtype === "number" && !key.external,
        )?.[0];
        const events = documents.filter(([name]) => name === "event").length;
        if (field && events >= 3) return { uid, field };
      }
      throw new Error("no scalar stream");
    }

    describe("tables, blocks and formats", () => {
      test("table/full and table/partition: Arrow file with time and the asked columns; partition 1 is 422", async () => {
        const { uid, field } = scalarStream();
        const full = await get(`${server.api}/table/full/${uid}/primary/data`, [["column", field]], {
          accept: "application/vnd.apache.arrow.file",
        });
        assert.equal(full.headers.get("content-type"), "application/vnd.apache.arrow.file");
        const table = tableFromIPC(new Uint8Array(await full.arrayBuffer()));
        assert.deepEqual(
          table.schema.fields.map((f) => f.name),
          ["time", field],
        );
        const partition = await get(
          `${server.api}/table/partition/${uid}/primary/data`,
          [
            ["partition", "0"],
            ["column", field],
          ],
          { accept: "application/vnd.apache.arrow.file" },
        );
        assert.equal(tableFromIPC(new Uint8Array(await partition.arrayBuffer())).numRows, table.numRows);
        assert.equal(
          (
            await get(`${server.api}/table/partition/${uid}/primary/data`, [["partition", "1"]], {
              accept: "*/*",
            })
          ).status,
          422,
        );
        assert.equal(
          (await get(`${server.api}/table/partition/${uid}/primary/data`, [], { accept: "*/*" })).status,
          422,
        );
        assert.equal(
          (
            await get(
              `${server.api}/table/full/${uid}/primary/data`,
              [
                ["column", field],
                ["field", field],
              ],
              { accept: "*/*" },
            )
          ).status,
          400,
        );
        const json = await getJson(`${server.api}/table/full/${uid}/primary/data`, [
          ["format", "json"],
          ["column", field],
        ]);
        assert.equal(json.body[field].length, table.numRows);
        assert.equal((await get(`${server.api}/table/full/${uid}/primary`)).status, 404);
      });

      test("array/block: block=0 with slice and expected_shape; a block out of range or a wrong shape is 422", async () => {
        const { uid, field } = scalarStream();
        const link = `${server.api}/array/block/${uid}/primary/data/${field}`;
        const whole = await getJson(`${server.api}/array/full/${uid}/primary/data/${field}`, [
          ["format", "json"],
        ]);
        const block = await getJson(link, [
          ["block", "0"],
          ["slice", "1:3"],
          ["expected_shape", "2"],
          ["format", "application/json"],
        ]);
        assert.deepEqual(block.body, whole.body.slice(1, 3));
        assert.equal((await get(link, [["block", "1"]], { accept: "*/*" })).status, 422);
        assert.equal((await get(link, [["block", "0,0"]], { accept: "*/*" })).status, 422);
        assert.equal(
          (
            await get(
              link,
              [
                ["block", "0"],
                ["expected_shape", "999"],
              ],
              { accept: "*/*" },
            )
          ).status,
          422,
        );
        const reversed = await getJson(`${server.api}/array/full/${uid}/primary/data/${field}`, [
          ["slice", "::-1"],
          ["format", "json"],
        ]);
        assert.deepEqual(reversed.body, [...whole.body].reverse());
        assert.equal((await get(`${server.api}/array/full/${uid}/primary/data`)).status, 404);
      });

      test("format first, then Accept; 406 lists what is supported", async () => {
        const { uid, field } = scalarStream();
        const link = `${server.api}/array/full/${uid}/primary/data/${field}`;
        assert.equal((await get(link, [], { accept: "text/csv" })).headers.get("content-type"), "text/csv");
        assert.equal(
          (await get(link, [["format", "json"]], { accept: "text/csv" })).headers.get("content-type"),
          "application/json",
        );
        assert.equal(
          (await get(link, [], { accept: "image/png, application/json;q=0.5" })).headers.get("content-type"),
          "application/json",
        );
        assert.equal(
          (await get(link, [], { accept: "*/*" })).headers.get("content-type"),
          "application/octet-stream",
        );
        const refused = await get(link, [["format", "image/png"]]);
        assert.equal(refused.status, 406);
        const body = (await refused.json()) as any;
        assert.ok(body.detail.includes("application/octet-stream"));
        assert.deepEqual(body.supported, ["application/octet-stream", "application/json", "text/csv"]);
        assert.equal(
          (await get(`${server.api}/container/full/${uid}/primary/data`, [], { accept: "image/png" })).status,
          406,
        );
      });

      test("container/full of a run: json-seq documents or a JSON tree of metadata", async () => {
        const { uid } = scalarStream();
        const seq = await get(`${server.api}/container/full/${uid}`, [["format", "application/json-seq"]], {
          accept: "*/*",
        });
        const names = (await seq.text())
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line).name);
        assert.equal(names[0], "start");
        const tree = await getJson(`${server.api}/container/full/${uid}/primary`, [["format", "json"]]);
        assert.deepEqual(Object.keys(tree.body.contents), [
          "data",
          "timestamps",
          "config",
          "config_timestamps",
        ]);
        assert.equal(tree.body.contents.data.contents.time.structure.dims[0], "time");
      });
    });

    describe("gzip, docs and errors", () => {
      test("gzip when the client offers it (raw bytes decompress to the same JSON)", async () => {
        const path = `/api/v1/search/?page%5Blimit%5D=20`;
        const url = new URL(server.base);
        const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
          const request = httpRequest(
            {
              host: url.hostname,
              port: url.port,
              path,
              headers: { ...AUTH, "accept-encoding": "gzip, deflate, zstd, blosc2" },
            },
            (response) => {
              const chunks: Buffer[] = [];
              response.on("data", (chunk) => chunks.push(chunk));
              response.on("end", () =>
                resolve({ encoding: response.headers["content-encoding"], body: Buffer.concat(chunks) }),
              );
            },
          );
          request.on("error", reject);
          request.end();
        });
        assert.equal(raw.encoding, "gzip");
        const plain = await (
          await get(`${server.base}${path}`, [], { "accept-encoding": "identity" })
        ).json();
        assert.deepEqual(JSON.parse(gunzipSync(raw.body).toString()), plain);
      });

      test("/openapi.json and /docs describe the routes", async () => {
        const openapi = (await (await fetch(`${server.base}/openapi.json`)).json()) as any;
        assert.equal(openapi.openapi, "3.1.0");
        assert.ok(openapi.paths["/api/v1/search/{path}"].get);
        const docs = await fetch(`${server.base}/docs`);
        assert.match(docs.headers.get("content-type") ?? "", /^text\/html/);
        assert.match(await docs.text(), /array\/full/);
      });

      test("statuses with JSON object bodies: 401, 404, 422, 400", async () => {
        const anonymous = await fetch(`${server.api}/metadata/`);
        assert.equal(anonymous.status, 401);
        assert.ok(anonymous.headers.get("www-authenticate"));
        assert.equal(typeof ((await anonymous.json()) as any).detail, "string");
        for (const [link, params, status] of [
          [`${server.api}/metadata/no-such-run`, [], 404],
          [`${server.api}/no/such/route`, [], 404],
          [
            `${server.api}/search/`,
            [
              ["filter[eq][condition][key]", "plan_name"],
              ["filter[eq][condition][value]", "not json"],
            ],
            422,
          ],
          [`${server.api}/search/`, [["page[limit]", "301"]], 422],
          [
            `${server.api}/search/`,
            [
              ["page[cursor]", "oa"],
              ["page[offset]", "3"],
            ],
            400,
          ],
          [`${server.api}/search/`, [["filter[no_such_query][condition][x]", "1"]], 400],
          [`${server.api}/array/full/${scalarStream().uid}/primary/data/time`, [["slice", "a:b"]], 422],
        ] as Array<[string, Params, number]>) {
          const response = await get(link, params, { accept: "*/*" });
          assert.equal(response.status, status, `${link} ${JSON.stringify(params)}`);
          assert.equal(response.headers.get("content-type"), "application/json");
          const body = (await response.json()) as any;
          assert.equal(typeof body, "object");
          assert.equal(typeof body.detail, "string");
        }
      });
    });
  });
}
