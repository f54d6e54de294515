// GET /api/v1/fields and `serve --index`, through a real `databroker serve` process over a SQLite catalog of
// the bluesky-tiled-plugins fixtures with real HDF5 and TIFF files (test/cli/detectorCatalog.ts): the route
// lists the streams and fields of the runs matching its filters, not indexed at first; the background index
// makes them known (and searchable) without a restart, and logs its summary.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { FieldListing } from "../../src/queries/fieldListing.ts";
import { detectorCatalog } from "../cli/detectorCatalog.ts";
import { spawnServer } from "./serveProcess.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-fields-route-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("serve --index indexes in the background; GET /api/v1/fields lists the matching runs' fields", async () => {
  const { catalog, expected, runs } = detectorCatalog(join(scratch, "served"));
  const server = await spawnServer(["serve", "--catalog", catalog, "--index"]);
  try {
    const headers = { authorization: `Apikey ${server.apiKey}` };
    const fields = async (query = ""): Promise<FieldListing[]> => {
      const response = await fetch(`${server.url}/api/v1/fields${query}`, { headers });
      assert.equal(response.status, 200);
      return ((await response.json()) as { fields: FieldListing[] }).fields;
    };
    const det2 = (rows: FieldListing[]) => rows.find((row) => row.field === "det-key2")!;
    // Indexed in the background: the listing says when every run is.
    for (let tries = 0; det2(await fields()).notIndexed > 0; tries++) {
      assert.ok(tries < 300, "the background index finished within a minute");
      await sleep(200);
    }
    assert.deepEqual(det2(await fields()), {
      stream: "primary",
      field: "det-key2",
      runs: 2,
      events: 6,
      min: expected["det-key2"].min,
      max: expected["det-key2"].max,
      shape: [13, 17],
      notIndexed: 0,
    });
    // The query language as the search route takes it: only the legacy run.
    const text = encodeURIComponent('uid == "c0-9724b2201fe7"');
    const legacy = await fields(`?filter[query][condition][text]=${text}`);
    assert.deepEqual(
      legacy.map((row) => [row.stream, row.field, row.runs]),
      [
        ["primary", null, 1],
        ["primary", "det-key2", 1],
      ],
    );
    const search = await fetch(
      `${server.url}/api/v1/search/?filter[query][condition][text]=${encodeURIComponent("secondary.det-key3.max > 0")}`,
      { headers },
    );
    assert.equal(search.status, 200);
    assert.deepEqual(
      ((await search.json()) as { data: Array<{ id: string }> }).data.map((entry) => entry.id),
      [runs[0]],
    );
    assert.equal((await fetch(`${server.url}/api/v1/fields`)).status, 401, "a caller without the key");
    assert.match(server.errors(), /^index: indexed 4 fields of 2 runs$/m);
  } finally {
    await server.stop();
  }
});
