// Memory catalogs: `memory:` (or memory://), a new empty catalog that lives as long as its store, for tests
// and trials. A read-only open gives an empty one too: there is nothing to create.
import type { CatalogKind } from "./CatalogKind.ts";

export const memoryCatalog: CatalogKind = {
  name: "memory",
  help: "memory:",
  recognises: (uri) => uri === "memory:" || uri === "memory://",
  async open() {
    const { MemoryStore } = await import("../memory/MemoryStore.ts");
    return new MemoryStore();
  },
};
