// A Run's metadata, streams, summary, device configuration and replayed documents on every adapter, checked
// against the documents of real runs (USAXS, apstools edge cases, a failed run, the 4-ID-Polar pack, hklpy).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { BrokerLike } from "../../src/broker/BrokerLike.ts";
import type { DocumentPair, EventDescriptor, RunStart, RunStop } from "../../src/documents/types.ts";
import { NotFoundError } from "../../src/errors.ts";
import { renderFixture } from "../assets/fixtures.ts";
import { collect } from "../storage/storeHelpers.ts";
import { ADAPTERS, brokerWith, closeAll, runsOf, streamEvents } from "./catalogs.ts";

const docsOf = <T>(documents: DocumentPair[], name: string) =>
  documents.filter(([n]) => n === name).map(([, doc]) => doc as T);

for (const adapter of ADAPTERS) {
  describe(`Run (${adapter.name})`, () => {
    let broker: BrokerLike;
    let usaxs: DocumentPair[][];
    let apstools: DocumentPair[][];
    let failed: DocumentPair[];
    let polar: DocumentPair[];
    let hklpy: DocumentPair[];
    let twoDescriptors: DocumentPair[];

    before(async () => {
      usaxs = await runsOf("apstools/tests/usaxs.json");
      apstools = await runsOf("apstools/tests/apstools.json");
      [failed] = await runsOf("apstools/callbacks-tests/uid-b31e8698.json");
      [polar] = await runsOf("apstools/440_specwriter_problem_run");
      [hklpy] = await runsOf("apstools/callbacks-tests/hklpy-26aac337.json");
      twoDescriptors = renderFixture("internal_events.json", "/unused").map(
        ({ name, doc }) => [name, doc] as DocumentPair,
      );
      broker = await brokerWith(adapter, [...usaxs, ...apstools, failed, polar, hklpy, twoDescriptors]);
    });
    after(() => closeAll(broker));

    test("start, stop, descriptors, stream names and summary equal what the documents say", async () => {
      for (const documents of [...usaxs, failed, polar]) {
        const start = documents[0][1] as RunStart;
        const stop = docsOf<RunStop>(documents, "stop")[0];
        const descriptors = docsOf<EventDescriptor>(documents, "descriptor");
        const run = await broker.run(start.uid);
        assert.deepEqual(run.start, start);
        assert.deepEqual(run.stop, stop);
        assert.deepEqual(run.descriptors, descriptors);
        const names = [...new Set(descriptors.map((descriptor) => descriptor.name ?? "primary"))];
        assert.deepEqual(run.streamNames, names);
        const summary = await run.summary();
        assert.deepEqual(summary, {
          uid: start.uid,
          scan_id: start.scan_id ?? null,
          plan_name: start.plan_name ?? null,
          duration: stop.time - start.time,
          events: Object.fromEntries(names.map((name) => [name, streamEvents(documents, name).length])),
          exit_status: stop.exit_status,
          reason: typeof stop.reason === "string" ? stop.reason : null,
        });
        // A run found by listing carries the same counts without asking again.
        const listed = (await broker.search({ op: "eq", key: "uid", value: start.uid }).page())[0];
        assert.deepEqual(await listed.summary(), summary);
      }
      const failedSummary = await (await broker.run((failed[0][1] as RunStart).uid)).summary();
      assert.equal(failedSummary.exit_status, "fail");
      assert.equal(failedSummary.events.primary, 0);
      assert.equal(failedSummary.reason, "'UPD_SIGNAL'");
    });

    test("a run without descriptors has no streams; a run without stop has an open summary", async () => {
      const bare = apstools.find((documents) => !documents.some(([name]) => name === "descriptor"))!;
      const run = await broker.run((bare[0][1] as RunStart).uid);
      assert.deepEqual(run.streamNames, []);
      assert.throws(() => run.stream("primary"), /has no stream "primary"; streams are: \(none\)/);
      assert.deepEqual((await run.summary()).events, {});

      const open = apstools.find((documents) => !documents.some(([name]) => name === "stop"))!;
      const running = await broker.run((open[0][1] as RunStart).uid);
      assert.equal(running.stop, null);
      const summary = await running.summary();
      assert.deepEqual([summary.duration, summary.exit_status, summary.events], [null, null, { primary: 0 }]);
    });

    test("documents() replays the stored documents exactly; with fill, runs without external data are unchanged", async () => {
      for (const documents of [usaxs[0], usaxs[5], polar, failed]) {
        const run = await broker.run((documents[0][1] as RunStart).uid);
        assert.deepEqual(await collect(run.documents()), documents);
        assert.deepEqual(await collect(run.documents({ fill: true })), documents);
      }
      assert.ok(polar.some(([name]) => name === "event_page"));
    });

    test("device configuration per descriptor: a change mid-stream is a second row", async () => {
      const run = await broker.run((twoDescriptors[0][1] as RunStart).uid);
      const descriptors = docsOf<EventDescriptor>(twoDescriptors, "descriptor");
      assert.ok(run.devices().includes("det"));
      assert.deepEqual(run.config("det"), {
        primary: descriptors.map((descriptor) => descriptor.configuration!.det.data),
      });
      const table = run.stream("primary").config().det;
      assert.equal(table.length, 2);
      assert.deepEqual(
        table.column("descriptor"),
        descriptors.map((descriptor) => descriptor.uid),
      );
      assert.deepEqual(
        Array.from(table.column("det_Imax") as Float64Array),
        descriptors.map((descriptor) => descriptor.configuration!.det.data!.det_Imax),
      );
      assert.deepEqual(table.column("det_noise"), ["none", "none"]);
      assert.throws(() => run.config("no_such_device"), NotFoundError);

      // hklpy's diffractometer carries a large configuration: every value is there, per stream.
      const diffractometer = await broker.run((hklpy[0][1] as RunStart).uid);
      for (const device of diffractometer.devices()) {
        const expected: Record<string, unknown[]> = {};
        for (const descriptor of docsOf<EventDescriptor>(hklpy, "descriptor")) {
          const data = descriptor.configuration?.[device]?.data;
          if (data) (expected[descriptor.name ?? "primary"] ??= []).push(data);
        }
        if (Object.keys(expected).length === 0)
          assert.throws(() => diffractometer.config(device), NotFoundError);
        else assert.deepEqual(diffractometer.config(device), expected);
      }
    });
  });
}
