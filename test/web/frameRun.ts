// A small synthetic run whose detector writes a stack of frames to files, as area detectors do: a scan of 5
// points, each event's 48x64 `cam_image` an NPY file (ophyd's NPY_SEQ layout) with a bright spot that moves
// across the frame, a scalar `cam_stats_total`, and `cam_profile`, the frame's middle row (a 1-D array kept
// in the event itself). The reference data has no multi-frame images our
// handlers read, so the frame slider is tested on these.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeNpy } from "../../src/assets/npyFormat.ts";

export const FRAME_RUN = {
  uid: "7d3f0c5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
  scanId: 9001,
  frames: 5,
  height: 48,
  width: 64,
  field: "cam_image",
};

/** Frame `n`'s pixels: a Gaussian spot at column 8 + 12 n over a faint gradient. */
export function framePixels(n: number): Float64Array {
  const { height, width } = FRAME_RUN;
  const pixels = new Float64Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const dx = x - (8 + 12 * n);
      const dy = y - 24;
      pixels[y * width + x] = 1000 * Math.exp(-(dx * dx + dy * dy) / 40) + x;
    }
  return pixels;
}

/** Writes the frames and the run's documents (JSON Lines) into `dir`; returns the documents' file. */
export function writeFrameRun(dir: string): string {
  const { uid, scanId, frames, height, width, field } = FRAME_RUN;
  const t0 = 1_700_000_000;
  const resource = "5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
  const descriptor = "6f2a3b4c-5d6e-4f7a-9b0c-1d2e3f4a5b6c";
  const docs: Array<[string, Record<string, unknown>]> = [
    [
      "start",
      {
        uid,
        time: t0,
        scan_id: scanId,
        plan_name: "scan",
        detectors: ["cam"],
        motors: ["x"],
        hints: { dimensions: [[["x"], "primary"]] },
      },
    ],
    [
      "descriptor",
      {
        uid: descriptor,
        run_start: uid,
        time: t0 + 0.1,
        name: "primary",
        data_keys: {
          x: { dtype: "number", shape: [], source: "SIM:x", units: "mm" },
          [field]: { dtype: "array", shape: [height, width], source: "SIM:cam", external: "FILESTORE:" },
          cam_stats_total: { dtype: "number", shape: [], source: "SIM:cam.total", units: "counts" },
          cam_profile: { dtype: "array", shape: [width], source: "SIM:cam.profile", units: "counts" },
        },
        hints: { x: { fields: ["x"] }, cam: { fields: ["cam_stats_total"] } },
        object_keys: { x: ["x"], cam: [field, "cam_stats_total", "cam_profile"] },
        configuration: {},
      },
    ],
    [
      "resource",
      {
        uid: resource,
        run_start: uid,
        spec: "NPY_SEQ",
        root: dir,
        resource_path: "frame",
        resource_kwargs: {},
        path_semantics: "posix",
      },
    ],
  ];
  for (let n = 0; n < frames; n++) {
    const pixels = framePixels(n);
    writeFileSync(
      join(dir, `frame_${n}.npy`),
      encodeNpy({ shape: [height, width], dtype: "float64", data: pixels }),
    );
    const datum = `${resource}/${n}`;
    docs.push(["datum", { datum_id: datum, resource, datum_kwargs: { index: n } }]);
    docs.push([
      "event",
      {
        uid: `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
        descriptor,
        time: t0 + 1 + n,
        seq_num: n + 1,
        data: {
          x: n * 0.5,
          [field]: datum,
          cam_stats_total: pixels.reduce((a, b) => a + b, 0),
          cam_profile: Array.from(pixels.subarray(24 * width, 25 * width)),
        },
        timestamps: {
          x: t0 + 1 + n,
          [field]: t0 + 1 + n,
          cam_stats_total: t0 + 1 + n,
          cam_profile: t0 + 1 + n,
        },
        filled: { [field]: false },
      },
    ]);
  }
  docs.push([
    "stop",
    {
      uid: "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
      run_start: uid,
      time: t0 + 10,
      exit_status: "success",
      num_events: { primary: frames },
    },
  ]);
  const path = join(dir, "frame-run.jsonl");
  writeFileSync(path, `${docs.map((doc) => JSON.stringify(doc)).join("\n")}\n`);
  return path;
}
