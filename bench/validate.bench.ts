// Schema validation speed: isValidDocument on 1,000,000 small events against a loop that merely reads every
// field of the same events, then on the real USAXS documents (descriptor-heavy) against a deep read.
import { readFileSync } from "node:fs";
import type { DocumentName } from "../src/documents/types.ts";
import { isValidDocument, validateDocument } from "../src/documents/validate.ts";
import { dataPath } from "../test/support/sharedData.ts";
import { report, time } from "./harness.ts";

const EVENTS = 1_000_000;
const DISTINCT_EVENTS = 10_000;
const STREAMS = 8;

/** Events of 8 streams with 3 to 10 numeric data keys each (some with `filled`), stream after stream. */
function smallEvents(): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  const perStream = DISTINCT_EVENTS / STREAMS;
  for (let stream = 0; stream < STREAMS; stream++) {
    const keys = Array.from({ length: 3 + stream }, (_, i) => `det${stream}_ch${i}`);
    for (let seq = 1; seq <= perStream; seq++) {
      const data: Record<string, unknown> = {};
      const timestamps: Record<string, unknown> = {};
      for (const key of keys) {
        data[key] = Math.random() * 1000;
        timestamps[key] = 1.7e9 + seq;
      }
      const event: Record<string, unknown> = {
        uid: `${stream}-${seq}-${Math.random().toString(36).slice(2)}`,
        descriptor: `descriptor-${stream}`,
        seq_num: seq,
        time: 1.7e9 + seq + 0.5,
        data,
        timestamps,
      };
      if (stream % 3 === 0) event.filled = { [keys[0]]: false };
      events.push(event);
    }
  }
  return events;
}

/** The baseline: read every key and value of each event (and of its data, timestamps and filled). */
function touchFields(event: Record<string, unknown>): number {
  let seen = 0;
  for (const key in event) {
    const value = event[key];
    if (value !== undefined) seen++;
    if (typeof value === "object" && value !== null) {
      const inner = value as Record<string, unknown>;
      for (const innerKey in inner) if (inner[innerKey] !== undefined) seen++;
    }
  }
  return seen;
}

/** The deep baseline for arbitrary documents: visit every key, item and value at every depth. */
function touchDeep(value: unknown): number {
  if (Array.isArray(value)) {
    let seen = 1;
    for (let i = 0; i < value.length; i++) seen += touchDeep(value[i]);
    return seen;
  }
  if (typeof value !== "object" || value === null) return 1;
  let seen = 1;
  const object = value as Record<string, unknown>;
  for (const key in object) seen += touchDeep(object[key]);
  return seen;
}

let sink = 0; // consumed at the end so no loop is optimised away

async function benchSmallEvents(): Promise<void> {
  const events = smallEvents();
  const rounds = EVENTS / DISTINCT_EVENTS;
  const validate = await time(EVENTS, () => {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < events.length; i++) if (isValidDocument("event", events[i])) sink++;
    }
  });
  const touch = await time(EVENTS, () => {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < events.length; i++) sink += touchFields(events[i]);
    }
  });
  report("isValidDocument(event), 1M small events", "events", validate, touch, "read every field");
}

/** The real USAXS run file: 10 runs, 19 descriptors (one with 268 data keys), events with 7999-channel spectra. */
async function benchRealMix(): Promise<void> {
  const pairs = JSON.parse(readFileSync(dataPath("apstools", "tests", "usaxs.json"), "utf8")) as Array<
    [DocumentName, unknown]
  >;
  const repeat = 200;
  const units = pairs.length * repeat;
  const deep = await time(units, () => {
    for (let r = 0; r < repeat; r++) for (const [, doc] of pairs) sink += touchDeep(doc);
  });
  const fast = await time(units, () => {
    for (let r = 0; r < repeat; r++) for (const [name, doc] of pairs) if (isValidDocument(name, doc)) sink++;
  });
  report(`isValidDocument, usaxs.json mix (${pairs.length} docs)`, "docs", fast, deep, "deep read");
  const explained = await time(units, () => {
    for (let r = 0; r < repeat; r++)
      for (const [name, doc] of pairs) sink += validateDocument(name, doc).length;
  });
  report(`validateDocument, usaxs.json mix (${pairs.length} docs)`, "docs", explained, deep, "deep read");
}

export async function run(): Promise<void> {
  await benchSmallEvents();
  await benchRealMix();
  if (sink < 0) console.log(sink);
}
