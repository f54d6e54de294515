// Helpers of the files adapter's tests: writable copies of the reference directories in a temporary folder,
// byte-exact snapshots of a directory, and the documents of each file.
import { createHash } from "node:crypto";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { readDocuments } from "../../src/documents/formats/readDocuments.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";
import { collect } from "./storeHelpers.ts";

/** A fresh temporary folder for one test file. */
export function temporaryRoot(label: string): string {
  return mkdtempSync(join(tmpdir(), `databroker-${label}-`));
}

/** Every path below `dir` (relative, sorted), hidden ones included. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      out.push(relative(dir, path));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

/** Relative path -> sha256 of the content (folders: "dir"): equal snapshots mean byte-for-byte equal trees. */
export function snapshot(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const path of listTree(dir)) {
    const full = join(dir, path);
    hashes[path] = statSync(full).isDirectory()
      ? "dir"
      : createHash("sha256").update(readFileSync(full)).digest("hex");
  }
  return hashes;
}

/** A writable copy of a reference folder (`../shared/data/<folder>`) at `target`. */
export function copyReference(folder: string, target: string): string {
  cpSync(dataPath(folder), target, { recursive: true });
  // The reference data is read-only; the copy must take appends.
  chmodSync(target, 0o755);
  for (const path of listTree(target)) {
    const full = join(target, path);
    chmodSync(full, statSync(full).isDirectory() ? 0o755 : 0o644);
  }
  return target;
}

/** The documents of one file or directory as the format readers give them. */
export function documentsIn(path: string): Promise<DocumentPair[]> {
  return collect(readDocuments(path));
}
