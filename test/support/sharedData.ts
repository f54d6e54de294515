// Where the read-only reference data lives: `../shared/data` beside the project root (tests read it in place).
// DATABROKER_SHARED_DATA overrides it for a checkout placed elsewhere.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function locate(): string {
  const fromEnv = process.env.DATABROKER_SHARED_DATA;
  if (fromEnv) return resolve(fromEnv);
  // Walk up from the project so a clone at any depth below the workspace finds the same data.
  for (let dir = projectRoot; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared", "data");
    if (existsSync(join(candidate, "README.md"))) return candidate;
  }
  // The workspace's fixed place, for a clone made outside it.
  if (existsSync("/work/shared/data/README.md")) return "/work/shared/data";
  throw new Error("reference data not found: set DATABROKER_SHARED_DATA to the shared/data directory");
}

export const sharedData = locate();

/** Absolute path of a file or folder inside the reference data. */
export function dataPath(...parts: string[]): string {
  return join(sharedData, ...parts);
}
