// The version in this package's package.json, found by walking up from this module: the same answer from the
// sources (src/) and from the bundles the build writes (dist/), which sit at another depth.
import { readFileSync } from "node:fs";

function findVersion(): string {
  for (let dir = new URL("./", import.meta.url); ; dir = new URL("../", dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "databroker" && manifest.version) return manifest.version;
    } catch {
      // No package.json here: look one folder up.
    }
    if (dir.pathname === "/") throw new Error("databroker: no package.json above this module");
  }
}

export const PACKAGE_VERSION: string = findVersion();
