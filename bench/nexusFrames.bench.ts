// NeXus export of detector frames: a run of 1,000 frames of 512x512 uint16 (512 MiB) whose frames live in
// an HDF5 file behind a StreamResource, exported with the nexus format (read through the broker, written
// chunk by chunk with h5wasm), against h5wasm writing one dataset of the same frames from memory, chunked
// one frame each and written in the same slices — the HDF5 writing the export cannot do without. A second
// line times the broker's read of the frames alone, to show which side the export's time goes to.
// NEXUS_BENCH_FRAMES sets fewer frames for a quick run.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { h5wasmModule } from "../src/assets/h5wasmModule.ts";
import { Broker } from "../src/broker/index.ts";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { nexus } from "../src/exports/formats/nexus.ts";
import { exportRuns } from "../src/exports/index.ts";
import { eventsPerChunk } from "../src/exports/nexus/streamData.ts";
import { MemoryStore } from "../src/storage/memory/MemoryStore.ts";
import { report, time } from "./harness.ts";

const FRAMES = Number(process.env.NEXUS_BENCH_FRAMES ?? 1000);
const HEIGHT = 512;
const WIDTH = 512;
const FRAME_ELEMENTS = HEIGHT * WIDTH;

/** Frame `f` of the source: distinct per frame, so a mix-up would show. */
function fillFrame(frame: Uint16Array, f: number): void {
  for (let i = 0; i < frame.length; i++) frame[i] = (f + i) & 0xffff;
}

/** The frames as `/entry/data/data` [FRAMES, 512, 512] uint16, written frame by frame. */
async function writeSource(path: string): Promise<void> {
  const h5wasm = await h5wasmModule();
  const file = new h5wasm.File(path, "w");
  try {
    const frame = new Uint16Array(FRAME_ELEMENTS);
    fillFrame(frame, 0);
    const dataset = file
      .create_group("entry")
      .create_group("data")
      .create_dataset({
        name: "data",
        data: frame,
        shape: [1, HEIGHT, WIDTH],
        maxshape: [null, HEIGHT, WIDTH],
        chunks: [1, HEIGHT, WIDTH],
        dtype: "<H",
      });
    for (let f = 1; f < FRAMES; f++) {
      fillFrame(frame, f);
      dataset.resize([f + 1, HEIGHT, WIDTH]);
      dataset.write_slice([[f, f + 1]], frame);
    }
  } finally {
    file.close();
  }
}

/** start, descriptor, the StreamResource, one StreamDatum per frame (as a detector writes them), stop. */
function frameRun(source: string): DocumentPair[] {
  const run = composeRun({ plan_name: "count", scan_id: 1 });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: {
      cam_image: {
        dtype: "array",
        dtype_numpy: "<u2",
        shape: [1, HEIGHT, WIDTH],
        source: "SIM:cam",
        external: "STREAM:",
      },
    },
    object_keys: { cam: ["cam_image"] },
  });
  const resource = run.composeStreamResource({
    data_key: "cam_image",
    mimetype: "application/x-hdf5",
    uri: `file://localhost${source}`,
    parameters: { dataset: "/entry/data/data" },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
    ["stream_resource", resource.streamResource],
  ];
  for (let f = 0; f < FRAMES; f++)
    documents.push([
      "stream_datum",
      resource.composeStreamDatum({ descriptor: stream.descriptor, indices: { start: f, stop: f + 1 } }),
    ]);
  documents.push(["stop", run.composeStop()]);
  return documents;
}

/** The baseline: the same frames from memory into one chunked dataset, in the export's slices. */
async function writeBaseline(path: string, framesPerSlice: number, slice: Uint16Array): Promise<void> {
  const h5wasm = await h5wasmModule();
  const file = new h5wasm.File(path, "w");
  try {
    const dataset = file.create_dataset({
      name: "data",
      data: new Uint16Array(0),
      shape: [0, HEIGHT, WIDTH],
      maxshape: [null, HEIGHT, WIDTH],
      chunks: [1, HEIGHT, WIDTH],
      dtype: "<H",
    });
    for (let from = 0; from < FRAMES; from += framesPerSlice) {
      const to = Math.min(FRAMES, from + framesPerSlice);
      dataset.resize([to, HEIGHT, WIDTH]);
      dataset.write_slice([[from, to]], slice.subarray(0, (to - from) * FRAME_ELEMENTS));
    }
  } finally {
    file.close();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-nexus-bench-"));
  const broker = new Broker(new MemoryStore(), { fileRoots: [dir] });
  try {
    const source = join(dir, "frames.h5");
    await writeSource(source);
    const documents = frameRun(source);
    await broker.put(documents);
    const run = await broker.run((documents[0][1] as { uid: string }).uid);
    const megabytes = (FRAMES * FRAME_ELEMENTS * 2) / 2 ** 20;

    let exported = "";
    const exportOnce = async () => {
      const summary = await exportRuns([run], join(dir, "export"), { format: nexus, overwrite: true });
      if (summary.failed.length > 0)
        throw new Error(`nexus bench export failed: ${summary.failed[0].message}`);
      exported = join(dir, "export", summary.exported[0].name);
    };
    const framesPerSlice = eventsPerChunk(run.stream("primary").dataKeys);
    const slice = new Uint16Array(framesPerSlice * FRAME_ELEMENTS);
    for (let f = 0; f < framesPerSlice; f++) fillFrame(slice.subarray(f * FRAME_ELEMENTS), f);
    const baselinePath = join(dir, "baseline.h5");

    // What the export cannot be faster than on the reading side: the broker's filled chunks alone.
    const readOnce = async () => {
      for await (const _chunk of run.stream("primary").chunks({ size: framesPerSlice, fill: true }));
    };
    const subject = await time(megabytes, exportOnce, 1);
    const reading = await time(megabytes, readOnce, 1);
    const baseline = await time(megabytes, () => writeBaseline(baselinePath, framesPerSlice, slice), 1);
    const sizes = `${(statSync(exported).size / 2 ** 20).toFixed(0)} MiB file`;
    report(
      `nexus export, ${FRAMES}x${HEIGHT}x${WIDTH} uint16 (${framesPerSlice} frames a chunk, ${sizes})`,
      "MiB",
      subject,
      baseline,
      "h5wasm one dataset from memory",
    );
    report(`  of which: broker read of the frames (filled chunks)`, "MiB", reading, baseline, "the same");
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
