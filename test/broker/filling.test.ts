// Filling external data through the Broker on every adapter: databroker-pack's NPY_SEQ files (root_map from
// the pack), the bluesky-tiled-plugins StreamResource fixtures over HDF5 and TIFF files written here, their
// legacy Resource twin, the tutorials' `newton` spec (no handler: the error names it; a user handler fills it).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { builtinHandlers } from "../../src/assets/builtinHandlers.ts";
import { encodeNpy } from "../../src/assets/npyFormat.ts";
import type { BrokerLike } from "../../src/broker/BrokerLike.ts";
import { composeRun } from "../../src/documents/compose.ts";
import { readPack } from "../../src/documents/formats/index.ts";
import type {
  DataKey,
  DocumentPair,
  Event,
  EventPage,
  Resource,
  RunStart,
} from "../../src/documents/types.ts";
import { NotFoundError, UnsupportedError } from "../../src/errors.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";
import { isNDArray, type NDArray, ndarray } from "../../src/tables/NDArray.ts";
import { slice } from "../../src/tables/slice.ts";
import { concatenate, stack } from "../../src/tables/stack.ts";
import { docsNamed, renderFixture } from "../assets/fixtures.ts";
import { integers, writeHdf5 } from "../assets/hdf5Writer.ts";
import { dataPath } from "../support/sharedData.ts";
import { ADAPTERS, brokerWith, closeAll, runsOf, streamEvents } from "./catalogs.ts";

// The files behind the fixtures: dataset.h5 (data_1: 3 float64; data_2: 3x13x17 int64), dataset_part2.h5
// (data_2: 5x13x17) and tiff_files/img_0000{0,1,2}.tif (10x15 uint8). The documents name them under
// ORIGINAL, a folder that does not exist: root_map points it to where the files are.
const ORIGINAL = "/beamline/data/2025";
const files = mkdtempSync(join(tmpdir(), "databroker-broker-fill-"));
after(() => rmSync(files, { recursive: true, force: true }));
const rootMap = { [ORIGINAL]: files };
const data1 = ndarray(
  Float64Array.from(integers(3, 0, 1000, 21), (n) => n / 8),
  [3],
);
const data2 = ndarray(BigInt64Array.from(integers(3 * 13 * 17, -50, 50, 22), BigInt), [3, 13, 17]);
const data2part2 = ndarray(BigInt64Array.from(integers(5 * 13 * 17, -50, 50, 23), BigInt), [5, 13, 17]);
const frames = [0, 1, 2].map((i) => ndarray(Uint8Array.from(integers(150, 0, 256, 30 + i)), [10, 15]));

before(async () => {
  await writeHdf5(join(files, "dataset.h5"), {
    "entry/data/data_1": { data: data1.data as Float64Array, shape: data1.shape },
    "entry/data/data_2": { data: data2.data as BigInt64Array, shape: data2.shape, chunks: [1, 13, 17] },
  });
  await writeHdf5(join(files, "dataset_part2.h5"), {
    "entry/data/data_2": { data: data2part2.data as BigInt64Array, shape: data2part2.shape },
  });
  mkdirSync(join(files, "tiff_files"));
  frames.forEach((frame, i) => {
    const image = encodeTiff([{ width: 15, height: 10, pixels: frame.data as Uint8Array }]);
    writeFileSync(join(files, "tiff_files", `img_${String(i).padStart(5, "0")}.tif`), image);
  });
});

function fixture(file: string): DocumentPair[] {
  return renderFixture(file, ORIGINAL).map(({ name, doc }) => [name, doc] as DocumentPair);
}

const uidOf = (documents: DocumentPair[]) => (documents[0][1] as RunStart).uid;

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

for (const adapter of ADAPTERS) {
  describe(`filling external data (${adapter.name})`, () => {
    test("StreamResources: unfilled rows name their StreamDatum; filled rows are the HDF5 and TIFF data", async () => {
      const documents = fixture("external_assets.json");
      const broker = await brokerWith(adapter, [documents], { rootMap });
      try {
        const run = await broker.run(uidOf(documents));
        const primary = run.stream("primary");
        const unfilled = await primary.read();
        const datums = docsNamed(renderFixture("external_assets.json", ORIGINAL), "stream_datum");
        const expectedIds = (key: string) =>
          [1, 2, 3].map(
            (seq) =>
              datums.find(
                (d) => d.uid.startsWith(`${key}-uid/`) && d.seq_nums.start <= seq && seq < d.seq_nums.stop,
              )!.uid,
          );
        assert.deepEqual(unfilled.column("det-key1"), expectedIds("det-key1"));
        assert.deepEqual(unfilled.column("det-key2"), expectedIds("det-key2"));

        const filled = await primary.read({ fill: true });
        assert.deepEqual(Array.from(filled.column("seq_num") as Int32Array), [1, 2, 3]);
        assert.deepEqual(filled.column("det-key1"), data1.data);
        assert.deepEqual(filled.column("det-key2"), data2);
        assert.deepEqual(await primary.field("det-key2", { seq: [2, 4] }), slice(data2, "1:3"));
        const chunks = await drain(primary.chunks({ size: 2, fill: true, fields: ["det-key2"] }));
        assert.deepEqual(
          chunks.map((chunk) => chunk.length),
          [2, 1],
        );
        assert.deepEqual(concatenate(chunks.map((chunk) => chunk.column("det-key2") as NDArray)), data2);

        // The secondary stream has no events at all: its StreamDatums say which rows exist.
        const secondary = await run.stream("secondary").read({ fill: true });
        assert.deepEqual(Array.from(secondary.column("seq_num") as Int32Array), [1, 2, 3]);
        assert.ok(Array.from(secondary.column("time") as Float64Array).every(Number.isNaN));
        assert.deepEqual(secondary.column("det-key3"), stack(frames));
        assert.deepEqual(await run.stream("secondary").field("det-key3"), stack(frames));
      } finally {
        await closeAll(broker);
      }
    });

    test("a StreamResource file not where root_map says is an error naming resource, mimetype, path and datum", async () => {
      const documents = fixture("external_assets.json");
      const broker = await brokerWith(adapter, [documents]);
      try {
        const primary = (await broker.run(uidOf(documents))).stream("primary");
        await assert.rejects(primary.field("det-key1"), (error: unknown) => {
          assert.ok(error instanceof NotFoundError, String(error));
          assert.match(error.message, /stream resource det-key1-uid/);
          assert.match(error.message, /mimetype application\/x-hdf5/);
          assert.ok(error.message.includes(join(ORIGINAL, "dataset.h5")), error.message);
          assert.match(error.message, /stream datum det-key1-uid\/0/);
          return true;
        });
        // Unfilled reads need no file.
        assert.equal((await primary.read()).length, 3);
      } finally {
        await closeAll(broker);
      }
    });

    test("one key across two files whose StreamDatums overlap: every row of each, in order", async () => {
      const documents = fixture("external_assets_single_key.json");
      const broker = await brokerWith(adapter, [documents], { rootMap });
      try {
        const stream = (await broker.run(uidOf(documents))).stream("primary");
        assert.deepEqual(await stream.field("det-key2"), concatenate([data2, data2part2]));
        const table = await stream.read();
        assert.deepEqual(Array.from(table.column("seq_num") as Int32Array), [1, 2, 3, 1, 2, 3, 4, 5]);
        assert.deepEqual(table.column("det-key2"), [
          ...new Array(3).fill("det-key2-uid/0"),
          ...new Array(5).fill("det-key2-uid-part2/0"),
        ]);
      } finally {
        await closeAll(broker);
      }
    });

    test("the legacy Resource twin (AD_HDF5_SWMR_STREAM) fills tables and replayed documents", async () => {
      const documents = fixture("external_assets_legacy.json");
      const broker = await brokerWith(adapter, [documents], { rootMap });
      try {
        const run = await broker.run(uidOf(documents));
        const events = streamEvents(documents, "primary");
        const unfilled = await run.stream("primary").read();
        assert.deepEqual(
          unfilled.column("det-key2"),
          events.map((event) => event.data["det-key2"]),
        );
        assert.deepEqual((await run.stream("primary").read({ fill: true })).column("det-key2"), data2);

        const replayed = await drain(run.documents({ fill: true }));
        const filledEvents = replayed.filter(([name]) => name === "event").map(([, doc]) => doc as Event);
        assert.equal(filledEvents.length, 3);
        filledEvents.forEach((event, i) => {
          assert.equal(event.filled?.["det-key2"], events[i].data["det-key2"]);
          const image = event.data["det-key2"];
          assert.ok(isNDArray(image));
          assert.deepEqual(stack([image]).shape.slice(-2), [13, 17]);
          assert.deepEqual(
            Array.from(image.data as BigInt64Array),
            Array.from(slice(data2, i).data as BigInt64Array),
          );
        });
        // Without fill, the documents come back exactly as stored.
        assert.deepEqual(await drain(run.documents()), documents);
      } finally {
        await closeAll(broker);
      }
    });

    test("databroker-pack NPY_SEQ files through the pack's root_map: tables, fields and documents", async () => {
      for (const catalog of ["simple_catalog", "another_simple_catalog"]) {
        const pack = await readPack(dataPath("databroker-pack", catalog));
        const runs = await runsOf(`databroker-pack/${catalog}`);
        const withImages = runs.find((documents) => documents.some(([name]) => name === "resource"))!;
        const resource = withImages.find(([name]) => name === "resource")![1] as Resource;
        assert.equal(resource.spec, "NPY_SEQ");
        const broker = await brokerWith(adapter, runs, { rootMap: pack.rootMap });
        try {
          const run = await broker.run(uidOf(withImages));
          const events = streamEvents(withImages, "primary");
          const stream = run.stream("primary");
          assert.deepEqual(
            (await stream.read({ fields: ["img"] })).column("img"),
            events.map((event) => event.data.img),
          );
          // ophyd's simulated detector wrote np.ones((10, 10)) for each event.
          const images = await stream.field("img");
          assert.deepEqual(images.shape, [events.length, 10, 10]);
          assert.ok(images.data instanceof Float64Array && images.data.every((value) => value === 1));
          assert.deepEqual((await stream.read({ fill: true })).column("img"), images);

          const pages = (await drain(run.documents({ fill: true })))
            .filter(([name]) => name === "event_page" || name === "event")
            .map(([, doc]) => doc as EventPage | Event);
          const filledImages = pages.flatMap((doc) =>
            Array.isArray(doc.data.img) ? doc.data.img : [doc.data.img],
          );
          assert.equal(filledImages.length, events.length);
          assert.deepEqual(stack(filledImages as NDArray[]), images);
          const ids = pages.flatMap((doc) => {
            const flags = doc.filled?.img;
            return Array.isArray(flags) ? flags : [flags];
          });
          assert.deepEqual(
            ids,
            events.map((event) => event.data.img),
          );
        } finally {
          await closeAll(broker);
        }
        const lost = await brokerWith(adapter, runs);
        try {
          await assert.rejects(
            (await lost.run(uidOf(withImages))).stream("primary").field("img"),
            (error: unknown) => {
              assert.ok(error instanceof NotFoundError, String(error));
              assert.ok(error.message.includes(`resource ${resource.uid}`), error.message);
              assert.match(error.message, /spec NPY_SEQ/);
              assert.ok(error.message.includes(resource.root), error.message);
              assert.ok(error.message.includes(`datum ${events0(withImages)}`), error.message);
              return true;
            },
          );
        } finally {
          await closeAll(lost);
        }
      }
    });

    test("the tutorials' newton spec: no handler is an error naming it; a registered handler fills it", async () => {
      const runs = await runsOf("bluesky-tutorials/example_data/17edf994-bcbe-4113-840b-3ccebb1dfdbe.jsonl");
      const [documents] = runs;
      const resource = documents.find(([name]) => name === "resource")![1] as Resource;
      const events = streamEvents(documents, "primary");
      let broker: BrokerLike = await brokerWith(adapter, runs);
      try {
        const stream = (await broker.run(uidOf(documents))).stream("primary");
        assert.deepEqual(
          (await stream.read()).column("ns_image"),
          events.map((event) => event.data.ns_image),
        );
        await assert.rejects(stream.read({ fill: true }), (error: unknown) => {
          assert.ok(error instanceof UnsupportedError, String(error));
          assert.match(error.message, /no handler for spec "newton"/);
          assert.ok(error.message.includes(`resource ${resource.uid}`), error.message);
          assert.ok(error.message.includes(`datum ${events[0].data.ns_image}`), error.message);
          return true;
        });
        await assert.rejects(
          drain((await broker.run(uidOf(documents))).documents({ fill: true })),
          UnsupportedError,
        );
      } finally {
        await closeAll(broker);
      }

      // A user's handler: each datum's image holds its `gap` kwarg, 128 x 128 times.
      const handlers = builtinHandlers()
        .clone()
        .registerHandler("newton", (_path, kwargs) => ({
          read: (datum) =>
            ndarray(new Float64Array(128 * 128).fill(Number(datum.gap) + Number(kwargs.radius)), [128, 128]),
        }));
      broker = await brokerWith(adapter, runs, { handlers });
      try {
        const images = await (await broker.run(uidOf(documents))).stream("primary").field("ns_image");
        assert.deepEqual(images.shape, [events.length, 128, 128]);
        const gapOf = new Map<string, number>();
        for (const [name, doc] of documents) {
          if (name === "datum_page")
            doc.datum_id.forEach((id, i) => {
              gapOf.set(id, doc.datum_kwargs.gap[i] as number);
            });
        }
        const firstPixels = events.map((_, i) => (images.data as Float64Array)[i * 128 * 128]);
        assert.deepEqual(
          firstPixels,
          events.map((event) => gapOf.get(event.data.ns_image as string)! + 50),
        );
      } finally {
        await closeAll(broker);
      }
    });

    test("a datum that is not stored, or whose file is missing, is an error naming it", async () => {
      const composed = composeRun({ plan_name: "faults" });
      const resource = composed.composeResource({ spec: "NPY_SEQ", root: files, resource_path: "frames" });
      const image: DataKey = { dtype: "array", shape: [2, 2], source: "sim", external: "FILESTORE:" };
      const stream = composed.composeDescriptor({ name: "primary", data_keys: { image } });
      const present = resource.composeDatum({ index: 0 });
      const missingFile = resource.composeDatum({ index: 7 });
      const event = (id: string) =>
        [
          "event",
          stream.composeEvent({ data: { image: id }, timestamps: { image: 1 }, filled: { image: false } }),
        ] as DocumentPair;
      writeFileSync(join(files, "frames_0.npy"), encodeNpy(ndarray(new Float64Array([1, 2, 3, 4]), [2, 2])));
      const documents: DocumentPair[] = [
        ["start", composed.start],
        ["descriptor", stream.descriptor],
        ["resource", resource.resource],
        ["datum", present],
        ["datum", missingFile],
        event(present.datum_id),
        event(missingFile.datum_id),
        event(`${resource.resource.uid}/99`),
        ["stop", composed.composeStop()],
      ];
      const broker = await brokerWith(adapter, [documents], { fileRoots: [files] });
      try {
        const faults = (await broker.run(composed.start.uid)).stream("primary");
        assert.deepEqual(
          await faults.field("image", { seq: [1, 2] }),
          ndarray(new Float64Array([1, 2, 3, 4]), [1, 2, 2]),
        );
        await assert.rejects(faults.field("image", { seq: [2, 3] }), (error: unknown) => {
          assert.ok(error instanceof NotFoundError, String(error));
          assert.ok(error.message.includes(`datum ${missingFile.datum_id} {"index":7}`), error.message);
          assert.ok(error.message.includes(`resource ${resource.resource.uid} (spec NPY_SEQ`), error.message);
          assert.ok(error.message.includes(join(files, "frames_7.npy")), error.message);
          return true;
        });
        await assert.rejects(faults.field("image", { seq: [3, 4] }), (error: unknown) => {
          assert.ok(error instanceof NotFoundError, String(error));
          assert.ok(
            error.message.includes(`datum ${resource.resource.uid}/99: no Datum with this id`),
            error.message,
          );
          return true;
        });
        // Unfilled, every row is readable: the ids as stored.
        assert.deepEqual((await faults.read()).column("image"), [
          present.datum_id,
          missingFile.datum_id,
          `${resource.resource.uid}/99`,
        ]);
      } finally {
        await closeAll(broker);
      }
    });
  });
}

/** The datum id the first event of a run's primary stream holds. */
function events0(documents: DocumentPair[]): unknown {
  return streamEvents(documents, "primary")[0].data.img;
}
