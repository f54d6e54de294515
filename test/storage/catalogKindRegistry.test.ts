// A kind of catalog added from outside the package: registered from this file alone, it is opened by
// Broker.open and openStore like the built-in kinds and listed in the command line's help.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { Broker } from "../../src/broker/Broker.ts";
import { catalogHelp, withCatalogOption } from "../../src/cli/catalogOption.ts";
import { NoCatalogError } from "../../src/storage/catalogErrors.ts";
import type { CatalogKind } from "../../src/storage/catalogs/CatalogKind.ts";
import { catalogKindsHelp, registerCatalogKind } from "../../src/storage/catalogs/catalogKinds.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { smallRun } from "./syntheticRuns.ts";

/** `test-memory:NAME`: a memory catalog shared by every open of NAME within this process. */
const named = new Map<string, MemoryStore>();
const testMemoryCatalog: CatalogKind = {
  name: "test-memory",
  help: "test-memory:NAME (a memory catalog shared within the process)",
  recognises: (uri) => uri.startsWith("test-memory:"),
  async open(uri, options) {
    let store = named.get(uri);
    if (!store) {
      if (options.readOnly) throw new NoCatalogError(uri);
      store = new MemoryStore();
      named.set(uri, store);
    }
    return store;
  },
};
registerCatalogKind(testMemoryCatalog);

test("a registered kind is opened by Broker.open: runs put by one broker are searched and read by another", async () => {
  const writer = await Broker.open("test-memory:shared");
  await writer.put(smallRun({ plan_name: "scan", scan_id: 1 }, 4).documents);
  await writer.put(smallRun({ plan_name: "count", scan_id: 2 }, 2).documents);

  const reader = await Broker.open("test-memory:shared", { readOnly: true });
  assert.equal(await reader.count(), 2);
  const scans = reader.search('plan_name == "scan"');
  assert.equal(await scans.count(), 1);
  const run = await scans.run(-1);
  assert.equal(run.start.scan_id, 1);
  const table = await run.stream("primary").read();
  assert.equal(table.length, 4);
  assert.deepEqual(Array.from(table.column("x") as ArrayLike<number>), [0, 1, 2, 3]);
});

test("a read-only open of a missing catalog of the new kind is 'no catalog at ...'; other names are apart", async () => {
  await assert.rejects(openStore("test-memory:nothing-here", { readOnly: true }), NoCatalogError);
  const other = await openStore("test-memory:other");
  assert.equal(await other.count(), 0);
});

test("the help texts list the new kind after the built-in ones", () => {
  assert.match(
    catalogKindsHelp(),
    /memory:, http:\/\/host:port \(a databroker server, read-only\), test-memory:NAME \(a memory catalog shared within the process\)$/,
  );
  assert.match(catalogHelp(), /test-memory:NAME/);
  const help = withCatalogOption(new Command("ls"), "list").helpInformation();
  assert.match(help.replace(/\s+/g, " "), /test-memory:NAME/);
});

test("a second kind under a taken name is refused", () => {
  assert.throws(() => registerCatalogKind(testMemoryCatalog), /registered already/);
});
