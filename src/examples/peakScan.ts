// Example run 1: a step scan of a motor across a Gaussian peak seen by a point detector (51 points), with a
// baseline stream — the run a beamline scientist makes a hundred times a day.
import { composeRun } from "../documents/compose.ts";
import type { DocumentPair } from "../documents/types.ts";
import { BEAMLINE_METADATA, baselineEvent, composeBaseline } from "./beamline.ts";
import { EXAMPLE_EPOCH, seededRandom, uidsOf } from "./exampleIds.ts";

const POINTS = 51;
const FROM = -5;
const TO = 5;
const PEAK = { center: 0.8, width: 0.9, height: 12000, background: 150 };

export function peakScanRun(): DocumentPair[] {
  const uid = uidsOf("peak-scan");
  const t0 = EXAMPLE_EPOCH;
  const run = composeRun(
    {
      ...BEAMLINE_METADATA,
      plan_name: "scan",
      plan_type: "generator",
      scan_id: 1,
      detectors: ["det"],
      motors: ["motor"],
      num_points: POINTS,
      num_intervals: POINTS - 1,
      plan_args: { detectors: ["det"], motor: "motor", start: FROM, stop: TO, num: POINTS },
      plan_pattern: "inner_product",
      plan_pattern_args: { num: POINTS, args: ["motor", FROM, TO] },
      hints: { dimensions: [[["motor"], "primary"]] },
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
      motor: {
        dtype: "number",
        shape: [],
        source: "SIM:motor",
        units: "mm",
        precision: 3,
        object_name: "motor",
      },
      motor_setpoint: {
        dtype: "number",
        shape: [],
        source: "SIM:motor.VAL",
        units: "mm",
        precision: 3,
        object_name: "motor",
      },
      det: { dtype: "number", shape: [], source: "SIM:det", units: "counts", object_name: "det" },
    },
    configuration: {
      det: {
        data: { det_exposure_time: 0.1 },
        timestamps: { det_exposure_time: t0 },
        data_keys: {
          det_exposure_time: { dtype: "number", shape: [], source: "SIM:det.EXPOSURE", units: "s" },
        },
      },
    },
    object_keys: { motor: ["motor", "motor_setpoint"], det: ["det"] },
    hints: { motor: { fields: ["motor"] }, det: { fields: ["det"] } },
  });
  pairs.push(["descriptor", primary.descriptor]);

  const noise = seededRandom(1);
  for (let i = 0; i < POINTS; i++) {
    const time = t0 + 1 + 0.5 * i;
    const setpoint = FROM + ((TO - FROM) * i) / (POINTS - 1);
    const position = setpoint + 0.002 * (noise() - 0.5);
    const peak = PEAK.height * Math.exp(-((position - PEAK.center) ** 2) / (2 * PEAK.width ** 2));
    const counts = Math.round(PEAK.background + peak + 40 * (noise() - 0.5));
    const data = { motor: position, motor_setpoint: setpoint, det: counts };
    const timestamps = { motor: time, motor_setpoint: time, det: time + 0.1 };
    pairs.push(["event", primary.composeEvent({ data, timestamps, time, uid: uid(`primary/${i + 1}`) })]);
  }

  const end = t0 + 1 + 0.5 * POINTS;
  pairs.push(["event", baselineEvent(baseline, end, 1, uid("baseline/2"))]);
  pairs.push(["stop", run.composeStop({ uid: uid("stop"), time: end + 0.1, exit_status: "success" })]);
  return pairs;
}
