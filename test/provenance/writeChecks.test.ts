// What a put checks of a provenance record, with access rules and without: its shape (findings naming
// start.provenance.<field> and the rule), inputs that exist and that the writer may read (else "no run
// <uid>", the same words for a hidden run as for a missing one), created_by naming the writer; a refused
// record stores nothing of its batch.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { user } from "../../src/access/Principal.ts";
import { Broker } from "../../src/broker/index.ts";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { MEMBERSHIPS, RUN_SPECS } from "../access/accessFixture.ts";
import { derivedRun, plainRun, uid } from "./derivedRuns.ts";

async function catalog(): Promise<Broker> {
  const broker = new Broker(await openStore("memory:"));
  await broker.put(plainRun(uid(1), 1));
  return broker;
}

/** The findings a rejected put carried, as `path rule` lines. */
async function findingsOf(put: Promise<unknown>): Promise<string[]> {
  const error = await put.then(
    () => assert.fail("the put was accepted"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ValidationError, String(error));
  return error.findings.map((finding) => `${finding.path} ${finding.rule}`);
}

describe("provenance records at write, without access rules", () => {
  test("a well-formed record is stored with its run and read back whole", async () => {
    const broker = await catalog();
    await broker.put(derivedRun(uid(2), [{ uid: uid(1), stream: "primary", seq: [1, 3] }]));
    const run = await broker.run(uid(2));
    assert.deepEqual(run.provenance(), {
      inputs: [{ uid: uid(1), stream: "primary", seq: [1, 3] }],
      software: [
        { name: "fitter", version: "2.1", vcs_url: "https://example.org/fitter.git", commit: "abc123" },
      ],
      parameters: { model: "gaussian" },
      created_by: null,
      created_at: run.start.time,
    });
    assert.equal((await broker.run(uid(1))).provenance(), undefined);
  });

  test("each broken rule is a finding naming the field and the rule, and nothing of the batch is stored", async () => {
    const broker = await catalog();
    const bad = derivedRun(uid(3), [], {
      record: {
        inputs: [
          { uid: "" },
          { uid: uid(1), seq: [3, 1] },
          "a uid",
          { uid: uid(1), stream: "primary", extra: 1 },
        ],
        software: [{ version: "1" }],
        parameters: [1],
        created_by: 7,
        when: "today",
      },
    });
    const findings = await findingsOf(broker.put([...plainRun(uid(4), 4), ...bad]));
    assert.deepEqual(findings.sort(), [
      "provenance.created_by type",
      "provenance.inputs[0].uid type",
      "provenance.inputs[1].seq range",
      "provenance.inputs[1].stream required",
      "provenance.inputs[2] type",
      "provenance.inputs[3].extra unknown-field",
      "provenance.parameters type",
      "provenance.software[0].name required",
      "provenance.when unknown-field",
    ]);
    await assert.rejects(broker.put(bad), /start document cafe0003-.*: start\.provenance\./);
    assert.equal(await broker.count(), 1, "the plain run of the refused batch is not stored either");
  });

  test("inputs and software are required, non-empty lists", async () => {
    const broker = await catalog();
    const record = { inputs: undefined, software: [] };
    const findings = await findingsOf(broker.put(derivedRun(uid(5), [], { record })));
    assert.deepEqual(findings.sort(), ["provenance.inputs required", "provenance.software type"]);
    await assert.rejects(
      broker.put(
        plainRun(uid(6), 6).map(([name, doc]) => [
          name,
          name === "start" ? { ...doc, provenance: "x" } : doc,
        ]) as never,
      ),
      /start\.provenance: must be an object/,
    );
  });

  test("an input no run has refuses the batch with 'no run <uid>' and the field; nothing is stored", async () => {
    const broker = await catalog();
    const missing = uid(99);
    await assert.rejects(
      broker.put(derivedRun(uid(7), [uid(1), missing])),
      (error: unknown) =>
        error instanceof NotFoundError &&
        error.message.startsWith(
          `no run ${missing} (start document ${uid(7)}: start.provenance.inputs[1].uid)`,
        ),
    );
    assert.equal(await broker.count(), 1);
  });

  test("an input started earlier in the same batch is accepted; a later one is not", async () => {
    const broker = await catalog();
    await broker.put([...plainRun(uid(8), 8), ...derivedRun(uid(9), [uid(8)])]);
    assert.equal((await broker.search(`derived_from("${uid(8)}")`).page()).length, 1);
    await assert.rejects(
      broker.put([...derivedRun(uid(10), [uid(11)]), ...plainRun(uid(11), 11)]),
      NotFoundError,
    );
  });

  test("without memberships, created_by is whatever the writer says", async () => {
    const broker = await catalog();
    await broker.put(derivedRun(uid(12), [uid(1)], { record: { created_by: "someone" } }));
    assert.equal((await broker.run(uid(12))).provenance()?.created_by, "someone");
  });
});

describe("provenance records at write, under access rules", () => {
  async function world() {
    const broker = new Broker(await openStore("memory:"));
    for (const spec of Object.values(RUN_SPECS))
      await broker.put(plainRun(spec.uid, spec.scan_id, spec.beamtime));
    const memberships = structuredClone(MEMBERSHIPS);
    // u2 may write into B2, so what refuses its record is the input, not the write.
    memberships.users.find((entry) => entry.id === "u2")!.roles = ["ingest"] as never;
    await broker.access.loadMemberships(memberships, "test");
    return broker;
  }

  test("22: an input hidden from the writer is refused exactly as a missing one, and nothing is stored", async () => {
    const broker = await world();
    const u2 = await broker.as(user("u2"));
    const hidden = await u2.put(derivedRun(uid(20), [RUN_SPECS.R1a.uid], { beamtime: "B2" })).catch((e) => e);
    const missing = await u2
      .put(derivedRun(uid(20), ["aaaa1111-0000-4000-8000-00000000ffff"], { beamtime: "B2" }))
      .catch((e) => e);
    assert.ok(hidden instanceof NotFoundError && missing instanceof NotFoundError);
    const shape = (message: string, input: string) => message.replace(input, "<uid>");
    assert.equal(
      shape(hidden.message, RUN_SPECS.R1a.uid),
      shape(missing.message, "aaaa1111-0000-4000-8000-00000000ffff"),
    );
    assert.equal(await broker.store.start(uid(20)), undefined);
    // The same writer with inputs it may read.
    await u2.put(derivedRun(uid(20), [RUN_SPECS.R2.uid, RUN_SPECS.Rpub.uid], { beamtime: "B2" }));
    assert.ok(await broker.store.start(uid(20)));
  });

  test("created_by must be the writer's own id when given", async () => {
    const broker = await world();
    const staff = await broker.as(user("staffXY"));
    const record = { created_by: "pi1" };
    const findings = await findingsOf(
      staff.put(derivedRun(uid(21), [RUN_SPECS.R1a.uid], { beamtime: "B1a", record })),
    );
    assert.deepEqual(findings, ["provenance.created_by writer"]);
    await staff.put(
      derivedRun(uid(21), [RUN_SPECS.R1a.uid], { beamtime: "B1a", record: { created_by: "staffXY" } }),
    );
    await staff.put(derivedRun(uid(22), [RUN_SPECS.R1a.uid], { beamtime: "B1a" }));
    assert.equal((await staff.run(uid(22))).provenance()?.created_by, null);
  });
});
