// Example run 3: a count of 8 frames from a detector written the modern way (ophyd-async): a StreamResource
// `application/x-hdf5` names the file and dataset, StreamDatums map rows to seq_nums; events carry only the
// detector's scalar total, the images never pass through the documents.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { composeRun } from "../documents/compose.ts";
import type { DocumentPair } from "../documents/types.ts";
import { BEAMLINE_METADATA } from "./beamline.ts";
import { EXAMPLE_EPOCH, uidsOf } from "./exampleIds.ts";
import { AREA_DETECTOR_DATASET, frameTotals, ringImages, writeImageStack } from "./imageStack.ts";

const FRAMES = 8;
const ROWS = 32;
const COLUMNS = 32;

/** The run's documents; writes its HDF5 file to `<dataDir>/examples/` first. */
export async function streamResourceCountRun(dataDir: string): Promise<DocumentPair[]> {
  const uid = uidsOf("stream-resource-count");
  const t0 = EXAMPLE_EPOCH + 1200;
  const path = join(dataDir, "examples/stream_resource_count.h5");
  const stack = ringImages(FRAMES, ROWS, COLUMNS, 3);
  await writeImageStack(path, stack);
  const totals = frameTotals(stack);

  const run = composeRun(
    {
      ...BEAMLINE_METADATA,
      plan_name: "count",
      plan_type: "generator",
      scan_id: 3,
      detectors: ["pilatus"],
      num_points: FRAMES,
      num_intervals: FRAMES - 1,
      plan_args: { detectors: ["pilatus"], num: FRAMES, delay: 0.2 },
      hints: { dimensions: [[["time"], "primary"]] },
    },
    { uid: uid("start"), time: t0 },
  );
  const pairs: DocumentPair[] = [["start", run.start]];
  const primary = run.composeDescriptor({
    uid: uid("primary"),
    time: t0 + 0.1,
    data_keys: {
      pilatus_image: {
        dtype: "array",
        dtype_numpy: "<u2",
        shape: [ROWS, COLUMNS],
        source: "SIM:pilatus:HDF1:FullFileName_RBV",
        external: "STREAM:",
        object_name: "pilatus",
      },
      pilatus_total: {
        dtype: "number",
        shape: [],
        source: "SIM:pilatus:Stats1:Total",
        object_name: "pilatus",
      },
    },
    object_keys: { pilatus: ["pilatus_image", "pilatus_total"] },
    hints: { pilatus: { fields: ["pilatus_total"] } },
  });
  pairs.push(["descriptor", primary.descriptor]);
  const streamResource = run.composeStreamResource({
    uid: uid("stream_resource"),
    data_key: "pilatus_image",
    mimetype: "application/x-hdf5",
    uri: pathToFileURL(path).href,
    parameters: { dataset: AREA_DETECTOR_DATASET, chunk_shape: [1, ROWS, COLUMNS] },
  });
  pairs.push(["stream_resource", streamResource.streamResource]);
  for (let i = 0; i < FRAMES; i++) {
    const time = t0 + 1 + 0.2 * i;
    const indices = { start: i, stop: i + 1 };
    pairs.push([
      "stream_datum",
      streamResource.composeStreamDatum({ descriptor: primary.descriptor, indices }),
    ]);
    const data = { pilatus_total: totals[i] };
    const timestamps = { pilatus_total: time };
    pairs.push(["event", primary.composeEvent({ data, timestamps, time, uid: uid(`primary/${i + 1}`) })]);
  }
  const end = t0 + 1 + 0.2 * FRAMES;
  pairs.push(["stop", run.composeStop({ uid: uid("stop"), time: end, exit_status: "success" })]);
  return pairs;
}
