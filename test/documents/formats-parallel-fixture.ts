// A generated JSON Lines file that exercises every branch of the parallel reader's event blocks: runs of
// events of several descriptors, interleaved, numbers that JSON.parse cannot write (NaN, ±Infinity, -0),
// arrays, strings, unicode, key order changes, extra and missing keys, blank and CRLF lines, and the other
// document kinds between them. Deterministic: the same text every time.
import { stringifyJson } from "../../src/documents/formats/index.ts";

/** A small deterministic pseudo-random generator (a linear congruential one), so failures reproduce. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const SPECIAL_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 2 ** 53 + 2];
const TEXTS = ["plain", "ünïcödé", "日本語のテキスト", "emoji 🧪🔬", "line\u2028separator", 'quote " and \\'];

/** An object whose own "__proto__" key is an ordinary property, as JSON.parse makes it. */
function withProtoKey(value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, "__proto__", { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** The lines (without newlines) of a file of about `events` events in runs of three streams. */
export function mixedJsonLines(events: number, shape: "pair" | "name-doc" = "pair"): string[] {
  const random = randomFrom(events);
  const lines: string[] = [];
  const push = (name: string, doc: unknown) => {
    lines.push(stringifyJson(shape === "pair" ? [name, doc] : { name, doc }));
  };
  push("start", { uid: "run-1", time: 1700000000.5, scan_id: 1, note: "ünïcödé ✓" });
  const descriptors = ["desc-numbers", "desc-mixed", "desc-images"];
  for (const uid of descriptors)
    push("descriptor", { uid, run_start: "run-1", time: 1700000000.6, data_keys: {} });
  const seq = new Map<string, number>();
  let written = 0;
  while (written < events) {
    const descriptor = descriptors[Math.floor(random() * descriptors.length)];
    const runLength = random() < 0.2 ? 1 : 1 + Math.floor(random() * 40);
    const swapKeys = random() < 0.1;
    for (let r = 0; r < runLength && written < events; r++, written++) {
      const seq_num = (seq.get(descriptor) ?? 0) + 1;
      seq.set(descriptor, seq_num);
      push("event", eventOf(descriptor, seq_num, random, swapKeys));
      const roll = random();
      if (roll < 0.01) lines.push("");
      else if (roll < 0.015) lines.push("   ");
      else if (roll < 0.02) lines[lines.length - 1] += "\r";
      else if (roll < 0.025) push("datum", { datum_id: `res/${written}`, resource: "res", datum_kwargs: {} });
    }
    if (random() < 0.05) {
      push("event_page", {
        uid: [`page-${written}`],
        descriptor,
        seq_num: [written],
        time: [1.5],
        data: { x: [-0] },
        timestamps: { x: [Number.NaN] },
      });
    }
  }
  push("stop", { uid: "stop-1", run_start: "run-1", time: 1700000999.25, exit_status: "success" });
  return lines;
}

function eventOf(descriptor: string, seq_num: number, random: () => number, swapKeys: boolean): unknown {
  const time = 1700000000 + seq_num * 0.1;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const number = () => (random() < 0.1 ? pick(SPECIAL_NUMBERS) : (random() - 0.5) * 10 ** (random() * 12));
  let data: Record<string, unknown>;
  let timestamps: Record<string, unknown>;
  if (descriptor === "desc-numbers") {
    data = { a: number(), b: number(), c: seq_num };
    // Now and then a number field holds something else: the block must end there.
    if (random() < 0.03) data.b = pick([null, "text", [1, 2], true]);
    timestamps = { a: time, b: time - 0.001, c: time - 0.002 };
  } else if (descriptor === "desc-mixed") {
    data = { label: pick(TEXTS), flag: random() < 0.5, nothing: null, vector: [number(), number()] };
    timestamps = { label: time, flag: time, nothing: time, vector: number() };
  } else {
    data = { image: `datum-${seq_num}`, total: number(), nested: { deep: [pick(TEXTS), { k: -0 }] } };
    timestamps = { image: time, total: time, nested: time };
  }
  if (swapKeys) data = Object.fromEntries(Object.entries(data).reverse());
  const roll = random();
  if (roll < 0.02) data = withProtoKey(number());
  const event: Record<string, unknown> = {
    uid: `ev-${descriptor}-${seq_num}`,
    descriptor,
    seq_num,
    time,
    data,
  };
  if (roll > 0.02 && roll < 0.04) return event; // no timestamps
  event.timestamps = timestamps;
  if (descriptor === "desc-images") event.filled = { image: random() < 0.5 };
  if (roll > 0.04 && roll < 0.06) event.extra = { note: "not in the schema" };
  if (roll > 0.06 && roll < 0.08) return { time, uid: event.uid, seq_num, descriptor, timestamps, data };
  return event;
}
