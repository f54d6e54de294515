// The crash tests' runs and their check: small whole runs with seeded start uids, and the invariant a catalog
// must hold after any number of kill -9s — every acknowledged run whole, no run partially visible.
import assert from "node:assert/strict";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { openStore } from "../../src/storage/openStore.ts";

/** DATABROKER_RELIABILITY_SCALE=10 multiplies rounds and cases (default 1, kept small for CI). */
export const SCALE = Math.max(1, Number(process.env.DATABROKER_RELIABILITY_SCALE ?? 1) || 1);

/** A UUID-shaped uid from the PRNG, so a seed replays the same runs. */
export function seededUid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A small whole run: start, one descriptor, `events` events, stop. */
export function smallRun(uid: string, scanId: number, events: number): DocumentPair[] {
  const run = composeRun({ plan_name: "crash", scan_id: scanId }, { uid, time: 1.7e9 + scanId });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
  });
  const pairs: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let i = 0; i < events; i++)
    pairs.push(["event", stream.composeEvent({ data: { x: i }, timestamps: { x: 1.7e9 + i } })]);
  pairs.push(["stop", run.composeStop({ exit_status: "success" })]);
  return pairs;
}

export interface Verdict {
  stored: number;
  acknowledgedWhole: number;
  unacknowledgedWhole: number;
}

/**
 * Opens the catalog with the library and checks: every stored run is one of `sent` and deep-equal to it
 * (whole), and every run in `acknowledged` is stored. Lost or partial runs fail with the uid named.
 */
export async function checkCatalog(
  uri: string,
  sent: Map<string, DocumentPair[]>,
  acknowledged: Set<string>,
  context: string,
): Promise<Verdict> {
  const store = await openStore(uri);
  try {
    const storedUids: string[] = [];
    for await (const summary of store.runs()) storedUids.push(summary.uid);
    let unacknowledgedWhole = 0;
    for (const uid of storedUids) {
      const expected = sent.get(uid);
      assert.ok(expected, `${context}: stored run ${uid} was never sent`);
      const stored: DocumentPair[] = [];
      for await (const pair of store.documents(uid)) stored.push(pair);
      assert.deepEqual(stored, expected, `${context}: run ${uid} is partial or changed`);
      if (!acknowledged.has(uid)) unacknowledgedWhole++;
    }
    const present = new Set(storedUids);
    const lost = [...acknowledged].filter((uid) => !present.has(uid));
    assert.deepEqual(lost, [], `${context}: acknowledged runs lost`);
    assert.equal(await store.count(), storedUids.length, `${context}: count disagrees with the listing`);
    return { stored: storedUids.length, acknowledgedWhole: acknowledged.size, unacknowledgedWhole };
  } finally {
    await store.close();
  }
}
