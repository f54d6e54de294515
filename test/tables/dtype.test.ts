import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";
import { UnsupportedError } from "../../src/errors.ts";
import { inferDType, promote } from "../../src/tables/DType.ts";
import { dtypeFromDataKey, numpyDtypeString, parseNumpyDtype } from "../../src/tables/numpyDtype.ts";
import { dataPath } from "../support/sharedData.ts";

describe("numpy type strings", () => {
  it("decodes byte order, kind and size", () => {
    assert.deepEqual(parseNumpyDtype("<f8"), {
      dtype: "float64",
      kind: "f",
      itemSize: 8,
      littleEndian: true,
    });
    assert.deepEqual(parseNumpyDtype(">u2"), {
      dtype: "uint16",
      kind: "u",
      itemSize: 2,
      littleEndian: false,
    });
    assert.deepEqual(parseNumpyDtype("|b1"), { dtype: "bool", kind: "b", itemSize: 1, littleEndian: true });
    assert.deepEqual(parseNumpyDtype("<i8").dtype, "int64");
    assert.deepEqual(parseNumpyDtype("|u1").dtype, "uint8");
    assert.deepEqual(parseNumpyDtype("<f2"), {
      dtype: "float32",
      kind: "f",
      itemSize: 2,
      littleEndian: true,
    });
    assert.deepEqual(parseNumpyDtype("<U12"), {
      dtype: "string",
      kind: "U",
      itemSize: 48,
      littleEndian: true,
    });
    assert.equal(parseNumpyDtype("|O").dtype, "object");
  });

  it("refuses complex and datetime types with an UnsupportedError naming the type", () => {
    assert.throws(
      () => parseNumpyDtype("<c16"),
      (e: unknown) => e instanceof UnsupportedError && /<c16/.test(e.message),
    );
    assert.throws(() => parseNumpyDtype("<M8[ns]"), UnsupportedError);
  });

  it("round-trips our dtypes through numpy's dtype.str", () => {
    for (const dtype of [
      "bool",
      "int8",
      "int32",
      "int64",
      "uint16",
      "uint64",
      "float32",
      "float64",
    ] as const) {
      assert.equal(parseNumpyDtype(numpyDtypeString(dtype)).dtype, dtype);
    }
  });
});

describe("dtypes of event-model data keys", () => {
  it("prefers dtype_numpy and falls back to the JSON dtype", () => {
    assert.equal(dtypeFromDataKey({ dtype: "number", dtype_numpy: "<i8" }), "int64");
    assert.equal(dtypeFromDataKey({ dtype: "number" }), "float64");
    assert.equal(dtypeFromDataKey({ dtype: "integer" }), "int64");
    assert.equal(dtypeFromDataKey({ dtype: "boolean" }), "bool");
    assert.equal(dtypeFromDataKey({ dtype: "string" }), "string");
    assert.equal(dtypeFromDataKey({ dtype: "array" }), undefined);
    assert.equal(dtypeFromDataKey({ dtype: "array", dtype_numpy: [["x", "<f8"]] }), "object");
  });

  it("maps every data key of the tiled-plugins fixtures to the dtype their files hold", () => {
    const docs = JSON.parse(
      readFileSync(dataPath("bluesky-tiled-plugins-examples", "external_assets.json"), "utf8"),
    ) as Array<{ name: DocumentPair[0]; doc: { data_keys?: Record<string, DataKey> } }>;
    const keys = Object.assign(
      {},
      ...docs.filter((d) => d.name === "descriptor").map((d) => d.doc.data_keys),
    );
    const dtypes = Object.fromEntries(
      Object.entries(keys).map(([k, v]) => [k, dtypeFromDataKey(v as DataKey)]),
    );
    assert.deepEqual(dtypes, { "det-key1": "float64", "det-key2": "int64", "det-key3": "uint8" });
  });
});

describe("inferring dtypes of undeclared values", () => {
  it("looks through nested lists to their leaves", () => {
    assert.equal(inferDType([1, 2.5, null]), "float64");
    assert.equal(
      inferDType([
        [1, 2],
        [3, 4],
      ]),
      "float64",
    );
    assert.equal(inferDType([true, false]), "bool");
    assert.equal(inferDType(["a", null]), "string");
    assert.equal(inferDType([1, "a"]), "object");
    assert.equal(inferDType([{ a: 1 }]), "object");
  });

  it("promotes numeric pairs to float64 and anything else to object", () => {
    assert.equal(promote("int32", "int32"), "int32");
    assert.equal(promote("int32", "float32"), "float64");
    assert.equal(promote("bool", "int8"), "object");
  });
});
