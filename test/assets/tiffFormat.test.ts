import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeTiff } from "../../src/assets/tiffFormat.ts";
import { UnreadableError } from "../../src/errors.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";

describe("reading TIFF strips", () => {
  it("reads uint8, uint16, int16 and float32 pixels across several strips", () => {
    const width = 7;
    const height = 5;
    const cases = [
      Uint8Array.from({ length: 35 }, (_, i) => (i * 7) % 256),
      Uint16Array.from({ length: 35 }, (_, i) => i * 1000),
      Int16Array.from({ length: 35 }, (_, i) => (i - 17) * 100),
      Float32Array.from({ length: 35 }, (_, i) => i / 4 - 3),
    ];
    const dtypes = ["uint8", "uint16", "int16", "float32"];
    cases.forEach((pixels, i) => {
      for (const rowsPerStrip of [1, 2, 5]) {
        const image = decodeTiff(encodeTiff([{ width, height, pixels }], { rowsPerStrip }), "test.tif");
        assert.deepEqual(image.shape, [height, width]);
        assert.equal(image.dtype, dtypes[i]);
        assert.deepEqual(
          Array.from(image.data as ArrayLike<number>),
          Array.from(pixels),
          `${dtypes[i]} / ${rowsPerStrip}`,
        );
      }
    });
  });

  it("stacks the pages of a multi-page file", () => {
    const pages = [0, 1, 2].map((p) => ({
      width: 3,
      height: 2,
      pixels: Uint16Array.from([1, 2, 3, 4, 5, 6], (v) => v + 10 * p),
    }));
    const image = decodeTiff(encodeTiff(pages), "stack.tif");
    assert.deepEqual(image.shape, [3, 2, 3]);
    assert.deepEqual(Array.from(image.data as Uint16Array).slice(12), [21, 22, 23, 24, 25, 26]);
  });

  it("names the file when the bytes are not a TIFF", () => {
    assert.throws(
      () => decodeTiff(new TextEncoder().encode("GIF89a not a tiff"), "/data/x.tif"),
      (e: unknown) => e instanceof UnreadableError && e.message.startsWith("/data/x.tif: TIFF:"),
    );
  });
});
