import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import h5wasm, { type Group } from "h5wasm/node";
import { AssetReader } from "../../src/assets/AssetReader.ts";
import type { Resource } from "../../src/documents/types.ts";
import { NotFoundError, UnreadableError, ValidationError } from "../../src/errors.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { slice } from "../../src/tables/slice.ts";
import { projectRoot } from "../support/sharedData.ts";
import { writeHdf5 } from "./hdf5Writer.ts";

const root = mkdtempSync(join(tmpdir(), "databroker-ad-"));
after(() => rmSync(root, { recursive: true, force: true }));

// Six 4x5 uint16 frames; frame f, pixel (r, c) holds 100f + 10r + c.
const frames = ndarray(
  Uint16Array.from(
    { length: 6 * 20 },
    (_, i) => 100 * Math.floor(i / 20) + 10 * Math.floor((i % 20) / 5) + (i % 5),
  ),
  [6, 4, 5],
);

function resource(spec: string, resourcePath: string, kwargs: Record<string, unknown> = {}): Resource {
  return {
    uid: `uid-${spec}-${resourcePath}`,
    spec,
    root,
    resource_path: resourcePath,
    resource_kwargs: kwargs,
  };
}

describe("AD_HDF5 and AD_HDF5_SWMR", () => {
  before(async () => {
    await writeHdf5(join(root, "ad.h5"), {
      "entry/data/data": { data: frames.data as Uint16Array, shape: [6, 4, 5] },
    });
    // A file as a SWMR writer leaves it: superblock v3 (libver latest), chunked, unlimited first axis.
    await h5wasm.ready;
    const swmr = new h5wasm.File(join(root, "swmr.h5"), "w", { libver: "latest" });
    swmr.create_group("entry");
    (swmr.get("entry") as Group).create_group("data");
    swmr.create_dataset({
      name: "entry/data/data",
      data: frames.data as Uint16Array,
      shape: [6, 4, 5],
      dtype: "<H",
      chunks: [1, 4, 5],
      maxshape: [null, 4, 5],
    });
    swmr.close();
  });

  it("reads frame point_number when frame_per_point is 1, without the frame axis", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    for (const point of [0, 3, 5]) {
      const frame = await reader.readDatum(resource("AD_HDF5", "ad.h5"), {
        datum_id: `d/${point}`,
        datum_kwargs: { point_number: point },
      });
      assert.deepEqual(frame, slice(frames, point));
    }
    await reader.close();
  });

  it("reads frame_per_point frames per point", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    const res = resource("AD_HDF5", "ad.h5", { frame_per_point: 2 });
    const block = await reader.readDatum(res, { datum_id: "d/1", datum_kwargs: { point_number: 1 } });
    assert.deepEqual(block, slice(frames, "2:4"));
    await assert.rejects(
      reader.readDatum(res, { datum_id: "d/3", datum_kwargs: { point_number: 3 } }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message.includes(`resource ${res.uid}`) &&
        e.message.includes("spec AD_HDF5") &&
        e.message.includes(join(root, "ad.h5")) &&
        e.message.includes('datum d/3 {"point_number":3}') &&
        e.message.includes("rows [6, 8) are outside dataset /entry/data/data of 6 rows"),
    );
    await reader.close();
  });

  it("AD_HDF5_SWMR reads a SWMR-capable file and a plain one alike", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    for (const file of ["swmr.h5", "ad.h5"]) {
      const frame = await reader.readDatum(resource("AD_HDF5_SWMR", file), {
        datum_id: `${file}/4`,
        datum_kwargs: { point_number: 4 },
      });
      assert.deepEqual(frame, slice(frames, 4), file);
    }
    await reader.close();
  });

  it("sees frames appended by another process after the file was opened", async () => {
    const path = join(root, "growing.h5");
    await h5wasm.ready;
    const writer = new h5wasm.File(path, "w");
    writer.create_dataset({
      name: "data",
      data: new Uint16Array(0),
      shape: [0, 4, 5],
      dtype: "<H",
      maxshape: [null, 4, 5],
      chunks: [1, 4, 5],
    });
    writer.close();
    // Moved to /entry/data/data by the same child that appends, keeping this process's h5wasm out of writing.
    const append = (count: number) => {
      const code = `
        import h5wasm from "h5wasm/node";
        await h5wasm.ready;
        const f = new h5wasm.File(${JSON.stringify(path)}, "a");
        if (!f.keys().includes("entry")) { f.create_group("entry"); f.get("entry").create_group("data"); f.create_hard_link("/data", "/entry/data/data"); }
        const d = f.get("entry/data/data");
        const n = d.shape[0];
        d.resize([n + ${count}, 4, 5]);
        const all = new Uint16Array(${JSON.stringify(Array.from(frames.data as Uint16Array))});
        d.write_slice([[n, n + ${count}]], all.slice(n * 20, (n + ${count}) * 20));
        f.close();`;
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
        cwd: projectRoot,
        encoding: "utf8",
      });
      assert.equal(child.status, 0, child.stderr);
    };
    append(2);
    const reader = new AssetReader({ fileRoots: [root] });
    const res = resource("AD_HDF5_SWMR", "growing.h5");
    assert.deepEqual(
      await reader.readDatum(res, { datum_id: "g/1", datum_kwargs: { point_number: 1 } }),
      slice(frames, 1),
    );
    append(3);
    assert.deepEqual(
      await reader.readDatum(res, { datum_id: "g/4", datum_kwargs: { point_number: 4 } }),
      slice(frames, 4),
    );
    await reader.close();
  });

  it("a file that is not HDF5 is an UnreadableError; a missing one a NotFoundError", async () => {
    writeFileSync(join(root, "junk.h5"), "definitely not hdf5".repeat(100));
    const reader = new AssetReader({ fileRoots: [root] });
    await assert.rejects(
      reader.readDatum(resource("AD_HDF5", "junk.h5"), {
        datum_id: "j/0",
        datum_kwargs: { point_number: 0 },
      }),
      (e: unknown) =>
        e instanceof UnreadableError &&
        e.message.startsWith(join(root, "junk.h5")) &&
        /not an HDF5 file/.test(e.message),
    );
    await assert.rejects(
      reader.readDatum(resource("AD_HDF5", "gone.h5"), {
        datum_id: "g/0",
        datum_kwargs: { point_number: 0 },
      }),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message.includes(`file ${join(root, "gone.h5")} is not readable from this catalog's file roots`),
    );
  });
});

describe("AD_TIFF and SINGLE_TIFF", () => {
  before(() => {
    mkdirSync(join(root, "tiffs"));
    for (let f = 0; f < 6; f++) {
      const pixels = (slice(frames, f).data as Uint16Array).slice();
      const name = `scan7_${String(f).padStart(6, "0")}.tiff`;
      writeFileSync(join(root, "tiffs", name), encodeTiff([{ width: 5, height: 4, pixels }]));
    }
  });

  const adTiff = (kwargs: Record<string, unknown>) =>
    resource("AD_TIFF", "tiffs", { template: "%s%s_%6.6d.tiff", filename: "scan7", ...kwargs });

  it("names each frame's file with the %-template and reads it", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    for (const point of [0, 2, 5]) {
      const frame = await reader.readDatum(adTiff({ frame_per_point: 1 }), {
        datum_id: `t/${point}`,
        datum_kwargs: { point_number: point },
      });
      assert.deepEqual(frame, slice(frames, point));
    }
  });

  it("stacks frame_per_point frames per point", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    const block = await reader.readDatum(adTiff({ frame_per_point: 3 }), {
      datum_id: "t/1",
      datum_kwargs: { point_number: 1 },
    });
    assert.deepEqual(block, slice(frames, "3:6"));
  });

  it("a missing frame file names the resource, spec, directory and the frame's file", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    const res = adTiff({ frame_per_point: 1 });
    await assert.rejects(
      reader.readDatum(res, { datum_id: "t/6", datum_kwargs: { point_number: 6 } }),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message.includes(res.uid) &&
        e.message.includes("spec AD_TIFF") &&
        e.message.includes(`path ${join(root, "tiffs")}`) &&
        e.message.includes(join(root, "tiffs", "scan7_000006.tiff")),
    );
    await assert.rejects(
      reader.readDatum(
        { ...resource("AD_TIFF", "tiffs", {}), uid: "no-template" },
        {
          datum_id: "t/0",
          datum_kwargs: { point_number: 0 },
        },
      ),
      /resource_kwargs.template must be a string, got nothing/,
    );
  });

  it("SINGLE_TIFF reads the resource's own file", async () => {
    const reader = new AssetReader({ fileRoots: [root] });
    const image = await reader.readDatum(resource("SINGLE_TIFF", "tiffs/scan7_000002.tiff"), {
      datum_id: "s/0",
      datum_kwargs: {},
    });
    assert.deepEqual(image, slice(frames, 2));
  });
});
