// Asks Debian's python3 what pandas makes of a muxing request (test/support/muxingReference.py), passing
// tables as msgpack with numbers as raw little-endian bytes (so float stays float, int stays int, NaN stays
// NaN), and compares the answer with ours column by column, bit for bit.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { promisify } from "node:util";
import { pack, unpack } from "msgpackr";
import { type Column, columnDType } from "../../src/tables/Column.ts";
import { type DType, isTypedArray, type TypedArray, typedArrayClass } from "../../src/tables/DType.ts";
import { isNDArray, toNested } from "../../src/tables/NDArray.ts";
import type { Table } from "../../src/tables/Table.ts";
import { projectRoot } from "../support/sharedData.ts";

export type WireColumn = { dtype: string; data: Uint8Array } | { values: unknown[] };

const scratch = mkdtempSync(join(tmpdir(), "databroker-muxing-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let calls = 0;

/** A column as the Python side reads it: typed numbers as bytes, anything else as plain values. */
export function wireColumn(column: Column): WireColumn {
  if (isTypedArray(column)) {
    const dtype = columnDType(column);
    return { dtype, data: new Uint8Array(column.buffer, column.byteOffset, column.byteLength) };
  }
  if (isNDArray(column)) {
    const nested = toNested(column) as unknown[];
    return { values: nested.map(plainValue) };
  }
  return { values: column.map(plainValue) };
}

function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(plainValue);
  if (isNDArray(value)) return plainValue(toNested(value));
  return value;
}

export function wireTable(table: Table): Record<string, WireColumn> {
  return Object.fromEntries(
    Object.entries(table.columns).map(([name, column]) => [name, wireColumn(column)]),
  );
}

export type Answer = Record<string, WireColumn>;

/** A request for the reference script and what to do with its answer. */
export interface Case {
  request: Record<string, unknown>;
  check(answer: Answer): void;
}

/** Runs the reference script once on all the cases' requests, then each case's check on its answer. */
export async function checkCases(cases: readonly Case[]): Promise<void> {
  const answers = await pandas(cases.map((each) => each.request));
  for (const [i, each] of cases.entries()) each.check(answers[i]);
}

/** Runs the reference script on `requests`; the answers' columns. */
export async function pandas(requests: Array<Record<string, unknown>>): Promise<Answer[]> {
  const file = join(scratch, `request-${calls++}.msgpack`);
  writeFileSync(file, pack(requests));
  const { stdout } = await promisify(execFile)(
    "/usr/bin/python3",
    [join(projectRoot, "test/support/muxingReference.py"), file],
    { encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 },
  );
  return unpack(stdout) as Answer[];
}

/** The numbers of a wire column as a typed array of its dtype. */
function typedOf(column: { dtype: string; data: Uint8Array }): TypedArray {
  const Class = typedArrayClass(column.dtype as DType);
  if (!Class) throw new Error(`no typed storage for ${column.dtype}`);
  const bytes = new Uint8Array(column.data); // aligned copy
  return new Class(bytes.buffer, 0, bytes.byteLength / Class.BYTES_PER_ELEMENT);
}

/** Asserts that our column equals pandas' to the bit (NaN equals NaN; 0 and -0 differ), dtype included. */
export function assertSameColumn(ours: Column, theirs: WireColumn, label: string, ulps = 0): void {
  const mine = wireColumn(ours);
  if ("data" in theirs) {
    assert.ok("data" in mine, `${label}: pandas has ${theirs.dtype} numbers, ours are plain values`);
    assert.equal(mine.dtype, theirs.dtype, `${label}: dtype`);
    const a = typedOf(mine);
    const b = typedOf(theirs);
    assert.equal(a.length, b.length, `${label}: length`);
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
      if (ulps > 0 && typeof x === "number" && Math.abs(x - y) <= ulps * ulp(y)) continue;
      assert.fail(`${label}: row ${i} is ${x}, pandas has ${y}`);
    }
    return;
  }
  assert.ok(
    "values" in mine,
    `${label}: pandas has plain values, ours are ${"dtype" in mine ? mine.dtype : ""}`,
  );
  assert.deepEqual(mine.values, theirs.values, label);
}

/** The distance from `x` to the next float64 away from zero. */
export function ulp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(x);
}
