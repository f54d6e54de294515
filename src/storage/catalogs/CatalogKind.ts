// What one kind of catalog contributes to the catalog registry (catalogKinds.ts): which URIs it names, how a
// store is opened from them (creating it, or read-only), the folder its files sit in and its line of --help.
// A kind loads its store's code only when it opens one, so that help texts cost a command's start-up nothing.
import type { Store } from "../Store.ts";

export interface OpenOptions {
  /** Open an existing catalog for reading only: nothing is created, migrated or written (puts are refused). */
  readOnly?: boolean;
  /** The key a remote catalog (a server) is called with. */
  apiKey?: string;
  /** How long one call to a remote catalog may take (ms). */
  timeoutMs?: number;
}

export interface CatalogKind {
  /** A short unique name (`sqlite`, `postgresql`, ...). */
  readonly name: string;
  /** How `--help` and messages name the kind's URIs: `postgresql://user@host:port/db`. */
  readonly help: string;
  /** Whether `uri` names a catalog of this kind; the first registered kind that recognises it opens it. */
  recognises(uri: string): boolean;
  /**
   * Opens the catalog at `uri`. Without `readOnly` a missing catalog is created; with it nothing is created,
   * migrated or written, and a missing catalog is a NoCatalogError ("no catalog at ...").
   */
  open(uri: string, options: OpenOptions): Promise<Store>;
  /** The folder the catalog keeps its own files in (external files may be read from there), if any. */
  directory?(uri: string): string | undefined;
}
