// A catalog that knows where its external files are: a databroker-pack directory opened in place as a files
// catalog fills its NPY_SEQ images through the pack's own root_map, with no root_map from the caller.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { EventPage } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";

test("a pack opened in place fills its external files through the pack's root_map", async () => {
  const pack = dataPath("databroker-pack/simple_catalog");
  // Independently of the code under test: the runs whose events reference an `img` datum (an NPY file of a
  // 10x10 image of ones), and how many such events each has.
  const imagesOf = new Map<string, number>();
  let run = "";
  for await (const [name, doc] of readDocuments(pack)) {
    if (name === "start") run = doc.uid;
    const unfilled = name === "event_page" ? ((doc as EventPage).filled?.img ?? []) : [];
    const count = unfilled.filter((filled) => filled === false).length;
    if (count > 0) imagesOf.set(run, (imagesOf.get(run) ?? 0) + count);
  }
  assert.ok(imagesOf.size > 0);
  const broker = await Broker.open(`file://${pack}`);
  try {
    assert.ok(broker.store.rootMap, "the files catalog reports the pack's root_map");
    for (const [uid, count] of imagesOf) {
      const image = await (await broker.run(uid)).stream("primary").field("img");
      assert.deepEqual(image.shape, [count, 10, 10]);
      assert.ok(Array.from(image.data as Float64Array).every((value) => value === 1));
    }
  } finally {
    await broker.close();
  }
});
