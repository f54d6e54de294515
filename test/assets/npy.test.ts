import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { Unpackr } from "msgpackr";
import { parse as parseYaml } from "yaml";
import { AssetReader } from "../../src/assets/AssetReader.ts";
import { decodeNpy, encodeNpy, encodeNpyHeader, readNpyFile } from "../../src/assets/npyFormat.ts";
import type { Datum, DatumPage, EventDescriptor, Resource } from "../../src/documents/types.ts";
import { NotFoundError, UnreadableError, UnsupportedError } from "../../src/errors.ts";
import { ndarray, toNested } from "../../src/tables/NDArray.ts";
import { dataPath } from "../support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-npy-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An NPY file from a header and raw data bytes, for layouts our writer does not produce. */
function npyBytes(
  descr: string,
  fortran: boolean,
  shape: number[],
  data: Uint8Array,
  version = 1,
): Uint8Array {
  const header = encodeNpyHeader(descr, fortran, shape);
  if (version !== 1) {
    // Re-frame the same header text with a 4-byte length field (versions 2.0 and 3.0).
    const text = header.subarray(10);
    const v2 = new Uint8Array(12 + text.length);
    v2.set(header.subarray(0, 6));
    v2[6] = version;
    new DataView(v2.buffer).setUint32(8, text.length, true);
    v2.set(text, 12);
    return concat(v2, data);
  }
  return concat(header, data);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Bytes of values written with a DataView setter in the given byte order. */
function bytesOf(values: number[], size: number, setter: keyof DataView, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    (view[setter] as (at: number, v: number, le: boolean) => void).call(view, i * size, v, littleEndian);
  });
  return out;
}

describe("the real NPY_SEQ files of databroker-pack", () => {
  for (const catalog of ["simple_catalog", "another_simple_catalog"]) {
    it(`${catalog}: fills the datum of its Resource through root_map`, async () => {
      const folder = dataPath("databroker-pack", catalog);
      const config = parseYaml(readFileSync(join(folder, "catalog.yml"), "utf8"));
      const packedRootMap: Record<string, string> = config.sources.packed_catalog.args.root_map;
      // The packed root_map is relative to the catalog directory.
      const rootMap = Object.fromEntries(
        Object.entries(packedRootMap).map(([k, v]) => [k, resolve(folder, v)]),
      );
      const documents = readdirSync(join(folder, "documents")).flatMap(
        (file) =>
          new Unpackr({ mapsAsObjects: true }).unpackMultiple(
            readFileSync(join(folder, "documents", file)),
          ) as Array<[string, any]>,
      );
      const resource = documents.find(([name]) => name === "resource")![1] as Resource;
      const page = documents.find(([name]) => name === "datum_page")![1] as DatumPage;
      const descriptor = documents
        .map(([, doc]) => doc as EventDescriptor)
        .find((doc) => doc.data_keys?.img?.external !== undefined)!;
      assert.equal(resource.spec, "NPY_SEQ");

      const reader = new AssetReader({ rootMap });
      const datum: Datum = {
        datum_id: page.datum_id[0],
        resource: page.resource,
        datum_kwargs: { index: page.datum_kwargs.index[0] },
      };
      const image = await reader.readDatum(resource, datum);
      assert.deepEqual(image.shape, descriptor.data_keys.img.shape);
      assert.equal(image.dtype, "float64");
      // ophyd's simulated image detector writes np.ones((10, 10)).
      assert.ok(image.data instanceof Float64Array);
      assert.ok(Array.from(image.data).every((v) => v === 1));
      assert.equal(reader.pathOf(resource), join(rootMap[resource.root], resource.resource_path));
      await reader.close();
    });
  }

  it("reads the header of the real file as numpy wrote it", () => {
    const file = readdirSync(dataPath("databroker-pack/simple_catalog/external_files")).map((dir) =>
      dataPath("databroker-pack/simple_catalog/external_files", dir, "4d0d22_0.npy"),
    )[0];
    const bytes = readFileSync(file);
    const array = decodeNpy(bytes, file);
    assert.deepEqual(array.shape, [10, 10]);
    assert.deepEqual(readNpyFile(file), array);
  });
});

describe("NPY format variants", () => {
  it("round-trips what encodeNpy writes, for every typed dtype and for strings", () => {
    const arrays = [
      ndarray(new Float64Array([1.5, -2, Number.POSITIVE_INFINITY, 4, 5, 6]), [2, 3]),
      ndarray(new Float32Array([0.25, 0.5]), [2]),
      ndarray(new Int8Array([-128, 127])),
      ndarray(new Int32Array([-7, 7, 0, 1]), [2, 1, 2]),
      ndarray(new BigInt64Array([-(2n ** 62n), 2n ** 62n])),
      ndarray(new BigUint64Array([2n ** 64n - 1n])),
      ndarray(new Uint16Array([65535, 0, 1]), [3]),
      ndarray(new Uint8Array([1, 0, 1]), [3], "bool"),
      ndarray(["ab", "çé", "x"], [3], "string"),
      ndarray(new Float64Array([42]), []),
    ];
    for (const array of arrays) {
      const path = join(scratch, `roundtrip-${array.dtype}-${array.shape.length}.npy`);
      writeFileSync(path, encodeNpy(array));
      assert.deepEqual(readNpyFile(path), array, `${array.dtype} ${array.shape}`);
    }
  });

  it("reads big-endian data", () => {
    const u2 = decodeNpy(npyBytes(">u2", false, [3], bytesOf([1, 258, 65535], 2, "setUint16", false)));
    assert.deepEqual(u2, ndarray(new Uint16Array([1, 258, 65535])));
    const f8 = decodeNpy(npyBytes(">f8", false, [2], bytesOf([Math.PI, -0.5], 8, "setFloat64", false)));
    assert.deepEqual(Array.from(f8.data as Float64Array), [Math.PI, -0.5]);
    const i4 = decodeNpy(npyBytes(">i4", false, [2], bytesOf([-2, 70000], 4, "setInt32", false)));
    assert.deepEqual(Array.from(i4.data as Int32Array), [-2, 70000]);
  });

  it("brings Fortran-ordered data into C order", () => {
    // Fortran order stores a[i, j] at i + 2j for shape (2, 3): element values 10i + j.
    const fortran2d = [0, 10, 1, 11, 2, 12];
    const a = decodeNpy(npyBytes("<i4", true, [2, 3], bytesOf(fortran2d, 4, "setInt32", true)));
    assert.deepEqual(toNested(a), [
      [0, 1, 2],
      [10, 11, 12],
    ]);
    // Shape (2, 3, 4), value 100i + 10j + k stored at i + 2j + 6k.
    const stored = new Array<number>(24);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) stored[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
    const b = decodeNpy(npyBytes("<f4", true, [2, 3, 4], bytesOf(stored, 4, "setFloat32", true)));
    assert.deepEqual(b.shape, [2, 3, 4]);
    assert.equal((b.data as Float32Array)[1 * 12 + 2 * 4 + 3], 123);
    assert.deepEqual(
      toNested(b),
      [0, 1].map((i) => [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => 100 * i + 10 * j + k))),
    );
  });

  it("reads version 2.0 and 3.0 headers, bool bytes and float16", () => {
    const v2 = decodeNpy(npyBytes("|b1", false, [4], new Uint8Array([0, 1, 2, 0]), 2));
    assert.deepEqual(toNested(v2), [false, true, true, false]);
    const v3 = decodeNpy(
      npyBytes("<f2", false, [4], bytesOf([0x3c00, 0xc000, 0x3555, 0x7c00], 2, "setUint16", true), 3),
    );
    assert.equal(v3.dtype, "float32");
    const halves = Array.from(v3.data as Float32Array);
    assert.deepEqual([halves[0], halves[1], halves[3]], [1, -2, Number.POSITIVE_INFINITY]);
    assert.ok(Math.abs(halves[2] - 1 / 3) < 1e-3);
  });

  it("reads numpy's fixed-width byte strings", () => {
    const s = decodeNpy(npyBytes("|S3", false, [2], new TextEncoder().encode("ab\0xyz")));
    assert.deepEqual(s.data, ["ab", "xyz"]);
  });

  it("names the file and the byte offset when a file is not an NPY file or is cut short", () => {
    const bad = join(scratch, "bad.npy");
    writeFileSync(bad, "not numpy at all");
    assert.throws(
      () => readNpyFile(bad),
      (e: unknown) => e instanceof UnreadableError && e.message.startsWith(`${bad}: byte 0`),
    );
    const short = join(scratch, "short.npy");
    writeFileSync(short, npyBytes("<f8", false, [10], new Uint8Array(16)));
    assert.throws(
      () => readNpyFile(short),
      (e: unknown) => e instanceof UnreadableError && /needs 80 bytes, found 16/.test(e.message),
    );
    assert.throws(() => decodeNpy(npyBytes("<c16", false, [1], new Uint8Array(16))), UnsupportedError);
    assert.throws(() => readNpyFile(join(scratch, "absent.npy")), NotFoundError);
  });
});

describe("the npy and NPY_SEQ handlers", () => {
  const resource = (spec: string, path: string): Resource => ({
    uid: `res-${spec}`,
    spec,
    root: dirname(path),
    resource_path: path.slice(dirname(path).length + 1),
    resource_kwargs: {},
  });

  it("`npy` reads the resource file itself", async () => {
    const path = join(scratch, "whole.npy");
    const array = ndarray(new Uint16Array([1, 2, 3, 4, 5, 6]), [3, 2]);
    writeFileSync(path, encodeNpy(array));
    const reader = new AssetReader({ fileRoots: [scratch] });
    assert.deepEqual(
      await reader.readDatum(resource("npy", path), { datum_id: "d/0", datum_kwargs: {} }),
      array,
    );
  });

  it("`NPY_SEQ` reads <path>_<index>.npy per datum", async () => {
    for (const index of [0, 1, 2]) {
      writeFileSync(
        join(scratch, `seq_${index}.npy`),
        encodeNpy(ndarray(new Float64Array([index, index * 10]))),
      );
    }
    const reader = new AssetReader({ fileRoots: [scratch] });
    const res = resource("NPY_SEQ", join(scratch, "seq"));
    for (const index of [2, 0, 1]) {
      const array = await reader.readDatum(res, { datum_id: `seq/${index}`, datum_kwargs: { index } });
      assert.deepEqual(Array.from(array.data as Float64Array), [index, index * 10]);
    }
  });

  it("a missing file is a NotFoundError naming resource uid, spec, path and datum", async () => {
    const reader = new AssetReader({ fileRoots: [scratch] });
    const res = resource("NPY_SEQ", join(scratch, "seq"));
    await assert.rejects(
      reader.readDatum(res, { datum_id: "seq/9", datum_kwargs: { index: 9 } }),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message.includes("res-NPY_SEQ") &&
        e.message.includes("spec NPY_SEQ") &&
        e.message.includes(join(scratch, "seq")) &&
        e.message.includes('datum seq/9 {"index":9}') &&
        e.message.includes(join(scratch, "seq_9.npy")),
    );
  });

  it("a datum without its index is a ValidationError naming the key", async () => {
    const reader = new AssetReader({ fileRoots: [scratch] });
    await assert.rejects(
      reader.readDatum(resource("NPY_SEQ", join(scratch, "seq")), {
        datum_id: "seq/x",
        datum_kwargs: { index: "x" },
      }),
      /datum_kwargs.index must be a non-negative integer, got "x"/,
    );
  });
});
