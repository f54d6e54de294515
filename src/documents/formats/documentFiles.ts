// The document files of a directory, in the order they are read: a databroker-pack directory's files as its
// catalog names them, otherwise every document file, names sorted by code unit (the same on every machine),
// hidden files skipped, folders read where they sort. readDocuments reads them in turn; the files adapter
// reads each on its own to keep going past a damaged one (or a pack whose catalog is unreadable).
import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { isPackDirectory, readPack } from "./readPack.ts";
import { documentFileExtensions } from "./registry.ts";

/**
 * Lists the files. A pack whose catalog cannot be read throws, unless `onUnreadable` is given: then it is
 * passed the error and the pack contributes no file.
 */
export async function documentFilesOf(
  dir: string,
  onUnreadable?: (error: unknown) => void,
): Promise<string[]> {
  if (await isPackDirectory(dir)) {
    try {
      return (await readPack(dir)).documentFiles;
    } catch (error) {
      if (onUnreadable === undefined) throw error;
      onUnreadable(error);
      return [];
    }
  }
  const files: string[] = [];
  const extensions = documentFileExtensions();
  const names = (await readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) files.push(...(await documentFilesOf(path, onUnreadable)));
    else if (extensions.has(extname(name).toLowerCase())) files.push(path);
  }
  return files;
}
