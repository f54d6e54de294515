// The document files of a catalog directory, in the order readDocuments reads the directory: a
// databroker-pack directory's files as its catalog names them, otherwise every document file, names sorted
// by code unit, hidden files skipped, folders read where they sort. Listed one by one so the files adapter
// can read each file on its own and keep going past a damaged one (or a pack whose catalog is unreadable).
import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { DOCUMENT_FILE_EXTENSIONS } from "../../documents/formats/DocumentFormat.ts";
import { isPackDirectory, readPack } from "../../documents/formats/readPack.ts";

/** Lists the files; a pack whose catalog cannot be read is passed to `onUnreadable` and contributes none. */
export async function documentFilesOf(
  dir: string,
  onUnreadable: (error: unknown) => void,
): Promise<string[]> {
  if (await isPackDirectory(dir)) {
    try {
      return (await readPack(dir)).documentFiles;
    } catch (error) {
      onUnreadable(error);
      return [];
    }
  }
  const files: string[] = [];
  const names = (await readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) files.push(...(await documentFilesOf(path, onUnreadable)));
    else if (DOCUMENT_FILE_EXTENSIONS.includes(extname(name).toLowerCase())) files.push(path);
  }
  return files;
}
