// Files catalogs: `file:///abs/dir`, a directory of document files (or a databroker-pack), read into memory
// and written back as files.
import { fileURLToPath } from "node:url";
import type { CatalogKind } from "./CatalogKind.ts";

export const filesCatalog: CatalogKind = {
  name: "file",
  help: "file:///abs/dir (a directory of document files)",
  recognises: (uri) => uri.startsWith("file://"),
  async open(uri, options) {
    const { FilesStore } = await import("../files/FilesStore.ts");
    return FilesStore.openUri(uri, options);
  },
  directory(uri) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
};
