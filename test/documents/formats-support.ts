// Helpers shared by the document-format tests: collecting what a reader yields (and how it fails), temp
// directories that clean themselves up, and splitting a many-run document list into runs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";

/** Every document at `path` (throws what the reader throws). */
export async function collect(path: string): Promise<DocumentPair[]> {
  const documents: DocumentPair[] = [];
  for await (const pair of readDocuments(path)) documents.push(pair);
  return documents;
}

/** What a reader yields before it fails, and the failure (undefined when it did not fail). */
export async function collectUntilFailure(
  path: string,
): Promise<{ documents: DocumentPair[]; error: unknown }> {
  const documents: DocumentPair[] = [];
  try {
    for await (const pair of readDocuments(path)) documents.push(pair);
  } catch (error) {
    return { documents, error };
  }
  return { documents, error: undefined };
}

/** A fresh temporary directory, removed when the test ends. */
export async function temporaryDirectory(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-formats-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Splits a document list holding runs one after another into runs (each begins with its start). */
export function splitRuns(documents: DocumentPair[]): DocumentPair[][] {
  const runs: DocumentPair[][] = [];
  for (const pair of documents) {
    if (pair[0] === "start" || runs.length === 0) runs.push([]);
    runs[runs.length - 1].push(pair);
  }
  return runs;
}

/** Counts of documents by name. */
export function countByName(documents: DocumentPair[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name] of documents) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** The `uid` of a document, for the documents that have one. */
export function uidOf(pair: DocumentPair): unknown {
  return (pair[1] as { uid?: unknown }).uid;
}
