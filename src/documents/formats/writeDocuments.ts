// Writes documents to a file in one format, atomically (writeThenRename.ts): a failed write never leaves a
// half file under the name.
import { open } from "node:fs/promises";
import { writeThenRename } from "../../writeThenRename.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { encodeDocuments } from "./documentEncoder.ts";

/** Writes `docs` to `path` in `format` (replacing the file); resolves to the number of documents. */
export async function writeDocuments(
  path: string,
  docs: AsyncIterable<DocumentPair> | Iterable<DocumentPair>,
  format: DocumentFormat,
): Promise<number> {
  let count = 0;
  async function* counted(): AsyncGenerator<DocumentPair> {
    for await (const pair of docs) {
      count++;
      yield pair;
    }
  }
  await writeThenRename(path, async (partial) => {
    const handle = await open(partial, "w");
    try {
      for await (const bytes of encodeDocuments(counted(), format)) await handle.write(bytes);
    } finally {
      await handle.close();
    }
  });
  return count;
}
