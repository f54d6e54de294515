// Runs one of test/support's Python readers with Debian's python3 (pandas, tifffile: independent of the code
// under test) and returns its JSON lines.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./sharedData.ts";

export async function pythonReader<T>(script: string, args: readonly string[]): Promise<T[]> {
  const { stdout } = await promisify(execFile)(
    "/usr/bin/python3",
    [join(projectRoot, "test/support", script), ...args],
    {
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as T);
}
