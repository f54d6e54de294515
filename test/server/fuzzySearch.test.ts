// Fuzzy search over HTTP on the real server: Tiled-style `filter[fuzzy][condition][text]` and `~"..."` in the
// query filter list the closest run first when no sort is asked, on SQLite and PostgreSQL; a search that
// finds nothing carries a close value in `meta.did_you_mean`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunStart } from "../../src/documents/types.ts";
import { getJson, type Params, READ_CATALOGS, type ReadServer, startReadServer } from "./readServer.ts";

for (const catalog of READ_CATALOGS) {
  describe(`fuzzy search over HTTP (${catalog.name})`, () => {
    let server: ReadServer;
    before(async () => {
      server = await startReadServer(catalog);
    });
    after(() => server.close());

    const holding = (value: string) =>
      [...server.runs.values()]
        .map((docs) => docs.find(([name]) => name === "start")![1] as RunStart)
        .filter((start) => (start as Record<string, unknown>).Sample_Name === value)
        .map((start) => start.uid);

    const search = async (params: Params) => {
      const { status, body } = await getJson(`${server.api}/search/`, [...params, ["page[limit]", "5"]]);
      assert.equal(status, 200, JSON.stringify(body));
      return body;
    };

    test('the fuzzy filter and ~".." list a run holding the value first; a sort asked wins', async () => {
      const wanted = holding("Water Blank");
      assert.ok(wanted.length > 0);
      for (const params of [
        [["filter[fuzzy][condition][text]", "watr blnk"]],
        [["filter[query][condition][text]", '~"watr blnk"']],
      ] as Params[]) {
        const body = await search(params);
        assert.ok(wanted.includes(body.data[0].id), JSON.stringify(params));
        assert.equal(body.meta.did_you_mean, undefined);
      }
      const sorted = await search([
        ["filter[fuzzy][condition][text]", "watr blnk"],
        ["sort", "-scan_id"],
      ]);
      const ids = sorted.data.map(
        (item: { attributes: { metadata: { start: RunStart } } }) => item.attributes.metadata.start.scan_id,
      );
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
      );
    });

    test("an empty search by a misspelled value has did_you_mean in meta", async () => {
      const body = await search([
        ["filter[eq][condition][key]", "start.Sample_Name"],
        ["filter[eq][condition][value]", '"Watr Blank"'],
      ]);
      assert.equal(body.meta.count, 0);
      assert.deepEqual(body.meta.did_you_mean, {
        key: "Sample_Name",
        value: "Water Blank",
        query: 'Sample_Name == "Water Blank"',
      });
    });
  });
}
