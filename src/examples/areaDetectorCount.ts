// Example run 2: a count of 5 frames of a 2-D detector saved by areaDetector's HDF5 plugin, referenced the
// classic way (Resource `AD_HDF5` + one Datum per frame; events hold datum ids, `filled: false`).
import { join } from "node:path";
import { composeRun } from "../documents/compose.ts";
import type { DocumentPair } from "../documents/types.ts";
import { BEAMLINE_METADATA, baselineEvent, composeBaseline } from "./beamline.ts";
import { EXAMPLE_EPOCH, uidsOf } from "./exampleIds.ts";
import { frameTotals, ringImages, writeImageStack } from "./imageStack.ts";

const FRAMES = 5;
const ROWS = 48;
const COLUMNS = 64;

/** The run's documents; writes its HDF5 file to `<dataDir>/examples/` first. */
export async function areaDetectorCountRun(dataDir: string): Promise<DocumentPair[]> {
  const uid = uidsOf("area-detector-count");
  const t0 = EXAMPLE_EPOCH + 600;
  const resourcePath = "examples/area_detector_count.h5";
  const stack = ringImages(FRAMES, ROWS, COLUMNS, 2);
  await writeImageStack(join(dataDir, resourcePath), stack);
  const totals = frameTotals(stack);

  const run = composeRun(
    {
      ...BEAMLINE_METADATA,
      plan_name: "count",
      plan_type: "generator",
      scan_id: 2,
      detectors: ["cam"],
      num_points: FRAMES,
      num_intervals: FRAMES - 1,
      plan_args: { detectors: ["cam"], num: FRAMES, delay: 0 },
      hints: { dimensions: [[["time"], "primary"]] },
    },
    { uid: uid("start"), time: t0 },
  );
  const pairs: DocumentPair[] = [["start", run.start]];
  const baseline = composeBaseline(run, t0 + 0.1, uid("baseline"));
  pairs.push(["descriptor", baseline.descriptor]);
  pairs.push(["event", baselineEvent(baseline, t0 + 0.2, 0, uid("baseline/1"))]);

  const primary = run.composeDescriptor({
    uid: uid("primary"),
    time: t0 + 0.3,
    data_keys: {
      cam_image: {
        dtype: "array",
        dtype_numpy: "<u2",
        shape: [ROWS, COLUMNS],
        source: "SIM:cam:image1",
        external: "FILESTORE:",
        object_name: "cam",
      },
      cam_stats_total: { dtype: "number", shape: [], source: "SIM:cam:Stats1:Total", object_name: "cam" },
    },
    configuration: {
      cam: {
        data: { cam_acquire_time: 0.5 },
        timestamps: { cam_acquire_time: t0 },
        data_keys: {
          cam_acquire_time: { dtype: "number", shape: [], source: "SIM:cam:AcquireTime", units: "s" },
        },
      },
    },
    object_keys: { cam: ["cam_image", "cam_stats_total"] },
    hints: { cam: { fields: ["cam_stats_total"] } },
  });
  pairs.push(["descriptor", primary.descriptor]);

  const resource = run.composeResource({
    uid: uid("resource"),
    spec: "AD_HDF5",
    root: dataDir,
    resource_path: resourcePath,
    resource_kwargs: { frame_per_point: 1 },
  });
  pairs.push(["resource", resource.resource]);
  for (let i = 0; i < FRAMES; i++) {
    const time = t0 + 1 + i;
    const datum = resource.composeDatum({ point_number: i });
    pairs.push(["datum", datum]);
    const data = { cam_image: datum.datum_id, cam_stats_total: totals[i] };
    const timestamps = { cam_image: time, cam_stats_total: time };
    const filled = { cam_image: false };
    pairs.push([
      "event",
      primary.composeEvent({ data, timestamps, filled, time, uid: uid(`primary/${i + 1}`) }),
    ]);
  }

  const end = t0 + 1 + FRAMES;
  pairs.push(["event", baselineEvent(baseline, end, 1, uid("baseline/2"))]);
  pairs.push(["stop", run.composeStop({ uid: uid("stop"), time: end + 0.1, exit_status: "success" })]);
  return pairs;
}
