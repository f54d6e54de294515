// The registry of catalog kinds: openStore, Broker.open and the command line's help read it, so a new kind of
// catalog is one file describing it (a CatalogKind) and one registerCatalogKind call. The built-in kinds are
// registered here, in the order they are tried and listed.
import { NamedRegistry } from "../../NamedRegistry.ts";
import type { CatalogKind } from "./CatalogKind.ts";
import { filesCatalog } from "./filesCatalog.ts";
import { memoryCatalog } from "./memoryCatalog.ts";
import { postgresCatalog } from "./postgresCatalog.ts";
import { remoteCatalog } from "./remoteCatalog.ts";
import { sqliteCatalog } from "./sqliteCatalog.ts";

const kinds = new NamedRegistry<CatalogKind>("catalog kind");

/** Adds a kind after those registered already (which are tried first); its name must be new. */
export function registerCatalogKind(kind: CatalogKind): void {
  kinds.register(kind);
}

/** Every registered kind, in the order they are tried. */
export function catalogKinds(): readonly CatalogKind[] {
  return kinds.all();
}

/** The kind that opens `uri`: the first registered that recognises it. */
export function catalogKindOf(uri: string): CatalogKind | undefined {
  return kinds.all().find((kind) => kind.recognises(uri));
}

/** Every kind of catalog URI, as help texts and messages name them. */
export function catalogKindsHelp(): string {
  return kinds
    .all()
    .map((kind) => kind.help)
    .join(", ");
}

for (const kind of [sqliteCatalog, postgresCatalog, filesCatalog, memoryCatalog, remoteCatalog])
  registerCatalogKind(kind);
