// Creates a directory and its missing parents, one level at a time. Node 20's `mkdir(..., {recursive: true})`
// loops forever where mkdir answers ENOENT for a parent that exists (`/proc/nope`); this never loops.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

export function createDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  // Outermost first; each mkdir either succeeds or throws (ENOENT, EACCES, ...): bounded by the path's depth.
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another process made it in between.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}
