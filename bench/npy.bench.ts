// NPY reading through the asset handlers vs the plain file read it cannot beat: a 1000x512x512 uint16
// stack (512 MiB) written to a temp dir, read via AssetReader (spec `npy`) and via fs.readFileSync.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetReader } from "../src/assets/AssetReader.ts";
import { encodeNpyHeader } from "../src/assets/npyFormat.ts";
import { report, time } from "./harness.ts";

const FRAMES = 1000;
const HEIGHT = 512;
const WIDTH = 512;

/** Writes the stack frame by frame so the generator never holds the whole array. */
function writeStack(path: string): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, encodeNpyHeader("<u2", false, [FRAMES, HEIGHT, WIDTH]));
    const frame = new Uint16Array(HEIGHT * WIDTH);
    for (let f = 0; f < FRAMES; f++) {
      for (let i = 0; i < frame.length; i++) frame[i] = (f + i) & 0xffff;
      writeSync(fd, frame);
    }
  } finally {
    closeSync(fd);
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-npy-bench-"));
  try {
    const path = join(dir, "stack.npy");
    writeStack(path);
    const megabytes = (FRAMES * HEIGHT * WIDTH * 2) / 2 ** 20;
    const reader = new AssetReader();
    const resource = {
      uid: "bench",
      spec: "npy",
      root: dir,
      resource_path: "stack.npy",
      resource_kwargs: {},
    };
    const datum = { datum_id: "bench/0", datum_kwargs: {} };

    const sample = await reader.readDatum(resource, datum);
    const last = (sample.data as Uint16Array)[sample.data.length - 1];
    if (sample.shape.join("x") !== "1000x512x512" || last !== (FRAMES - 1 + HEIGHT * WIDTH - 1) % 65536) {
      throw new Error(`npy bench read the wrong array: ${sample.shape} ending in ${last}`);
    }

    const handler = await time(megabytes, () => reader.readDatum(resource, datum));
    const baseline = await time(megabytes, () => readFileSync(path));
    report("npy handler, 1000x512x512 uint16", "MiB", handler, baseline, "fs.readFileSync");
    await reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
