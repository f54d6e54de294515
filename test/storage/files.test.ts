// The files adapter: the shared conformance suite, each store on a fresh temporary directory; and the same
// suite again with the directory reopened after every put, so every answer comes from what the files hold.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import type { PutReport, Store } from "../../src/storage/Store.ts";
import { storeConformance } from "./conformance.ts";

const root = mkdtempSync(join(tmpdir(), "databroker-files-"));
after(() => rmSync(root, { recursive: true, force: true }));
let catalogs = 0;
const newCatalog = () => join(root, `catalog-${catalogs++}`);

storeConformance("files", () => FilesStore.open(newCatalog()));

/** A files store that reads its directory afresh after every put, accepted or rejected. */
class ReopeningStore {
  private constructor(
    private readonly directory: string,
    private store: FilesStore,
  ) {}

  static async open(directory: string): Promise<Store> {
    const reopening = new ReopeningStore(directory, await FilesStore.open(directory));
    // Every Store method goes to the current store; put reopens it afterwards.
    return new Proxy(reopening, {
      get: (target, key) => {
        if (key === "put") return (batch: Iterable<DocumentPair>) => target.put(batch);
        const value = Reflect.get(target.store, key);
        return typeof value === "function" ? value.bind(target.store) : value;
      },
    }) as unknown as Store;
  }

  async put(batch: Iterable<DocumentPair>): Promise<PutReport> {
    const outcome = await this.store.put(batch).then(
      (report) => ({ report }),
      (error: unknown) => ({ error }),
    );
    await this.store.close();
    this.store = await FilesStore.open(this.directory);
    assert.deepEqual(this.store.problems, [], "the directory reads back without problems");
    if ("error" in outcome) throw outcome.error;
    return outcome.report;
  }
}

storeConformance("files, reopened after every put", () => ReopeningStore.open(newCatalog()));
