import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import { elementCount, fromNested, ndarray, toNested } from "../../src/tables/NDArray.ts";
import { parseSelectors, slice } from "../../src/tables/slice.ts";
import { concatenate, stack } from "../../src/tables/stack.ts";
import { transpose } from "../../src/tables/transpose.ts";

/** A 3x4x5 array whose element at [i, j, k] is 100i + 10j + k: every slice is checkable by eye. */
function cube() {
  const data = new Int32Array(60);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 4; j++) for (let k = 0; k < 5; k++) data[i * 20 + j * 5 + k] = 100 * i + 10 * j + k;
  return ndarray(data, [3, 4, 5]);
}

/** Python's range(start, stop, step) — the reference for what a slice must pick. */
function range(start: number, stop: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = start; step > 0 ? v < stop : v > stop; v += step) out.push(v);
  return out;
}

describe("NDArray basics", () => {
  it("counts elements and checks shape against storage", () => {
    assert.equal(elementCount([3, 4, 5]), 60);
    assert.equal(elementCount([]), 1);
    assert.equal(elementCount([25, 27, 0]), 0);
    assert.throws(() => ndarray(new Float64Array(5), [2, 3]), ValidationError);
    assert.throws(() => ndarray(new Float64Array(6), [2, 3], "int32"), ValidationError);
    assert.equal(ndarray(new Uint16Array(4)).dtype, "uint16");
  });

  it("builds from nested lists and gives them back", () => {
    const a = fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, "float64");
    assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(toNested(a), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(toNested(fromNested([true, false], "bool")), [true, false]);
    assert.deepEqual(toNested(fromNested(7)), 7);
    assert.deepEqual(fromNested([["a", "b"]]).dtype, "string");
    assert.throws(() => fromNested([[1, 2], [3]]), /ragged/);
  });
});

describe("numpy-style slicing", () => {
  const a = cube();
  const values = (x: { data: ArrayLike<unknown> }) => Array.from(x.data as ArrayLike<number>);

  it("drops the axis of an integer index, counting negatives from the end", () => {
    const row = slice(a, 1);
    assert.deepEqual(row.shape, [4, 5]);
    assert.deepEqual(
      values(row),
      range(0, 20).map((n) => 100 + 10 * Math.floor(n / 5) + (n % 5)),
    );
    const last = slice(a, -1, -1, -1);
    assert.deepEqual(last.shape, []);
    assert.deepEqual(values(last), [234]);
  });

  it("takes start:stop:step ranges along any axis", () => {
    const s = slice(a, null, "1:4:2", "::-2");
    assert.deepEqual(s.shape, [3, 2, 3]);
    const expected = range(0, 3).flatMap((i) =>
      range(1, 4, 2).flatMap((j) => range(4, -1, -2).map((k) => 100 * i + 10 * j + k)),
    );
    assert.deepEqual(values(s), expected);
  });

  it("clamps out-of-range bounds like numpy and allows empty results", () => {
    assert.deepEqual(slice(a, { start: -10, stop: 10 }).shape, [3, 4, 5]);
    assert.deepEqual(slice(a, "2:1").shape, [0, 4, 5]);
    assert.deepEqual(values(slice(a, 0, 0, "10:-10:-1")), [4, 3, 2, 1, 0]);
  });

  it("rejects out-of-bounds indices, zero steps and too many selectors", () => {
    assert.throws(() => slice(a, 3), /out of bounds for axis 0 with size 3/);
    assert.throws(() => slice(a, null, null, "::0"), ValidationError);
    assert.throws(() => slice(a, 0, 0, 0, 0), /too many indices/);
  });

  it("parses Tiled-style slice text", () => {
    assert.deepEqual(parseSelectors("[0:2, 1, ::-1]"), [
      { start: 0, stop: 2, step: null },
      1,
      { start: null, stop: null, step: -1 },
    ]);
    assert.deepEqual(values(slice(a, ...parseSelectors("2,3,1:3"))), [231, 232]);
    assert.throws(() => parseSelectors("1:x"), ValidationError);
  });

  it("slices plain arrays of strings too", () => {
    const s = fromNested([
      ["a", "b"],
      ["c", "d"],
    ]);
    assert.deepEqual(toNested(slice(s, null, 1)), ["b", "d"]);
  });
});

describe("transpose, stack and concatenate", () => {
  it("permutes axes", () => {
    const t = transpose(cube(), [2, 0, 1]);
    assert.deepEqual(t.shape, [5, 3, 4]);
    const expected = range(0, 5).flatMap((k) =>
      range(0, 3).flatMap((i) => range(0, 4).map((j) => 100 * i + 10 * j + k)),
    );
    assert.deepEqual(Array.from(t.data as Int32Array), expected);
    assert.deepEqual(transpose(cube()).shape, [5, 4, 3]);
    assert.throws(() => transpose(cube(), [0, 0, 1]), ValidationError);
  });

  it("stacks events of one shape as [n, ...shape]", () => {
    const frames = [0, 1, 2].map((n) => ndarray(new Uint16Array([n, n + 10, n + 20, n + 30]), [2, 2]));
    const s = stack(frames);
    assert.deepEqual(s.shape, [3, 2, 2]);
    assert.equal(s.dtype, "uint16");
    assert.deepEqual(Array.from(s.data as Uint16Array), [0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]);
    assert.deepEqual(stack([], { dtype: "float32", shape: [4] }).shape, [0, 4]);
    assert.throws(() => stack([frames[0], ndarray(new Uint16Array(3))]), /cannot stack/);
  });

  it("promotes mixed numeric dtypes when stacking", () => {
    const s = stack([ndarray(new Int32Array([1, 2])), ndarray(new Float32Array([0.5, 1.5]))]);
    assert.equal(s.dtype, "float64");
    assert.deepEqual(Array.from(s.data as Float64Array), [1, 2, 0.5, 1.5]);
  });

  it("concatenates blocks of frames along the first axis", () => {
    const c = concatenate([
      ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]),
      ndarray(new Float64Array([5, 6]), [1, 2]),
    ]);
    assert.deepEqual(c.shape, [3, 2]);
    assert.deepEqual(Array.from(c.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  });
});
