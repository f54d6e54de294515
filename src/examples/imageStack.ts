// Synthetic area-detector frames and the HDF5 file that holds them, written with h5wasm in the layout
// areaDetector's HDF5 plugin uses (`/entry/data/data`, frames along the first axis), as real beamlines do.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Group } from "h5wasm/node";
import { h5wasmModule } from "../assets/h5wasmModule.ts";
import { seededRandom } from "./exampleIds.ts";

export const AREA_DETECTOR_DATASET = "/entry/data/data";

export interface ImageStack {
  /** [frames, rows, columns] */
  shape: [number, number, number];
  data: Uint16Array;
}

/**
 * `frames` images of a diffraction-like ring whose radius grows frame by frame, on a noisy background:
 * something recognisable when a user plots a frame.
 */
export function ringImages(frames: number, rows: number, columns: number, seed: number): ImageStack {
  const random = seededRandom(seed);
  const data = new Uint16Array(frames * rows * columns);
  for (let f = 0; f < frames; f++) {
    const radius = Math.min(rows, columns) * (0.2 + 0.05 * f);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const distance = Math.hypot(r - rows / 2, c - columns / 2);
        const ring = 900 * Math.exp(-((distance - radius) ** 2) / 8);
        data[(f * rows + r) * columns + c] = Math.round(100 + ring + 20 * random());
      }
    }
  }
  return { shape: [frames, rows, columns], data };
}

/** Writes `stack` as the area-detector dataset of a new HDF5 file at `path` (replacing any file there). */
export async function writeImageStack(path: string, stack: ImageStack): Promise<void> {
  const h5wasm = await h5wasmModule();
  mkdirSync(dirname(path), { recursive: true });
  const file = new h5wasm.File(path, "w");
  try {
    const parts = AREA_DETECTOR_DATASET.split("/").filter(Boolean);
    let group: Group = file;
    for (const part of parts.slice(0, -1)) group = group.create_group(part);
    group.create_dataset({
      name: parts[parts.length - 1],
      data: stack.data,
      shape: stack.shape,
      dtype: "<H",
      chunks: [1, stack.shape[1], stack.shape[2]],
    });
  } finally {
    file.close();
  }
}

/** The sum of each frame's pixels, as a detector's stats plugin reports it alongside the images. */
export function frameTotals(stack: ImageStack): number[] {
  const [frames, rows, columns] = stack.shape;
  const size = rows * columns;
  return Array.from({ length: frames }, (_, f) => {
    let total = 0;
    for (let i = f * size; i < (f + 1) * size; i++) total += stack.data[i];
    return total;
  });
}
