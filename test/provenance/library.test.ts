// The library's provenance calls on a Broker: run.provenance(), inputsOf, derivedFrom, lineage (depth,
// direction, shared inputs, cycles in a catalog written around the checks), the same answers through a
// principal's view with inputs hidden from it, and keys a view may not list or sort by.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { user } from "../../src/access/Principal.ts";
import { Broker } from "../../src/broker/index.ts";
import { ValidationError } from "../../src/errors.ts";
import { nodeId } from "../../src/provenance/lineage.ts";
import { lineageTree } from "../../src/provenance/lineageTree.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { MEMBERSHIPS, RUN_SPECS } from "../access/accessFixture.ts";
import { derivedRun, plainRun, uid } from "./derivedRuns.ts";

// A and B plain; C from A and B; D from C and A; E from D.
const [A, B, C, D, E] = [1, 2, 3, 4, 5].map(uid);

async function catalog(): Promise<Broker> {
  const broker = new Broker(await openStore("memory:"));
  await broker.put([...plainRun(A, 1), ...plainRun(B, 2)]);
  await broker.put(derivedRun(C, [A, B], { scan_id: 3 }));
  await broker.put(derivedRun(D, [C, A], { scan_id: 4 }));
  await broker.put(derivedRun(E, [D], { scan_id: 5 }));
  return broker;
}

const uids = (graph: { nodes: Array<{ uid?: string; id?: string }> }) =>
  graph.nodes.map((node) => node.uid ?? node.id).sort();

describe("provenance in the library", () => {
  test("inputsOf and derivedFrom", async () => {
    const broker = await catalog();
    assert.deepEqual(await broker.inputsOf(D), [{ uid: C }, { uid: A }]);
    assert.deepEqual(await broker.inputsOf(A), []);
    const derived = await broker.derivedFrom(A);
    assert.equal(await derived.count(), 2);
    assert.deepEqual(
      (await derived.page({ sort: "scan_id" })).map((run) => run.uid),
      [C, D],
    );
    assert.equal(await (await broker.derivedFrom(5)).count(), 0, "a scan_id names the run too");
  });

  test("lineage upstream to any depth, each edge once, shared inputs once", async () => {
    const broker = await catalog();
    const all = await broker.lineage(E);
    assert.equal(all.root, E);
    assert.deepEqual(uids(all), [A, B, C, D, E].sort());
    assert.deepEqual(all.edges.map(({ from, to }) => `${from.slice(0, 8)}>${to.slice(0, 8)}`).sort(), [
      "cafe0001>cafe0003",
      "cafe0001>cafe0004",
      "cafe0002>cafe0003",
      "cafe0003>cafe0004",
      "cafe0004>cafe0005",
    ]);
    assert.deepEqual(uids(await broker.lineage(E, { depth: 1 })), [D, E].sort());
    assert.deepEqual(uids(await broker.lineage(E, { depth: 0 })), [E]);
    assert.deepEqual(uids(await broker.lineage(A, { direction: "derived" })), [A, C, D, E].sort());
    assert.deepEqual(uids(await broker.lineage(C, { direction: "both", depth: 1 })), [A, B, C, D].sort());
  });

  test("bad options are refused naming the rule", async () => {
    const broker = await catalog();
    await assert.rejects(broker.lineage(E, { depth: -1 }), /depth must be a whole number/);
    await assert.rejects(broker.lineage(E, { depth: 1.5 }), ValidationError);
    await assert.rejects(broker.lineage(E, { direction: "up" as never }), /direction must be one of/);
  });

  test("a cycle (written around the checks, straight into the store) is walked once", async () => {
    const broker = new Broker(await openStore("memory:"));
    await broker.store.put(derivedRun(uid(31), [uid(32)]));
    await broker.store.put(derivedRun(uid(32), [uid(31)]));
    const graph = await broker.lineage(uid(31), { direction: "both" });
    assert.deepEqual(uids(graph), [uid(31), uid(32)]);
    assert.equal(graph.edges.length, 2);
    assert.ok(lineageTree(graph).length <= 6);
  });

  test("the tree for people: inputs with <-, derived runs with ->, a run met again shown once", async () => {
    const broker = await catalog();
    const lines = lineageTree(await broker.lineage(D));
    assert.deepEqual(
      lines.map((line) => line.replace(/-0000-4000-8000-000000000000/g, "")),
      [
        "cafe0004  scan_id 4  fit",
        "  <- cafe0003  scan_id 3  fit",
        "     <- cafe0001  scan_id 1  count",
        "     <- cafe0002  scan_id 2  count",
        "  <- cafe0001  scan_id 1  count  (shown above)",
      ],
    );
  });
});

describe("provenance through a principal's view", () => {
  async function world() {
    const broker = new Broker(await openStore("memory:"));
    for (const spec of Object.values(RUN_SPECS))
      await broker.put(plainRun(spec.uid, spec.scan_id, spec.beamtime));
    await broker.access.loadMemberships(MEMBERSHIPS, "test");
    const staff = await broker.as(user("staffXY"));
    await staff.put(derivedRun(uid(40), [RUN_SPECS.R1a.uid, RUN_SPECS.R2.uid], { beamtime: "B1a" }));
    return broker;
  }

  test("run.provenance(), run.start, listings and replayed documents show the hidden input alike", async () => {
    const broker = await world();
    const u1 = await broker.as(user("u1"));
    const hidden = [{ uid: RUN_SPECS.R1a.uid }, { inaccessible: true }];
    const run = await u1.run(uid(40));
    assert.deepEqual(run.provenance()?.inputs, hidden);
    assert.deepEqual((run.start as Record<string, any>).provenance.inputs, hidden);
    for await (const [name, doc] of run.documents())
      if (name === "start") assert.deepEqual((doc as Record<string, any>).provenance.inputs, hidden);
    for await (const listed of u1.runs())
      if (listed.uid === uid(40)) assert.deepEqual(listed.provenance()?.inputs, hidden);
    for await (const summary of u1.summaries())
      assert.ok(!JSON.stringify(summary.start).includes(RUN_SPECS.R2.uid));
    assert.deepEqual(await u1.inputsOf(uid(40)), hidden);
    // A narrower search does not make a readable input look hidden.
    const narrowed = u1.search("scan_id == 900");
    assert.deepEqual((await narrowed.run(uid(40))).provenance()?.inputs, hidden);
    // The catalog itself, and a principal who may read R2, see both.
    assert.equal((await broker.run(uid(40))).provenance()?.inputs.length, 2);
    const staff = await broker.as(user("staffXY"));
    assert.deepEqual(await staff.inputsOf(uid(40)), [{ uid: RUN_SPECS.R1a.uid }, { uid: RUN_SPECS.R2.uid }]);
  });

  test("distinct values of and sorting by the inputs are refused to a view; other provenance keys are not", async () => {
    const broker = await world();
    const u1 = await broker.as(user("u1"));
    await assert.rejects(u1.distinct("provenance.inputs"), /distinct by "provenance.inputs" is not offered/);
    await assert.rejects(u1.distinct("start.provenance"), ValidationError);
    await assert.rejects(u1.page({ sort: "provenance.inputs" }), /sort by "provenance.inputs"/);
    assert.deepEqual(await u1.distinct("provenance.software"), [
      [{ name: "fitter", version: "2.1", vcs_url: "https://example.org/fitter.git", commit: "abc123" }],
    ]);
    assert.equal((await broker.distinct("provenance.inputs")).length, 1, "the catalog itself lists them");
  });

  test("lineage of a run hidden from the view is not found; its hidden input is a node without uid", async () => {
    const broker = await world();
    const u1 = await broker.as(user("u1"));
    await assert.rejects(u1.lineage(RUN_SPECS.R2.uid), /no run|No such|not found/i);
    const graph = await u1.lineage(uid(40));
    assert.deepEqual(graph.nodes.map(nodeId), [uid(40), RUN_SPECS.R1a.uid, "hidden-1"]);
    assert.ok(!JSON.stringify(graph).includes(RUN_SPECS.R2.uid));
  });
});
