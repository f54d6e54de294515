// Test helper: every [name, doc] pair of a reference data file or directory, read whole by readDocuments.
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";

export async function loadPairs(path: string): Promise<DocumentPair[]> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(path)) pairs.push(pair);
  return pairs;
}
