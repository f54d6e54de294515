// `databroker lineage` as users run it (a child process): the tree, --json, --depth and --direction, and
// one clear line for a bad argument or an unknown run.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { databroker } from "../cli/storageCli.ts";
import { derivedRun, plainRun, uid } from "./derivedRuns.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-lineage-cli-"));
const catalog = join(dir, "catalog.sqlite");
const [A, B, C] = [1, 2, 3].map(uid);

before(async () => {
  const broker = await Broker.open(catalog);
  await broker.put(plainRun(A, 1));
  await broker.put(derivedRun(B, [A], { scan_id: 2 }));
  await broker.put(derivedRun(C, [B, A], { scan_id: 3 }));
  await broker.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("the tree of a run's inputs, by scan_id", () => {
  const result = databroker(["lineage", "3", "--catalog", catalog]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      `${C}  scan_id 3  fit`,
      `  <- ${B}  scan_id 2  fit`,
      `     <- ${A}  scan_id 1  count`,
      `  <- ${A}  scan_id 1  count  (shown above)`,
      "",
    ].join("\n"),
  );
});

test("--direction derived --depth 1 --json: the graph as JSON", () => {
  const result = databroker([
    "lineage",
    A,
    "--direction",
    "derived",
    "--depth",
    "1",
    "--json",
    "--catalog",
    catalog,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const graph = JSON.parse(result.stdout);
  assert.equal(graph.root, A);
  assert.deepEqual(graph.nodes.map((node: { uid: string }) => node.uid).sort(), [A, B, C].sort());
  assert.deepEqual(graph.edges, [
    { from: A, to: B },
    { from: A, to: C },
  ]);
});

test("a bad argument or an unknown run is one clear line on stderr and a failing exit code", () => {
  const direction = databroker(["lineage", A, "--direction", "sideways", "--catalog", catalog]);
  assert.notEqual(direction.code, 0);
  assert.match(
    direction.stderr.split("\n")[0],
    /--direction .*'sideways' is invalid\. use inputs, derived, both/,
  );
  const depth = databroker(["lineage", A, "--depth", "two", "--catalog", catalog]);
  assert.notEqual(depth.code, 0);
  assert.match(
    depth.stderr.split("\n")[0],
    /--depth .*'two' is invalid\. expected a whole number of 0 or more/,
  );
  const missing = databroker(["lineage", "99", "--catalog", catalog]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "databroker lineage: no run has scan_id 99\n");
});
