// The arrow and parquet exports: every stream of the reference runs (tutorials, USAXS, the pack's NPY images)
// written and read back by a reader independent of the writer (columnarReaders.ts), each column equal to
// stream.read({fill: true}) in values and type, units in the field metadata; a 100,000-event run written in
// several record batches / row groups; an empty stream as a schema without rows.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, test } from "node:test";
import type { RunLike } from "../../src/broker/BrokerLike.ts";
import { Broker } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, Resource } from "../../src/documents/types.ts";
import type { FolderExportFormat } from "../../src/exports/ExportFormat.ts";
import { type ExportSummary, exportRuns, exportToStream } from "../../src/exports/exportRuns.ts";
import { exportFormatNamed } from "../../src/exports/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import {
  type Column,
  cellValue,
  columnDType,
  type DType,
  isNDArray,
  type Table,
} from "../../src/tables/index.ts";
import { dataPath } from "../support/sharedData.ts";
import { parquetColumnChunks, type ReadFile, readArrowFile, readParquetFile } from "./columnarReaders.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-columnar-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;

interface Kind {
  format: FolderExportFormat;
  extension: string;
  read(path: string): ReadFile | Promise<ReadFile>;
  /** The leaf type each dtype is written as. */
  leaf: Partial<Record<DType, string>>;
}

const KINDS: Kind[] = [
  {
    format: exportFormatNamed("arrow") as FolderExportFormat,
    extension: "arrow",
    read: readArrowFile,
    leaf: {
      bool: "Bool",
      int32: "Int32",
      int64: "Int64",
      float64: "Float64",
      string: "Utf8",
      object: "Utf8",
    },
  },
  {
    format: exportFormatNamed("parquet") as FolderExportFormat,
    extension: "parquet",
    read: readParquetFile,
    leaf: {
      bool: "BOOLEAN",
      int32: "INT32",
      int64: "INT64",
      float64: "DOUBLE",
      string: "BYTE_ARRAY",
      object: "BYTE_ARRAY",
    },
  },
];

/** A broker over a new SQLite catalog holding the runs of a reference file or folder. */
async function sqliteBroker(runs: DocumentPair[][]): Promise<Broker> {
  const store = await openStore(join(scratch, `catalog-${folders++}.sqlite`));
  for (const documents of runs) await store.put(documents);
  return new Broker(store);
}

async function referenceRuns(source: string): Promise<DocumentPair[][]> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
  return splitRuns(pairs).runs.map((run) => run.documents);
}

async function exported(
  runs: AsyncIterable<RunLike> | Iterable<RunLike>,
  kind: Kind,
  options: Record<string, string> = {},
) {
  const to = join(scratch, `export-${folders++}`);
  const summary = await exportRuns(runs, to, {
    format: kind.format,
    settings: { options },
    template: "{uid}",
  });
  return { to, summary };
}

/** A cell as plain values: nested arrays for array cells (typed arrays too), bigint kept. */
function plainCell(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCell);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, plainCell);
  return value ?? null;
}

function listDepth(column: Column): number {
  if (isNDArray(column)) return column.shape.length - 1;
  let depth = 0;
  let cell: unknown = column.find((value) => value != null);
  for (; Array.isArray(cell) || ArrayBuffer.isView(cell); depth++) cell = (cell as ArrayLike<unknown>)[0];
  return depth;
}

/** The file of one stream holds what stream.read gives: columns, values, types and data keys. */
async function assertStreamFile(kind: Kind, run: RunLike, stream: string, folder: string, fill = true) {
  const expected: Table = await run.stream(stream).read({ fill });
  const dataKeys = run.stream(stream).dataKeys;
  const file = await kind.read(join(folder, `${stream}.${kind.extension}`));
  const where = `${run.uid} ${stream}.${kind.extension}`;
  assert.deepEqual([...file.columns.keys()], expected.columnNames, where);
  assert.equal(file.rows, expected.length, where);
  assert.equal(file.schemaMetadata.get("databroker:stream"), stream);
  for (const name of expected.columnNames) {
    const column = expected.column(name);
    const read = file.columns.get(name)!;
    const dtype = columnDType(column);
    const depth = dtype === "object" ? 0 : listDepth(column);
    assert.equal(read.leaf, kind.leaf[dtype], `${where} ${name}: ${dtype} as ${read.leaf}`);
    assert.equal(read.depth, depth, `${where} ${name}: list levels`);
    const values = Array.from({ length: expected.length }, (_, row) => plainCell(cellValue(column, row)));
    const object = read.metadata.get("databroker:dtype") === "object";
    const got = object
      ? read.values.map((text) => (text === null ? null : JSON.parse(text as string)))
      : read.values;
    assert.deepEqual(got, values, `${where} ${name}: values`);
    const dataKey = dataKeys[name];
    if (dataKey) {
      assert.equal(read.metadata.get("source"), dataKey.source, `${where} ${name}: source`);
      assert.equal(read.metadata.get("dtype"), dataKey.dtype, `${where} ${name}: dtype`);
      assert.equal(read.metadata.get("shape"), JSON.stringify(dataKey.shape), `${where} ${name}: shape`);
      const units = typeof dataKey.units === "string" ? dataKey.units : undefined;
      assert.equal(read.metadata.get("units"), units, `${where} ${name}: units`);
    }
  }
  return file;
}

async function assertRunsExported(broker: Broker, kind: Kind, summary: ExportSummary, to: string) {
  for (const { uid, name } of summary.exported) {
    const run = await broker.run(uid);
    for (const stream of run.streamNames) await assertStreamFile(kind, run, stream, join(to, name));
  }
}

for (const kind of KINDS) {
  describe(`${kind.format.name} export`, () => {
    test("tutorial runs: every stream read back equal; the newton images, which cannot be filled, fail their run", async () => {
      const runs = await referenceRuns("bluesky-tutorials/example_data");
      const newton = runs.filter((documents) =>
        documents.some(([name, doc]) => name === "resource" && (doc as Resource).spec === "newton"),
      );
      assert.ok(newton.length > 0);
      const broker = await sqliteBroker(runs);
      try {
        const { to, summary } = await exported(broker.runs(), kind);
        assert.equal(summary.exported.length, runs.length - newton.length);
        assert.equal(summary.failed.length, newton.length);
        for (const failed of summary.failed) {
          assert.match(failed.message, /stream "primary": .*newton/);
          assert.match(failed.message, new RegExp(`${kind.format.name}\\.fill=false`));
        }
        await assertRunsExported(broker, kind, summary, to);
        // Unfilled, the image field is written as its datum ids (strings), marked external.
        const unfilled = await exported(
          (async function* () {
            for (const { uid } of summary.failed) yield await broker.run(uid);
          })(),
          kind,
          { [`${kind.format.name}.fill`]: "false" },
        );
        assert.equal(unfilled.summary.exported.length, newton.length);
        for (const { uid, name } of unfilled.summary.exported) {
          const run = await broker.run(uid);
          const file = await assertStreamFile(kind, run, "primary", join(unfilled.to, name), false);
          const external = [...file.columns.values()].filter((column) => column.metadata.has("external"));
          assert.equal(external.length, 1);
          assert.equal(external[0].leaf, kind.leaf.string);
        }
      } finally {
        await broker.close();
      }
    });

    test("USAXS runs: int64, float64, strings, booleans and 7999-channel spectra, units kept", async () => {
      const broker = await sqliteBroker(await referenceRuns("apstools/tests/usaxs.json"));
      try {
        const { to, summary } = await exported(broker.runs(), kind);
        assert.deepEqual(summary.failed, []);
        assert.equal(summary.exported.length, 10);
        await assertRunsExported(broker, kind, summary, to);
      } finally {
        await broker.close();
      }
    });

    test("the pack's NPY images, filled through its root_map, as lists of lists", async () => {
      const broker = await Broker.open(`file://${dataPath("databroker-pack/simple_catalog")}`);
      try {
        const { to, summary } = await exported(broker.runs(), kind);
        assert.deepEqual(summary.failed, []);
        assert.ok(summary.exported.length > 0);
        await assertRunsExported(broker, kind, summary, to);
        const first = summary.exported[0];
        const file = await kind.read(join(to, first.name, `primary.${kind.extension}`));
        const img = file.columns.get("img")!;
        assert.equal(img.depth, 2);
        assert.deepEqual(
          img.values[0],
          Array.from({ length: 10 }, () => new Array(10).fill(1)),
        );
      } finally {
        await broker.close();
      }
    });
  });
}

const EVENTS = 100_000;

/** A run of EVENTS events of 10 fields (ints, whole floats, NaN gaps, booleans, strings, arrays) and an empty stream. */
function bigRun(): DocumentPair[] {
  const run = composeRun({ plan_name: "columnar" }, { time: 1_700_000_000 });
  const number = { source: "sim", shape: [] as number[], dtype: "number" as const };
  const primary = run.composeDescriptor({
    name: "primary",
    data_keys: {
      count: { source: "sim", shape: [], dtype: "integer", units: "counts" },
      whole: { ...number, units: "mm" },
      gappy: number,
      x: number,
      y: { ...number, units: "K" },
      flag: { source: "sim", shape: [], dtype: "boolean" },
      label: { source: "sim", shape: [], dtype: "string" },
      vec: { source: "sim", shape: [3], dtype: "array", dtype_numpy: "<f8" },
      ivec: { source: "sim", shape: [2], dtype: "array", dtype_numpy: "<i8" },
      big: { source: "sim", shape: [], dtype: "integer" },
    },
  });
  const empty = run.composeDescriptor({
    name: "empty",
    data_keys: {
      label: { source: "sim", shape: [], dtype: "string" },
      level: { source: "sim", shape: [], dtype: "number", units: "V" },
      n: { source: "sim", shape: [], dtype: "integer" },
    },
  });
  const pairs: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", primary.descriptor],
    ["descriptor", empty.descriptor],
  ];
  for (let from = 0; from < EVENTS; from += 10_000) {
    const rows = Array.from({ length: 10_000 }, (_, i) => from + i);
    const data = {
      count: rows,
      whole: rows.map((i) => i % 7),
      gappy: rows.map((i) => (i % 1000 === 0 ? null : i / 4)),
      x: rows.map((i) => Math.sin(i)),
      y: rows.map((i) => 273.15 + (i % 100) / 10),
      flag: rows.map((i) => i % 3 === 0),
      label: rows.map((i) => `point ${i % 50} é`),
      vec: rows.map((i) => [i, i + 0.5, -i]),
      ivec: rows.map((i) => [i, 2 * i]),
      big: rows.map((i) => 2 ** 40 + i),
    };
    const timestamps = Object.fromEntries(
      Object.keys(data).map((key) => [key, rows.map(() => 1_700_000_001)]),
    );
    pairs.push([
      "event_page",
      primary.composeEventPage({ data, timestamps, time: rows.map((i) => 1_700_000_000 + i) }),
    ]);
  }
  pairs.push(["stop", run.composeStop({ time: 1_700_100_000 })]);
  return pairs;
}

describe("a 100,000-event run", () => {
  let broker: Broker;
  const runOnce = (async () => {
    broker = await sqliteBroker([bigRun()]);
    return (await broker.page({ limit: 1 }))[0];
  })();
  after(() => broker?.close());

  for (const kind of KINDS) {
    test(`${kind.format.name}: written in chunks of 7000 rows, read back equal; the empty stream as a schema`, async () => {
      const run = await runOnce;
      const { to, summary } = await exported([run], kind, { [`${kind.format.name}.rows`]: "7000" });
      assert.deepEqual(summary.failed, []);
      const folder = join(to, run.uid);
      const file = await assertStreamFile(kind, run, "primary", folder);
      assert.equal(file.parts, Math.ceil(EVENTS / 7000));
      assert.deepEqual(file.partRows.slice(0, -1), new Array(file.parts - 1).fill(7000));
      assert.equal(
        file.columns.get("whole")!.leaf,
        kind.leaf.float64,
        "whole numbers in a number field stay floats",
      );
      assert.equal(file.columns.get("big")!.values[1], 2n ** 40n + 1n);
      assert.ok(Number.isNaN(file.columns.get("gappy")!.values[0]));
      const empty = await kind.read(join(folder, `empty.${kind.extension}`));
      assert.equal(empty.rows, 0);
      assert.equal(empty.parts, 0);
      const types = Object.fromEntries([...empty.columns].map(([name, column]) => [name, column.leaf]));
      assert.deepEqual(types, {
        seq_num: kind.leaf.int32,
        time: kind.leaf.float64,
        label: kind.leaf.string,
        level: kind.leaf.float64,
        n: kind.leaf.int64,
      });
      assert.equal(empty.columns.get("level")!.metadata.get("units"), "V");
    });
  }

  test("parquet over a stream: a tar of the run's folder, whose files read back as written", async () => {
    const run = await runOnce;
    const pieces: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (piece: Buffer) => pieces.push(piece));
    await exportToStream([run], out, { format: KINDS[1].format, template: "{uid}" }, "runs");
    const tar = Buffer.concat(pieces);
    const files = new Map<string, Buffer>();
    // ustar entries: a 512-byte header (name at 0, octal size at 124), the data padded to 512.
    for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
      const name = tar
        .subarray(at, at + 100)
        .toString("utf8")
        .replace(/\0.*$/s, "");
      const size = Number.parseInt(
        tar
          .subarray(at + 124, at + 136)
          .toString("ascii")
          .trim(),
        8,
      );
      files.set(name, tar.subarray(at + 512, at + 512 + size));
      at += 512 + Math.ceil(size / 512) * 512;
    }
    assert.deepEqual([...files.keys()].sort(), [`${run.uid}/empty.parquet`, `${run.uid}/primary.parquet`]);
    const path = join(scratch, `streamed-${folders++}.parquet`);
    writeFileSync(path, files.get(`${run.uid}/primary.parquet`)!);
    assert.equal((await readParquetFile(path)).rows, EVENTS);
  });

  test("parquet: zstd when asked; an unknown codec or chunk size fails the run with a message", async () => {
    const run = await runOnce;
    const parquet = KINDS[1];
    const zstd = await exported([run], parquet, { "parquet.compression": "zstd" });
    assert.deepEqual(zstd.summary.failed, []);
    // hyparquet decompresses no zstd without a plugin: the codec is read from the metadata.
    const chunks = parquetColumnChunks(join(zstd.to, run.uid, "primary.parquet"));
    assert.ok(chunks.length > 0 && chunks.every((chunk) => chunk.codec === "ZSTD"));
    // Dictionaries for strings only.
    for (const chunk of chunks)
      assert.equal(chunk.encodings.includes("RLE_DICTIONARY"), chunk.column === "label", chunk.column);
    const bad = await exported([run], parquet, { "parquet.compression": "lzma" });
    assert.match(bad.summary.failed[0].message, /parquet.compression is one of snappy, zstd, gzip, none/);
    const rows = await exported([run], parquet, { "parquet.rows": "0" });
    assert.match(rows.summary.failed[0].message, /parquet.rows is a whole number/);
  });
});
