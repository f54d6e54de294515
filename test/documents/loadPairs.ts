// Test helper: every [name, doc] pair of a reference data file, read whole (JSON, JSON Lines, {name, doc}).
import { readFileSync } from "node:fs";
import type { DocumentPair } from "../../src/documents/types.ts";

export function loadPairs(path: string): DocumentPair[] {
  const text = readFileSync(path, "utf8");
  const values: unknown[] = path.endsWith(".jsonl")
    ? text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line))
    : JSON.parse(text);
  return values.map((value) =>
    Array.isArray(value)
      ? (value as DocumentPair)
      : ([(value as any).name, (value as any).doc] as DocumentPair),
  );
}
