// Writes documents to a file in one format, atomically: into a temporary file beside it, renamed into
// place only when every document is written, so a failed write never leaves a half file under the name.
import { open, rename, rm } from "node:fs/promises";
import type { DocumentPair } from "../types.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { encodeDocuments } from "./documentEncoder.ts";

/** Writes `docs` to `path` in `format` (replacing the file); resolves to the number of documents. */
export async function writeDocuments(
  path: string,
  docs: AsyncIterable<DocumentPair> | Iterable<DocumentPair>,
  format: DocumentFormat,
): Promise<number> {
  const temporary = `${path}.${process.pid}.partial`;
  const handle = await open(temporary, "w");
  let count = 0;
  async function* counted(): AsyncGenerator<DocumentPair> {
    for await (const pair of docs) {
      count++;
      yield pair;
    }
  }
  try {
    for await (const bytes of encodeDocuments(counted(), format)) await handle.write(bytes);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  await rename(temporary, path);
  return count;
}
