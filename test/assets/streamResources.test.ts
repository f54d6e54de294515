import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { AssetReader } from "../../src/assets/AssetReader.ts";
import type { Resource, StreamResource } from "../../src/documents/types.ts";
import { NotFoundError, UnsupportedError, ValidationError } from "../../src/errors.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { slice } from "../../src/tables/slice.ts";
import { stack } from "../../src/tables/stack.ts";
import { docsNamed, renderFixture } from "./fixtures.ts";
import { integers, writeHdf5 } from "./hdf5Writer.ts";

// The external files the upstream fixture folder holds: dataset.h5 (data_1: 3 float64, data_2: 3x13x17
// int64 in [-10, 10)), dataset_part2.h5 (data_2: 5x13x17), tiff_files/img_0000{0,1,2}.tif (10x15 uint8).
const root = mkdtempSync(join(tmpdir(), "databroker-streams-"));
const data1 = ndarray(
  Float64Array.from(integers(3, 0, 1000, 1), (n) => n / 1000),
  [3],
);
const data2 = ndarray(BigInt64Array.from(integers(3 * 13 * 17, -10, 10, 2), BigInt), [3, 13, 17]);
const data2part2 = ndarray(BigInt64Array.from(integers(5 * 13 * 17, -10, 10, 3), BigInt), [5, 13, 17]);
const tiffFrames = [0, 1, 2].map((i) => ndarray(Uint8Array.from(integers(150, 0, 255, 10 + i)), [10, 15]));

before(async () => {
  await writeHdf5(join(root, "dataset.h5"), {
    "entry/data/data_1": { data: data1.data as Float64Array, shape: data1.shape },
    "entry/data/data_2": { data: data2.data as BigInt64Array, shape: data2.shape, chunks: [1, 13, 17] },
  });
  await writeHdf5(join(root, "dataset_part2.h5"), {
    "entry/data/data_2": { data: data2part2.data as BigInt64Array, shape: data2part2.shape },
  });
  mkdirSync(join(root, "tiff_files"));
  tiffFrames.forEach((frame, i) => {
    const name = `img_${String(i).padStart(5, "0")}.tif`;
    writeFileSync(
      join(root, "tiff_files", name),
      encodeTiff([{ width: 15, height: 10, pixels: frame.data as Uint8Array }]),
    );
  });
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Every StreamDatum of a fixture read through its StreamResource. */
async function readAll(file: string) {
  const documents = renderFixture(file, root);
  const resources = new Map(docsNamed(documents, "stream_resource").map((r) => [r.uid, r as StreamResource]));
  const reader = new AssetReader({ fileRoots: [root] });
  const results = [];
  for (const datum of docsNamed(documents, "stream_datum")) {
    const resource = resources.get(datum.stream_resource)!;
    results.push({ resource, datum, array: await reader.readStreamDatum(resource, datum as never) });
  }
  await reader.close();
  return { documents, results };
}

describe("StreamResource handlers on the bluesky-tiled-plugins fixtures", () => {
  it("external_assets.json: each StreamDatum reads its rows of HDF5 datasets and TIFF files", async () => {
    const { documents, results } = await readAll("external_assets.json");
    assert.equal(results.length, 9);
    const dataKeys = Object.assign({}, ...docsNamed(documents, "descriptor").map((d) => d.data_keys));
    const expected: Record<string, ReturnType<typeof ndarray>> = {
      "det-key1": data1,
      "det-key2": data2,
      "det-key3": stack(tiffFrames),
    };
    for (const { resource, datum, array } of results) {
      const { start, stop } = datum.indices;
      assert.deepEqual(array, slice(expected[resource.data_key], { start, stop }), datum.uid);
      // One event per datum: the rows carry the descriptor's shape (its leading 1 is the row axis).
      const declared = dataKeys[resource.data_key].shape as number[];
      assert.deepEqual(array.shape, [stop - start, ...declared.slice(1)]);
    }
    assert.deepEqual(
      results.map((r) => r.array.dtype),
      ["float64", "int64", "uint8", "float64", "int64", "uint8", "float64", "int64", "uint8"],
    );
  });

  it("external_assets_single_key.json: one key across two files, 3 then 5 rows", async () => {
    const { results } = await readAll("external_assets_single_key.json");
    assert.deepEqual(
      results.map((r) => r.array.shape),
      [
        [3, 13, 17],
        [5, 13, 17],
      ],
    );
    assert.deepEqual(results[0].array, data2);
    assert.deepEqual(results[1].array, data2part2);
    assert.deepEqual(stack([]).shape, [0]);
  });

  it("external_assets_legacy.json: AD_HDF5_SWMR_STREAM datums {dataset, frame} read one frame each", async () => {
    const documents = renderFixture("external_assets_legacy.json", root);
    const resource = docsNamed(documents, "resource")[0] as Resource;
    const reader = new AssetReader({ fileRoots: [root] });
    const frames = [];
    for (const datum of docsNamed(documents, "datum")) {
      frames.push(await reader.readDatum(resource, datum as never));
    }
    await reader.close();
    assert.deepEqual(stack(frames), data2);
  });

  it("reads a sub-range of rows without the rest", async () => {
    const [resource] = docsNamed(renderFixture("external_assets_single_key.json", root), "stream_resource");
    const reader = new AssetReader({ fileRoots: [root] });
    const middle = await reader.readStreamDatum(resource as StreamResource, {
      uid: "x",
      indices: { start: 1, stop: 2 },
    });
    assert.deepEqual(middle, slice(data2, "1:2"));
    await reader.close();
  });

  it("names stream resource, mimetype, path and indices when a datum is bad or a file is missing", async () => {
    const documents = renderFixture("external_assets.json", root);
    const [hdf5, , tiffs] = docsNamed(documents, "stream_resource") as StreamResource[];
    const reader = new AssetReader({ fileRoots: [root] });
    await assert.rejects(
      reader.readStreamDatum(hdf5, { uid: "det-key1-uid/9", indices: { start: 2, stop: 9 } }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message.includes("stream datum det-key1-uid/9 indices [2, 9)") &&
        e.message.includes("stream resource det-key1-uid") &&
        e.message.includes("mimetype application/x-hdf5") &&
        e.message.includes(join(root, "dataset.h5")) &&
        /outside dataset \/entry\/data\/data_1 of 3 rows/.test(e.message),
    );
    await assert.rejects(
      reader.readStreamDatum(tiffs, { uid: "det-key3-uid/3", indices: { start: 3, stop: 4 } }),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message.includes("stream resource det-key3-uid") &&
        e.message.includes("mimetype multipart/related;type=image/tiff") &&
        e.message.includes(join(root, "tiff_files", "img_00003.tif")),
    );
    await assert.rejects(
      reader.readStreamDatum(
        { ...hdf5, uid: "other", parameters: { dataset: "/entry/nope" } },
        {
          uid: "other/0",
          indices: { start: 0, stop: 1 },
        },
      ),
      (e: unknown) => e instanceof NotFoundError && /no HDF5 object \/entry\/nope/.test(e.message),
    );
    await assert.rejects(
      reader.readStreamDatum(
        { ...hdf5, uid: "npy", mimetype: "application/x-npy" },
        { uid: "npy/0", indices: { start: 0, stop: 1 } },
      ),
      (e: unknown) =>
        e instanceof UnsupportedError && /no handler for mimetype "application\/x-npy"/.test(e.message),
    );
    await assert.rejects(
      reader.readStreamDatum(hdf5, { uid: "rev", indices: { start: 2, stop: 1 } }),
      /indices must be integers with 0 <= start <= stop/,
    );
    await reader.close();
  });
});
