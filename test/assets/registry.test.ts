import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AssetReader } from "../../src/assets/AssetReader.ts";
import { builtinHandlers } from "../../src/assets/builtinHandlers.ts";
import { encodeNpy } from "../../src/assets/npyFormat.ts";
import { remapPrefix, resourcePath, streamResourcePath } from "../../src/assets/paths.ts";
import type { Resource, StreamResource } from "../../src/documents/types.ts";
import { UnsupportedError, ValidationError } from "../../src/errors.ts";
import { ndarray } from "../../src/tables/NDArray.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-registry-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const resource = (spec: string, extra: Partial<Resource> = {}): Resource => ({
  uid: `r-${spec}`,
  spec,
  root: "/old/root",
  resource_path: "run1/det",
  resource_kwargs: { gain: 2 },
  ...extra,
});

describe("paths", () => {
  it("applies root_map to a Resource's root and joins resource_path", () => {
    assert.equal(resourcePath(resource("X")), "/old/root/run1/det");
    assert.equal(resourcePath(resource("X"), { "/old/root": "/new/place" }), "/new/place/run1/det");
    assert.equal(resourcePath(resource("X", { root: "", resource_path: "/abs/file.h5" })), "/abs/file.h5");
    assert.equal(
      resourcePath(
        resource("X", { root: "C:\\data", resource_path: "scan\\a.tif", path_semantics: "windows" }),
      ),
      "C:\\data\\scan\\a.tif",
    );
  });

  it("turns file:// URIs into paths, keeping a directory's trailing slash", () => {
    assert.equal(streamResourcePath("file://localhost/abs/path/data.h5"), "/abs/path/data.h5");
    assert.equal(streamResourcePath("file:///abs/path/data.h5"), "/abs/path/data.h5");
    assert.equal(streamResourcePath("file://localhost//tmp/x/tiff_files/"), "/tmp/x/tiff_files/");
    assert.equal(streamResourcePath("file://localhost/with%20space/a.h5"), "/with space/a.h5");
    assert.throws(() => streamResourcePath("s3://bucket/a.h5"), UnsupportedError);
    assert.throws(() => streamResourcePath("file://beamline-server/a.h5"), /another host/);
    assert.throws(() => streamResourcePath("not a uri"), ValidationError);
  });

  it("applies root_map to StreamResource paths by whole-segment prefix, longest first", () => {
    const rootMap = { "/nsls2/data": "/mnt/archive", "/nsls2/data/tst": "/fast/tst" };
    assert.equal(
      streamResourcePath("file://localhost/nsls2/data/abc/d.h5", rootMap),
      "/mnt/archive/abc/d.h5",
    );
    assert.equal(streamResourcePath("file://localhost/nsls2/data/tst/d.h5", rootMap), "/fast/tst/d.h5");
    assert.equal(remapPrefix("/nsls2/database/d.h5", rootMap), "/nsls2/database/d.h5");
  });
});

describe("the handler registry", () => {
  it("holds the built-in specs and mimetypes", () => {
    const registry = builtinHandlers();
    assert.deepEqual(registry.specs, [
      "AD_HDF5",
      "AD_HDF5_SWMR",
      "AD_HDF5_SWMR_STREAM",
      "AD_TIFF",
      "NPY_SEQ",
      "SINGLE_TIFF",
      "npy",
    ]);
    assert.deepEqual(registry.mimetypes, ["application/x-hdf5", "multipart/related;type=image/tiff"]);
    assert.ok(registry.streamHandlerFor("multipart/related; type=image/TIFF"));
  });

  it("creates a user handler once per resource, with the resolved path and resource_kwargs", async () => {
    const calls: Array<{ path: string; kwargs: unknown }> = [];
    const registry = builtinHandlers().registerHandler("COUNTER", (path, kwargs) => {
      calls.push({ path, kwargs });
      return { read: (datum) => ndarray(new Float64Array([Number(datum.n) * Number(kwargs.gain)])) };
    });
    const reader = new AssetReader({ registry, rootMap: { "/old/root": scratch } });
    const res = resource("COUNTER");
    const values = await Promise.all(
      [1, 2, 3].map(
        async (n) => (await reader.readDatum(res, { datum_id: `c/${n}`, datum_kwargs: { n } })).data[0],
      ),
    );
    assert.deepEqual(values, [2, 4, 6]);
    assert.deepEqual(calls, [{ path: join(scratch, "run1/det"), kwargs: { gain: 2 } }]);
  });

  it("lets users override a built-in spec without touching other registries", async () => {
    writeFileSync(join(scratch, "frame_0.npy"), encodeNpy(ndarray(new Float64Array([1, 2]))));
    const doubled = builtinHandlers().registerHandler("NPY_SEQ", () => ({
      read: () => ndarray(new Float64Array([42])),
    }));
    const res = resource("NPY_SEQ", { root: scratch, resource_path: "frame" });
    const datum = { datum_id: "f/0", datum_kwargs: { index: 0 } };
    assert.deepEqual(
      Array.from(
        (await new AssetReader({ registry: doubled, fileRoots: [scratch] }).readDatum(res, datum)).data,
      ),
      [42],
    );
    assert.deepEqual(
      Array.from((await new AssetReader({ fileRoots: [scratch] }).readDatum(res, datum)).data),
      [1, 2],
    );
  });

  it("lets users add a stream handler for a new mimetype", async () => {
    const registry = builtinHandlers().registerStreamHandler(
      "application/x-counter",
      (_path, parameters) => ({
        read: ({ start, stop }) =>
          ndarray(
            Float64Array.from({ length: stop - start }, (_, i) => start + i + Number(parameters.offset)),
          ),
      }),
    );
    const streamResource: StreamResource = {
      uid: "sr",
      data_key: "k",
      mimetype: "application/x-counter",
      uri: "file://localhost/x",
      parameters: { offset: 100 },
    };
    const rows = await new AssetReader({ registry, fileRoots: [scratch] }).readStreamDatum(streamResource, {
      uid: "sr/0",
      indices: { start: 2, stop: 5 },
    });
    assert.deepEqual(Array.from(rows.data), [102, 103, 104]);
  });

  it("forgets a handler whose creation failed, so a later read can succeed", async () => {
    let attempts = 0;
    const registry = builtinHandlers().registerHandler("FLAKY", () => {
      attempts++;
      if (attempts === 1) throw new Error("device busy");
      return { read: () => ndarray(new Float64Array([attempts])) };
    });
    const reader = new AssetReader({ registry, fileRoots: [scratch] });
    const datum = { datum_id: "f/0", datum_kwargs: {} };
    await assert.rejects(reader.readDatum(resource("FLAKY"), datum), /r-FLAKY.*device busy/);
    assert.deepEqual(Array.from((await reader.readDatum(resource("FLAKY"), datum)).data), [2]);
  });

  it("names resource, spec, path and datum when no handler is registered or the datum is not the resource's", async () => {
    const reader = new AssetReader({ rootMap: { "/old/root": "/mnt" } });
    await assert.rejects(
      reader.readDatum(resource("MYSTERY"), { datum_id: "m/0", datum_kwargs: { frame: 1 } }),
      (e: unknown) =>
        e instanceof UnsupportedError &&
        e.message ===
          'datum m/0 {"frame":1} of resource r-MYSTERY (spec MYSTERY, path /mnt/run1/det): no handler for spec "MYSTERY" ' +
            "(known: AD_HDF5, AD_HDF5_SWMR, AD_HDF5_SWMR_STREAM, AD_TIFF, NPY_SEQ, SINGLE_TIFF, npy)",
    );
    await assert.rejects(
      reader.readDatum(resource("npy"), { datum_id: "x/0", datum_kwargs: {}, resource: "someone-else" }),
      (e: unknown) => e instanceof ValidationError && /belongs to resource someone-else/.test(e.message),
    );
  });
});
