// Derived runs as a pipeline writes them: the provenance record the README describes (and the write checks
// accept), lineage from the input, deterministic uids and documents (so deriving again stores nothing new), a
// half-written derived run completed exactly, and derived runs never taken as inputs of their own processor.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { sliceEventPage, unpackEventPage } from "../../src/documents/pages.ts";
import type { DocumentPair, EventPage } from "../../src/documents/types.ts";
import { PACKAGE_VERSION } from "../../src/packageVersion.ts";
import { derivedRunUid } from "../../src/pipelines/derivedIds.ts";
import { type Derivation, derivedUidOf, deriveRun } from "../../src/pipelines/deriveRun.ts";
import { Pipeline, type PipelineReporter } from "../../src/pipelines/Pipeline.ts";
import { withDefaults } from "../../src/pipelines/processorParams.ts";
import { processors } from "../../src/pipelines/processors/index.ts";
import { peakScan, tempFolder } from "./pipelineRuns.ts";

const quiet: PipelineReporter = {
  processed() {},
  failed(input, error) {
    throw new Error(`run ${input} failed: ${error}`);
  },
};

function rollingDerivation(target: Broker, window = 5): Derivation {
  const processor = processors.named("rolling");
  return {
    processor,
    params: withDefaults(processor, { fields: ["det"], window }),
    target,
    createdBy: "tester",
  };
}

async function documentsOf(broker: Broker, uid: string): Promise<DocumentPair[]> {
  const documents: DocumentPair[] = [];
  for await (const pair of broker.store.documents(uid)) documents.push(pair);
  return documents;
}

/** The documents with pages as their events: how rows were cut into pages is the store's business. */
async function eventsOf(broker: Broker, uid: string): Promise<unknown[]> {
  return (await documentsOf(broker, uid)).flatMap(([name, doc]): unknown[] =>
    name === "event_page" ? unpackEventPage(doc).map((event) => ["event", event]) : [[name, doc]],
  );
}

/** Every completed run of the broker derived once, as `pipe --once` does. */
async function pipeOnce(broker: Broker, derivation: Derivation): Promise<Pipeline> {
  const pipeline = new Pipeline(broker, derivation, quiet);
  await pipeline.processExisting(new AbortController().signal, false);
  return pipeline;
}

describe("derived runs", () => {
  test("carry the provenance record: inputs, software, parameters, created_by; created_at is the input's time", async () => {
    const broker = await Broker.open(join(tempFolder(), "c.sqlite"));
    try {
      const input = peakScan("provenance", 1_700_000_000, 50, 1);
      await broker.put(input.documents);
      const processor = processors.named("peakstats");
      const params = withDefaults(processor, { x: "motor", y: "det" });
      await pipeOnce(broker, { processor, params, target: broker, createdBy: "tester" });
      const uid = derivedUidOf(input.uid, { processor, params });
      const run = await broker.run(uid);
      assert.deepEqual(run.provenance(), {
        inputs: [{ uid: input.uid, stream: "primary" }],
        software: [{ name: "databroker pipe", version: PACKAGE_VERSION }],
        parameters: { processor: "peakstats", version: "1", x: "motor", y: "det", stream: "primary" },
        created_by: "tester",
        created_at: 1_700_000_000,
      });
      assert.deepEqual(
        (await (await broker.derivedFrom(input.uid)).page()).map((each) => each.uid),
        [uid],
      );
      const lineage = await broker.lineage(uid);
      assert.deepEqual(lineage.edges, [{ from: input.uid, to: uid }]);
      assert.equal(run.stop?.exit_status, "success");
      const [, inputStop] = input.documents[input.documents.length - 1];
      assert.equal(run.stop?.time, (inputStop as { time: number }).time);
    } finally {
      await broker.close();
    }
  });

  test("have uids of their input, processor, version and parameters in any key order", () => {
    const key = { input: "a", processor: "rolling", version: "1", params: { fields: ["det"], window: 5 } };
    const uid = derivedRunUid(key);
    assert.match(uid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(derivedRunUid({ ...key, params: { window: 5, fields: ["det"] } }), uid);
    assert.notEqual(derivedRunUid({ ...key, params: { fields: ["det"], window: 6 } }), uid);
    assert.notEqual(derivedRunUid({ ...key, version: "2" }), uid);
    assert.notEqual(derivedRunUid({ ...key, input: "b" }), uid);
  });

  test("derived again, a run gives the very same documents: nothing new is stored", async () => {
    const broker = await Broker.open(join(tempFolder(), "c.sqlite"));
    try {
      const input = peakScan("again", 1_700_000_000, 1_200, 2);
      await broker.put(input.documents);
      const derivation = rollingDerivation(broker);
      const first = await pipeOnce(broker, derivation);
      assert.equal(first.totals.derived, 1);
      const uid = derivedUidOf(input.uid, derivation);
      const stored = await documentsOf(broker, uid);
      const run = await broker.run(input.uid);
      await deriveRun(run.start, run.documents(), derivation);
      assert.deepEqual(await documentsOf(broker, uid), stored);
      assert.equal((await broker.put(stored)).stored, 0);
      assert.equal(await broker.count(), 2);
      const second = await pipeOnce(broker, derivation);
      assert.deepEqual(second.totals, { derived: 0, already: 1, failed: 0, unfinished: 0, running: 0 });
    } finally {
      await broker.close();
    }
  });

  test("a half-written derived run (a killed pipeline) is completed, identical to one written at once", async () => {
    const folder = tempFolder();
    const whole = await Broker.open(join(folder, "whole.sqlite"));
    const broken = await Broker.open(join(folder, "broken.sqlite"));
    try {
      const input = peakScan("resume", 1_700_000_000, 3_000, 3);
      await whole.put(input.documents);
      await broken.put(input.documents);
      await pipeOnce(whole, rollingDerivation(whole));
      const uid = derivedUidOf(input.uid, rollingDerivation(whole));
      const expected = await eventsOf(whole, uid);
      // What a kill leaves: the start, the descriptor and the first rows, no stop.
      const [start, descriptor, page] = await documentsOf(whole, uid);
      await broken.put([start, descriptor, ["event_page", sliceEventPage(page[1] as EventPage, 0, 700)]]);
      const pipeline = await pipeOnce(broken, rollingDerivation(broken));
      assert.equal(pipeline.totals.derived, 1);
      assert.deepEqual(await eventsOf(broken, uid), expected);
    } finally {
      await whole.close();
      await broken.close();
    }
  });

  test("a derived run is no input of its own processor, though the view selects it", async () => {
    const broker = await Broker.open(join(tempFolder(), "c.sqlite"));
    try {
      await broker.put(peakScan("own", 1_700_000_000, 20, 4).documents);
      await pipeOnce(broker, rollingDerivation(broker));
      const again = await pipeOnce(broker, rollingDerivation(broker));
      assert.deepEqual(again.totals, { derived: 0, already: 1, failed: 0, unfinished: 0, running: 0 });
      // Another processor may take it as its input.
      const other = await pipeOnce(broker, rollingDerivation(broker, 3));
      assert.equal(other.totals.derived, 1);
    } finally {
      await broker.close();
    }
  });
});
