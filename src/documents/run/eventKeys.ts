// The key-set rule of events: `data`, `timestamps` and the descriptor's `data_keys` name the same fields
// (keys with `external: "STREAM:"` may be absent: their values live in StreamDatum), `filled` is within `data`.
import type { DataKey } from "../types.ts";

/** What a descriptor says about event keys, computed once per descriptor. */
export interface StreamKeys {
  /** Every declared data key. */
  declared: ReadonlySet<string>;
  /** Declared keys every event must carry (all but the `STREAM:` ones). */
  required: readonly string[];
  /** Keys with `external` set: an unfilled string value in an event is a datum id. */
  external: readonly string[];
  /**
   * The keys of `data` and of `timestamps`, in enumeration order, of the last event that agreed. Events of
   * one source list their keys in one order, so the next event is checked against these key by key.
   */
  agreed: { data: string[]; timestamps: string[] } | null;
}

export interface KeyProblem {
  rule: "data-keys" | "timestamps-keys" | "filled-keys";
  path: string;
  message: string;
}

/** True for a data key whose values live in StreamDatum documents, not in events. */
export function isStreamKey(dataKey: DataKey | undefined): boolean {
  return typeof dataKey?.external === "string" && dataKey.external.startsWith("STREAM");
}

export function streamKeysOf(dataKeys: Record<string, DataKey>): StreamKeys {
  const entries = Object.entries(dataKeys);
  return {
    declared: new Set(Object.keys(dataKeys)),
    required: entries.filter(([, dataKey]) => !isStreamKey(dataKey)).map(([key]) => key),
    external: entries.filter(([, dataKey]) => typeof dataKey?.external === "string").map(([key]) => key),
    agreed: null,
  };
}

type Keyed = Readonly<Record<string, unknown>>;

const has = (record: Keyed, key: string) => Object.hasOwn(record, key);

/** Does `record` enumerate exactly `order`, in that order? */
function enumeratesInOrder(record: Keyed, order: readonly string[]): boolean {
  let n = 0;
  for (const key in record) if (key !== order[n++]) return false;
  return n === order.length;
}

function enumerated(record: Keyed): string[] {
  const keys: string[] = [];
  for (const key in record) keys.push(key);
  return keys;
}

/** The keys of `filled` are keys of `data`. */
function filledWithinData(data: Keyed, filled: Keyed | undefined): boolean {
  if (filled !== undefined) for (const key in filled) if (!has(data, key)) return false;
  return true;
}

/**
 * Every way the key sets of one event (or one whole event page: its columns) break the rule; empty when
 * they agree. Allocates nothing on the common, agreeing event.
 */
export function eventKeyProblems(
  keys: StreamKeys,
  data: Keyed,
  timestamps: Keyed,
  filled: Keyed | undefined,
): KeyProblem[] {
  // Keys enumerated exactly as by an event that agreed do agree: data and timestamps name the same keys,
  // all declared and none required missing.
  const agreed = keys.agreed;
  if (
    agreed !== null &&
    enumeratesInOrder(data, agreed.data) &&
    enumeratesInOrder(timestamps, agreed.timestamps)
  ) {
    if (filledWithinData(data, filled)) return [];
  } else if (keysAgree(keys, data, timestamps)) {
    keys.agreed = { data: enumerated(data), timestamps: enumerated(timestamps) };
    if (filledWithinData(data, filled)) return [];
  }
  return keyProblems(keys, data, timestamps, filled);
}

/** The rule for data and timestamps (filled aside), without allocating. */
function keysAgree(keys: StreamKeys, data: Keyed, timestamps: Keyed): boolean {
  let dataKeys = 0;
  let agree = true;
  for (const key in data) {
    dataKeys++;
    if (!keys.declared.has(key) || !has(timestamps, key)) agree = false;
  }
  let timestampKeys = 0;
  for (const _ in timestamps) timestampKeys++;
  return agree && timestampKeys === dataKeys && keys.required.every((key) => has(data, key));
}

/** Every way the keys break the rule, each with its path and message. */
function keyProblems(
  keys: StreamKeys,
  data: Keyed,
  timestamps: Keyed,
  filled: Keyed | undefined,
): KeyProblem[] {
  const problems: KeyProblem[] = [];
  for (const key of keys.required) {
    if (!has(data, key)) {
      problems.push({ rule: "data-keys", path: `data.${key}`, message: "declared in data_keys but missing" });
    }
  }
  for (const key of Object.keys(data)) {
    if (!keys.declared.has(key)) {
      problems.push({
        rule: "data-keys",
        path: `data.${key}`,
        message: "not declared in the descriptor's data_keys",
      });
    }
  }
  for (const key of Object.keys(data)) {
    if (!has(timestamps, key)) {
      problems.push({
        rule: "timestamps-keys",
        path: `timestamps.${key}`,
        message: "missing for a key of data",
      });
    }
  }
  for (const key of Object.keys(timestamps)) {
    if (!has(data, key)) {
      problems.push({ rule: "timestamps-keys", path: `timestamps.${key}`, message: "has no value in data" });
    }
  }
  for (const key of Object.keys(filled ?? {})) {
    if (!has(data, key)) {
      problems.push({
        rule: "filled-keys",
        path: `filled.${key}`,
        message: "names a key that is not in data",
      });
    }
  }
  return problems;
}
