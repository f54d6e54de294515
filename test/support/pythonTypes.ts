// Runs test/support/compareTypes.py with Debian's python3 (json, msgpack): the types Python sees in each
// export against those in its source, as an independent reader judges them.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./sharedData.ts";

export interface TypeReport {
  source: string;
  export: string;
  documents: number;
  matched: number;
  differences: string[];
}

/** Compares each [source, export] pair in one python3 process. */
export async function pythonTypeReports(pairs: ReadonlyArray<[string, string]>): Promise<TypeReport[]> {
  const { stdout } = await promisify(execFile)(
    "/usr/bin/python3",
    [join(projectRoot, "test/support/compareTypes.py"), ...pairs.flat()],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as TypeReport);
}
